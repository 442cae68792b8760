"""Where a list's files come from: a folder on disk (git revisions live in store.git)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from curator.core.problems import Problem
from curator.store.read import MAX_BYTES

FOLDERS = ("controls", "catalogue", "discussion", "public-comments")


@dataclass(frozen=True)
class Entry:
    """One file of a list: its path inside the list, and its bytes or why they were not read."""

    path: str
    raw: bytes | None
    problem: Problem | None = None
    stamp: tuple[int, int, int] | None = None  # (size, mtime_ns, inode) where known


def kind_of(path: str) -> str | None:
    parts = path.split("/")
    if parts == ["list.toml"]:
        return "list"
    if not path.endswith(".toml"):
        return None
    if len(parts) == 2 and parts[0] == "controls":
        return "control"
    if len(parts) == 2 and parts[0] == "catalogue":
        return "item"
    if len(parts) == 3 and parts[0] == "discussion":
        return "comment"
    if len(parts) == 3 and parts[0] == "public-comments":
        return "public-comment"
    return None


def walk(root: Path) -> Iterator[Entry]:
    """The list's TOML files in a stable order; links that leave the folder are refused."""
    root = root.resolve()
    top = root / "list.toml"
    if top.exists() or top.is_symlink():
        yield _entry(root, top)
    for folder in FOLDERS:
        base = root / folder
        if not base.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames.sort()
            here = Path(dirpath)
            for name in list(dirnames):
                if (here / name).is_symlink():
                    dirnames.remove(name)
                    yield _entry(root, here / name)
            for name in sorted(filenames):
                if name.endswith(".toml") and not name.startswith("."):
                    yield _entry(root, here / name)


def _entry(root: Path, path: Path) -> Entry:
    rel = path.relative_to(root).as_posix()
    if path.is_symlink():
        target = Path(os.path.realpath(path))
        if not target.is_relative_to(root):
            return Entry(
                rel,
                None,
                Problem(
                    rel, None, "", "outside-list", "link points outside the list folder; not read"
                ),
            )
        if target.is_dir():
            return Entry(
                rel, None, Problem(rel, None, "", "outside-list", "linked folders are not read")
            )
    try:
        st = path.stat()
        if st.st_size > MAX_BYTES:
            message = f"file is {st.st_size:,} bytes; the limit is {MAX_BYTES:,}"
            return Entry(rel, None, Problem(rel, None, "", "file-too-large", message))
        with open(path, "rb") as f:
            raw = f.read(MAX_BYTES + 1)
        return Entry(rel, raw, stamp=(st.st_size, st.st_mtime_ns, st.st_ino))
    except OSError as err:
        return Entry(
            rel, None, Problem(rel, None, "", "unreadable", f"cannot read: {err.strerror}")
        )


def signature(root: Path) -> tuple[int, int, int]:
    """A cheap fingerprint of the list folder: file count, newest mtime, total size.

    Stat only, no reads: a `git pull` or an editor's save changes it, so the UI can reload.
    """
    count = newest = total = 0
    stack = [Path(root)]
    while stack:
        try:
            with os.scandir(stack.pop()) as it:
                for entry in it:
                    if entry.name.startswith("."):
                        continue
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(Path(entry.path))
                    elif entry.name.endswith(".toml"):
                        st = entry.stat(follow_symlinks=False)
                        count += 1
                        total += st.st_size
                        newest = max(newest, st.st_mtime_ns)
        except OSError:
            continue
    return count, newest, total
