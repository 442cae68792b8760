"""Creating and saving controls: one function each, called by both the CLI and the TUI."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from curator.core import checks, records
from curator.core.inert import first_unsafe, unsafe_message
from curator.core.model import Control, ControlList, Member
from curator.core.problems import CuratorError
from curator.store import validate
from curator.store.atomic import digest, write_atomic
from curator.store.files import read_regular
from curator.store.read import key_text
from curator.store.write import control_path, render


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
    known = set(loaded.controls) | {control.id}
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
