"""Atomic writes that never silently overwrite a file someone changed since it was read."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path

from curator.core.problems import CuratorError

TEMP_PREFIX = ".curator-"


class ChangedOnDisk(CuratorError):
    def __init__(self, path: Path) -> None:
        super().__init__(f"{path}: changed on disk since it was read; not overwritten")
        self.path = path


def digest(raw: bytes | None) -> str | None:
    return None if raw is None else hashlib.sha256(raw).hexdigest()


def current_digest(path: Path) -> str | None:
    try:
        return digest(path.read_bytes())
    except FileNotFoundError:
        return None


def write_atomic(path: Path, data: bytes, expected: str | None = "any") -> None:
    """Write `data` to `path` atomically: temp file in the same folder, fsync, rename.

    `expected` is the digest the file had when read (None: it must not exist yet); a file that
    no longer has it is left alone and ChangedOnDisk is raised. "any" skips the check.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if expected != "any" and current_digest(path) != expected:
            raise ChangedOnDisk(path)
        if expected is None:
            # no-clobber: link fails if someone created the file meanwhile
            try:
                os.link(temp, path)
            except FileExistsError:
                raise ChangedOnDisk(path) from None
            os.unlink(temp)
        else:
            os.replace(temp, path)
        _fsync_dir(path.parent)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def clean_stale_temps(root: Path) -> int:
    """Remove temp files a killed process left behind; returns how many."""
    removed = 0
    for temp in root.rglob(f"{TEMP_PREFIX}*.tmp"):
        with contextlib.suppress(OSError):
            temp.unlink()
            removed += 1
    return removed
