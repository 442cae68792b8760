"""The roster in list.toml: adding and removing members and changing roles, by the chair, in one
atomic write of the canonical file that keeps the comments a person typed. The rules are
core.roster's; this module reads, asks and writes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli

from curator.core import records, roster
from curator.core.model import Manifest, Member
from curator.core.problems import CuratorError, Refused
from curator.store.formats.atomic import digest, write_atomic
from curator.store.formats.read import read
from curator.store.formats.schemas import shape
from curator.store.formats.tomltext import canonical, renumbered, scan
from curator.store.git import identity
from curator.store.index.load import load

LIST_FILE = "list.toml"


@dataclass(frozen=True)
class ListFile:
    """list.toml as read: its bytes (to write against) and what they say."""

    raw: bytes
    manifest: Manifest

    @property
    def text(self) -> str:
        return self.raw.decode("utf-8")


def read_list_file(root: Path) -> ListFile:
    """list.toml, or a refusal when it cannot be read or used (a broken file is never edited)."""
    try:
        raw = (root / LIST_FILE).read_bytes()
    except OSError as err:
        raise CuratorError(f"{LIST_FILE}: cannot read: {err.strerror or err}") from err
    got = read("list", LIST_FILE, raw)
    if got.data is None:
        raise CuratorError(f"{LIST_FILE} is broken: run `curator check`")
    return ListFile(raw, records.manifest_from(got.data))


def add_member(root: Path, acting: str | None, candidate: Member) -> roster.RosterChange:
    return _change(root, acting, lambda members: roster.add_member(members, candidate))


def remove_member(root: Path, acting: str | None, member_id: str) -> roster.RosterChange:
    def change(members: tuple[Member, ...]) -> roster.RosterChange:
        known = any(m.id == member_id for m in members)
        authored = roster.authored_by(load(root), member_id) if known else roster.Authored()
        return roster.remove_member(members, member_id, authored)

    return _change(root, acting, change)


def set_role(root: Path, acting: str | None, member_id: str, role: str) -> roster.RosterChange:
    return _change(root, acting, lambda members: roster.set_role(members, member_id, role))


def _change(
    root: Path,
    acting: str | None,
    change: Callable[[tuple[Member, ...]], roster.RosterChange],
) -> roster.RosterChange:
    """Apply `change` to the roster as the chair `acting`, and write list.toml whole or not at
    all; a file changed meanwhile by someone else is not overwritten (ChangedOnDisk)."""
    found = read_list_file(root)
    identity.chair(found.manifest, root, acting)
    before = found.manifest.members
    result = change(before)
    if result.problems:
        raise Refused(result.problems)
    if not result.changed:
        return result
    text = found.text
    data: dict[str, Any] = tomli.loads(text)
    data["members"] = [records.member_to(m) for m in result.members]
    # each entry keeps its comments: entries stay in order, removed ones take theirs along
    after = [m.id for m in result.members]
    moves = {i: after.index(m.id) for i, m in enumerate(before) if m.id in after}
    layout = renumbered(scan(text), ("members",), moves)
    written = canonical(data, shape("list"), layout).encode("utf-8")
    if (
        read("list", LIST_FILE, written).data is None
    ):  # the rules above should make this unreachable
        raise CuratorError(f"{LIST_FILE}: the change would not be valid; nothing was written")
    write_atomic(root / LIST_FILE, written, expected=digest(found.raw))
    return result
