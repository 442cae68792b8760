"""Creating and saving controls and catalogue items: one function each, called by both the CLI
and the TUI."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import tomli

from curator.core import catalogue, checks, records
from curator.core.catalogue import ItemFields
from curator.core.ids import is_slug
from curator.core.inert import first_unsafe, unsafe_message
from curator.core.model import Control, ControlList, Manifest, Member
from curator.core.problems import CuratorError, InputProblem, Refused
from curator.store.formats import validate
from curator.store.formats.atomic import digest, write_atomic
from curator.store.formats.files import read_regular
from curator.store.formats.read import key_text, read
from curator.store.formats.write import control_path, render
from curator.store.git import identity
from curator.store.records.roster import read_list_file


def create_control(
    root: Path, loaded: ControlList, control_id: str, title: str, area: str, member: Member
) -> Path:
    """Write a new canonical draft control proposed by `member`."""
    path = control_path(root, control_id)
    if path.exists() or control_id in loaded.controls:
        raise CuratorError(f"control {control_id} already exists ({path})")
    manifest = loaded.manifest
    if manifest is None:
        raise CuratorError("list.toml is broken: run `curator check`")
    if area not in manifest.areas:
        areas = ", ".join(sorted(manifest.areas)) or "none declared"
        raise CuratorError(f"unknown area '{area}' (areas: {areas})")
    if not title.strip():
        raise CuratorError("the title must not be empty")
    unsafe = first_unsafe(title)
    if unsafe is not None:
        raise CuratorError(f"the title {unsafe_message(unsafe)}")
    control = Control(
        id=control_id, title=title.strip(), area=area, status="draft", proposed_by=member.id
    )
    write_atomic(path, render("control", records.control_to(control)).encode(), expected=None)
    return path


def control_problems(data: Mapping[str, Any], loaded: ControlList) -> list[str]:
    """Everything `check` would say about this control data, as `key: message` lines."""
    issues = validate.validate("control", validate.json_view(dict(data)))
    if issues:
        return [f"{key_text(path) or '(file)'}: {message}" for path, _, message in issues]
    if loaded.manifest is None:
        return []
    control = records.control_from(validate.json_view(dict(data)))
    known = {**loaded.controls, control.id: control}
    return [f"{p.key}: {p.message}" for p in checks.check_control(control, loaded.manifest, known)]


def read_for_edit(root: Path, control_id: str) -> tuple[str, str]:
    """The control file's text and the digest to save against (conflict detection)."""
    raw = read_regular(control_path(root, control_id))
    return raw.decode("utf-8"), digest(raw) or ""


def save_control(
    root: Path, data: Mapping[str, Any], expected: str | None, previous: str | None = None
) -> Path:
    """Write a control in canonical form, keeping comments from `previous`; refuses to overwrite
    a file whose digest is no longer `expected` (ChangedOnDisk)."""
    path = control_path(root, str(data["id"]))
    write_atomic(path, render("control", dict(data), previous).encode(), expected=expected)
    return path


def create_item(root: Path, acting: str | None, item_id: str, fields: ItemFields) -> Path:
    """Write the new catalogue item `item_id` (a member may; observers and strangers not)."""
    manifest = read_list_file(root).manifest
    identity.writer(manifest, root, acting)
    draft = catalogue.new_item(item_id, fields, manifest.parameters)
    problems = list(draft.problems)
    path = root / "catalogue" / f"{item_id}.toml"
    if not any(p.field == "id" for p in problems) and path.exists():
        problems.insert(
            0,
            InputProblem("id", item_id, "item-exists", f"catalogue/{item_id}.toml already exists"),
        )
    if problems:
        raise Refused(tuple(problems))
    _write_item(path, render("item", records.item_to(draft.item)), manifest, None)
    return path


def change_item(root: Path, acting: str | None, item_id: str, fields: ItemFields) -> Path | None:
    """Apply `fields` to catalogue item `item_id`, keeping its comments; None if that changes
    nothing."""
    manifest = read_list_file(root).manifest
    identity.writer(manifest, root, acting)
    path = root / "catalogue" / f"{item_id}.toml"
    rel = f"catalogue/{item_id}.toml"
    if not is_slug(item_id) or not path.is_file():
        raise CuratorError(f"no catalogue item '{item_id}' ({rel} does not exist)")
    raw = path.read_bytes()
    got = read("item", rel, raw)
    if got.data is None:
        raise CuratorError(f"{rel} is broken: run `curator check`")
    item = records.item_from(got.data, rel)
    draft = catalogue.edit_item(item, fields, manifest.parameters)
    if draft.problems:
        raise Refused(draft.problems)
    before, after = records.item_to(item), records.item_to(draft.item)
    if before == after:
        return None
    text = raw.decode("utf-8")
    data = tomli.loads(text)
    for key in before.keys() - after.keys():
        del data[key]
    data.update({k: v for k, v in after.items() if before.get(k) != v})
    _write_item(path, render("item", data, text), manifest, digest(raw))
    return path


def _write_item(path: Path, text: str, manifest: Manifest, expected: str | None) -> None:
    """Write an item only if `check` would find nothing wrong with it."""
    rel = f"catalogue/{path.name}"
    written = text.encode("utf-8")
    got = read("item", rel, written)
    problems = got.problems
    if got.data is not None:
        problems = tuple(checks.check_item(records.item_from(got.data, rel), manifest))
    if problems:
        raise CuratorError("\n".join(p.render() for p in problems))
    write_atomic(path, written, expected=expected)
