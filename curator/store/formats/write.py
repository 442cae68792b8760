"""Writing list files in the canonical layout, atomically."""

from __future__ import annotations

import contextlib
import datetime as dt
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
from curator.store.formats.validate import json_view


def canonical_text(kind: str, text: str) -> str:
    """`text` in canonical layout, keeping the comments a person typed."""
    data = tomli.loads(text)
    layout = scan(text) if "#" in text else None
    return canonical(data, shape(kind), layout)


def render(kind: str, data: Mapping[str, Any], previous: str | None = None) -> str:
    """New data for a file, keeping from the previous text its comments where their keys
    survive, and its dates and times where their values did not change: a record holds them as
    ISO text, and an edit of one field must not turn `since = 2022-10-07` into a string."""
    layout = scan(previous) if previous and "#" in previous else None
    if previous:
        with contextlib.suppress(tomli.TOMLDecodeError):  # (nothing to keep: as given)
            data = _dated_as(data, tomli.loads(previous))
    return canonical(data, shape(kind), layout)


def _dated_as(new: Any, old: Any) -> Any:
    """`new`, with each date or time `old` holds and `new` has as the same ISO text put back."""
    if isinstance(new, str) and isinstance(old, dt.date | dt.time):  # (a datetime is a date)
        return old if json_view(old) == new else new
    if isinstance(new, Mapping) and isinstance(old, Mapping):
        return {k: _dated_as(v, old[k]) if k in old else v for k, v in new.items()}
    if isinstance(new, list) and isinstance(old, list) and len(new) == len(old):
        return [_dated_as(n, o) for n, o in zip(new, old, strict=True)]
    return new


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
