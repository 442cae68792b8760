"""A large list's discussion and public comments, read in a process of their own.

The TUI shows a large list's table from its controls and catalogue at once (store.index.load with
DEFINITIONS); the rest — 10^5 comment files — is read here, apart. Parsing them then holds no
lock the UI needs, and the memory reading takes goes back to the system when the process ends.
What comes back is light: every problem the whole list has, and the comments and public
comments without their bodies (`with_bodies` reads those of the few a person looks at).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from curator.core import records
from curator.core.model import Comment, ControlList, PublicComment
from curator.core.problems import CuratorError
from curator.store import processes
from curator.store.formats import read as reader
from curator.store.formats.layout import kind_of
from curator.store.index.load import load
from curator.store.index.source import read_file, signature

Signature = tuple[int, int, int]
AnyComment = TypeVar("AnyComment", Comment, PublicComment)


def light(root: Path) -> ControlList:
    """The whole list's problems, comments and public comments, bodies left out; no controls
    and no catalogue (the caller has them)."""
    loaded = load(root)
    # names said again and again are sent once (pickle shares what is one object here)
    once = sys.intern
    return replace(
        loaded,
        controls={},
        catalogue={},
        comments=tuple(
            replace(
                c,
                body="",
                control=once(c.control),
                author=once(c.author),
                position=once(c.position),
            )
            for c in loaded.comments
        ),
        public_comments=tuple(
            replace(c, body="", docket=once(c.docket), controls=tuple(map(once, c.controls)))
            for c in loaded.public_comments
        ),
    )


class Reader(processes.Apart):
    """`light(root)` read by a process of its own (a fresh interpreter: the TUI runs threads,
    so it must not fork), started at once; `result` waits for it and `stop` ends it (a UI
    that quits, or reads again, does not wait for a read it no longer needs)."""

    def __init__(self, root: Path) -> None:
        super().__init__(f"{__name__}:read_apart", str(root))

    def result(self) -> tuple[ControlList, Signature] | None:
        """What the child read and the signature it read at; None if it was stopped."""
        try:
            return super().result()
        except RuntimeError as failed:
            raise CuratorError(f"reading the discussion failed: {failed}") from None


def read_apart(root: str) -> tuple[ControlList, Signature]:
    """In the reader's process: `light(root)` and the signature of the list it read."""
    seen = signature(Path(root))
    return light(Path(root)), seen


def with_bodies(root: Path, said: Sequence[AnyComment]) -> list[AnyComment]:
    """The comments as their files hold them now, bodies included; one whose file cannot be
    read any more stays as it was."""
    return [_in_full(Path(root), c) for c in said]


def comment_at(root: Path, rel: str, control: str) -> Comment | None:
    """The comment in file `rel` of the list, or None if it cannot be read."""
    data = _data_at(Path(root), rel)
    return None if data is None else records.comment_from(data, control, rel)


def _in_full(root: Path, said: AnyComment) -> AnyComment:
    data = _data_at(root, said.file)
    if data is None:
        return said
    if isinstance(said, Comment):
        full = records.comment_from(data, said.control, said.file)
    else:
        full = records.public_comment_from(data, said.file)
    # the same comment (a file edited since keeps its place until the next reload)
    return replace(said, body=full.body)


def _data_at(root: Path, rel: str) -> dict | None:
    """What the list file `rel` holds, or None if it cannot be read or is broken."""
    try:
        raw = read_file(str(root / rel))
    except OSError:
        return None
    return reader.read(kind_of(rel) or "", rel, raw).data
