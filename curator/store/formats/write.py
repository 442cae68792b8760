"""Writing list files in the canonical layout, atomically."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli

from curator.core.ids import CONTROL_ID
from curator.core.problems import CuratorError
from curator.store.formats.atomic import digest, write_atomic
from curator.store.formats.files import read_regular
from curator.store.formats.layout import kind_of
from curator.store.formats.schemas import shape
from curator.store.formats.tomltext import canonical, scan


def canonical_text(kind: str, text: str) -> str:
    """`text` in canonical layout, keeping the comments a person typed."""
    data = tomli.loads(text)
    layout = scan(text) if "#" in text else None
    return canonical(data, shape(kind), layout)


def render(kind: str, data: Mapping[str, Any], previous: str | None = None) -> str:
    """New data for a file, keeping comments from the previous text where their keys survive."""
    layout = scan(previous) if previous and "#" in previous else None
    return canonical(data, shape(kind), layout)


@dataclass(frozen=True)
class Reformat:
    path: str
    before: bytes
    after: bytes


def unformatted(root: Path, paths: Iterator[str]) -> Iterator[Reformat]:
    """Files among `paths` (loaded cleanly) whose bytes are not canonical."""
    for rel in paths:
        kind = kind_of(rel)
        if kind is None:
            continue
        before = read_regular(root / rel)
        after = canonical_text(kind, before.decode("utf-8")).encode("utf-8")
        if after != before:
            yield Reformat(rel, before, after)


def rewrite(root: Path, change: Reformat) -> None:
    write_atomic(root / change.path, change.after, expected=digest(change.before))


def control_path(root: Path, control_id: str) -> Path:
    """The file of a control; the id is checked before any path is built."""
    if not CONTROL_ID.match(control_id):
        raise CuratorError(
            f"'{control_id}' is not a valid control id: digit 0-9, group A-E, three digits, "
            "optional .sub-paragraphs (e.g. 3A090, 4A906.a)"
        )
    path = root / "controls" / f"{control_id}.toml"
    if not path.resolve().is_relative_to(root.resolve()):
        raise CuratorError(f"'{control_id}' would leave the list folder")
    return path
