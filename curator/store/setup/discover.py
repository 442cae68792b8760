"""Which list a command works on: --list, else $CURATOR_LIST, else the one lists/*/ found upward
(`check` takes all the lists found there)."""

from __future__ import annotations

import os
from pathlib import Path

from curator.core.problems import InvalidValue


def find_list(explicit: str | None, cwd: Path | None = None) -> Path:
    found = find_lists(explicit, cwd)
    if len(found) > 1:
        names = ", ".join(str(p) for p in found)
        raise InvalidValue(f"several lists found ({names}): choose one with --list DIR")
    return found[0]


def find_lists(explicit: str | None, cwd: Path | None = None) -> list[Path]:
    """The list named, else the lists found where `find_list` looks (one, or several)."""
    chosen = explicit or os.environ.get("CURATOR_LIST")
    if chosen:
        root = Path(chosen)
        if not root.is_dir():
            raise InvalidValue(f"{chosen}: no such folder")
        if not (root / "list.toml").exists() and not (root / "list.toml").is_symlink():
            raise InvalidValue(f"{chosen}: not a list (no list.toml)")
        return [root]
    here = (cwd or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "list.toml").is_file():
            return [folder]
        found = sorted(p.parent for p in folder.glob("lists/*/list.toml"))
        if found:
            return found
    raise InvalidValue(
        "no list found: pass --list DIR, set CURATOR_LIST, or run inside a folder with lists/*/list.toml",
    )
