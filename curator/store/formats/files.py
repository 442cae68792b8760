"""Reading a file by name without trusting what is there: only a regular file is read, opening
never blocks (a pipe waits for a writer otherwise) and no more than a limit is held in memory
(a device such as /dev/zero never ends)."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from curator.core.problems import CuratorError, InvalidValue

# O_NONBLOCK: opening a pipe returns at once instead of waiting for a writer; for a regular
# file it changes nothing
OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


class Unreadable(CuratorError, OSError):
    """A path refused unread. A CuratorError, so a verb says why in one line; still an
    OSError, so a caller that handles a file it cannot read goes on handling this one."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.strerror, self.filename = reason, str(path)


class NotAFile(Unreadable):
    """A folder, a pipe, a device: anything but a regular file."""

    def __init__(self, path: Path | str) -> None:
        super().__init__(path, NOT_A_FILE)

    def __reduce__(self) -> tuple:
        return NotAFile, (self.filename,)


class TooLarge(Unreadable):
    def __init__(self, path: Path | str, size: int, limit: int) -> None:
        super().__init__(path, too_large(size, limit))
        self.size, self.limit = size, limit

    def __reduce__(self) -> tuple:
        return TooLarge, (self.filename, self.size, self.limit)


NOT_A_FILE = "not a regular file (a folder, a pipe or a device)"


def is_regular(st: os.stat_result) -> bool:
    return stat.S_ISREG(st.st_mode)


def too_large(size: int, limit: int) -> str:
    return f"file is {size:,} bytes; the limit is {limit:,}"


def open_regular(path: Path | str) -> BinaryIO:
    """`path` opened for reading, if it is a regular file (NotAFile if not; OSError if it
    cannot be opened)."""
    fd = os.open(path, OPEN_FLAGS)
    try:
        if not is_regular(os.fstat(fd)):
            raise NotAFile(path)
        return open(fd, "rb", closefd=True)
    except BaseException:
        os.close(fd)
        raise


def read_regular(path: Path | str, limit: int | None = None) -> bytes:
    """The bytes of the regular file `path`; Unreadable when it is not one, or holds more than
    `limit` bytes (NotAFile, TooLarge; a file growing meanwhile is read to the limit plus one
    byte, and refused)."""
    with open_regular(path) as f:
        if limit is None:
            return f.read()
        size = os.fstat(f.fileno()).st_size
        if size > limit:
            raise TooLarge(path, size, limit)
        data = f.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(path, len(data), limit)
    return data


def read_given(path: Path | str, limit: int | None = None) -> bytes:
    """`read_regular` for a file named on the command line: a file that is not there or
    cannot be read is a one-line InvalidValue; one too large is TooLarge."""
    try:
        return read_regular(path, limit)
    except TooLarge:
        raise
    except FileNotFoundError:
        raise InvalidValue(f"{path}: no such file", value=str(path)) from None
    except OSError as err:
        raise InvalidValue(f"{path}: cannot read: {err.strerror}", value=str(path)) from None


def read_regular_or_none(path: Path) -> bytes | None:
    """`read_regular`, or None when nothing is there."""
    try:
        return read_regular(path)
    except FileNotFoundError:
        return None
