"""Atomic writes that never silently overwrite a file someone changed since it was read."""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import sys
import time
from collections.abc import Iterable
from pathlib import Path

from curator.core.problems import CuratorError
from curator.store.formats.files import read_regular

TEMP_PREFIX = ".curator-"
STALE_AFTER = 3600.0  # seconds: a temp file this old is left over, whatever wrote it
_swept: set[Path] = set()  # folders already cleaned by this process (a sweep lists a folder)
_numbers = itertools.count()  # temp file names: unique in this process without a random draw
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)


class ChangedOnDisk(CuratorError):
    def __init__(self, path: Path) -> None:
        super().__init__(f"{path}: changed on disk since it was read; not overwritten")
        self.path = path

    def __reduce__(self) -> tuple:  # sent back by the process that wrote (store.records.public)
        return ChangedOnDisk, (self.path,)


class WriteFailed(CuratorError, OSError):
    """The system refused the write (disk full, read-only, permissions): the file is as it was.

    A CuratorError, so the CLI and the TUI show the message; still an OSError, so a caller that
    may do without the write (the read cache) can keep ignoring OSError."""

    def __init__(self, path: Path, err: OSError) -> None:
        self.reason = err.strerror or str(err)
        super().__init__(f"{path}: cannot write: {self.reason}; the file was left as it was")
        self.path = path
        self.errno, self.strerror, self.filename = err.errno, err.strerror, str(path)

    def __reduce__(self) -> tuple:
        return WriteFailed, (self.path, OSError(self.errno, self.reason))


def digest(raw: bytes | None) -> str | None:
    return None if raw is None else hashlib.sha256(raw).hexdigest()


def current_digest(path: Path) -> str | None:
    try:
        return digest(read_regular(path))
    except FileNotFoundError:
        return None


def write_atomic(
    path: Path, data: bytes, expected: str | None = "any", durable: bool = True
) -> None:
    """Write `data` to `path` atomically: temp file in the same folder, fsync, rename.

    `expected` is the digest the file had when read (None: it must not exist yet); a file that
    no longer has it is left alone and ChangedOnDisk is raised. "any" skips the check.
    A refusal by the system (disk full, read-only) raises WriteFailed; the temp file is removed
    either way, and one a killed process left in the folder is removed before writing.
    `durable=False` leaves out the flushes to disk, for a file that may be lost in a crash
    (the read cache: it checks its files' checksums and makes them again); still atomic.
    """
    try:
        _write(path, data, expected, durable)
    except OSError as err:
        raise WriteFailed(path, err) from err


def _write(path: Path, data: bytes, expected: str | None, durable: bool) -> None:
    _prepare(path.parent)
    temp = _temp_file(path, data, new=expected is None, sync=durable)
    try:
        _place(temp, path, expected)
        if durable:
            _fsync_dir(path.parent)
    except BaseException:
        _remove(temp)
        raise


def write_many(items: Iterable[tuple[Path, bytes, str | None]]) -> list[CuratorError | None]:
    """write_atomic for many files, with one flush to disk for all instead of one per file.

    Items are (path, data, expected) as for write_atomic, taken one at a time: each is written
    to a temp file beside its path straight away and its data dropped, so a long stream needs
    little memory. Then every temp file is flushed to disk at once, renamed into place with
    write_atomic's checks, and each folder synced once. The answer holds, in order, None for a
    file written, ChangedOnDisk for one that changed since it was read (left alone), WriteFailed
    for one the system refused (left as it was). No temp file is left behind, whatever happens.
    """
    outcomes: list[CuratorError | None] = []
    staged: list[tuple[int, str, Path, str | None]] = []  # outcome index, temp, path, expected
    folders: set[Path] = set()
    placed = 0
    try:
        for path, data, expected in items:
            try:
                if path.parent not in folders:
                    _prepare(path.parent)
                    folders.add(path.parent)
                temp = _temp_file(path, data, new=expected is None, sync=False)
            except OSError as err:
                outcomes.append(WriteFailed(path, err))
                continue
            staged.append((len(outcomes), temp, path, expected))
            outcomes.append(None)
        if staged:
            _flush(temp for _, temp, _, _ in staged)
        for index, temp, path, expected in staged:
            try:
                _place(temp, path, expected)
            except ChangedOnDisk as err:
                outcomes[index] = err
                _remove(temp)
            except OSError as err:
                outcomes[index] = WriteFailed(path, err)
                _remove(temp)
            placed += 1
        for folder in folders:
            _fsync_dir(folder)
    finally:
        for _, temp, _, _ in staged[placed:]:
            _remove(temp)
    return outcomes


def _prepare(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    _sweep_once(folder)


def _temp_file(path: Path, data: bytes, new: bool, sync: bool) -> str:
    """A temp file holding `data` beside `path`, with the mode `path` has (new: the umask's)."""
    while True:
        temp = os.path.join(path.parent, temp_name())
        try:
            fd = os.open(temp, _CREATE, 0o666 if new else 0o600)
            break
        except FileExistsError:
            continue  # left by a killed process that had the same pid
    try:
        try:
            if not new:
                os.fchmod(fd, _mode_for(path))
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            if sync:
                os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        _remove(temp)
        raise
    return temp


def temp_name() -> str:
    """A name for a temp file (or folder) unique in this process; the writer's pid in it lets a
    later run tell a killed write from a live one."""
    return f"{TEMP_PREFIX}{os.getpid()}-{next(_numbers)}.tmp"


def _place(temp: str, path: Path, expected: str | None) -> None:
    """The temp file renamed onto `path`, unless `path` no longer has the digest `expected`."""
    if expected is None:
        # no-clobber: link fails if someone created the file meanwhile
        try:
            os.link(temp, path)
        except FileExistsError:
            raise ChangedOnDisk(path) from None
        os.unlink(temp)
        return
    if expected != "any" and current_digest(path) != expected:
        raise ChangedOnDisk(path)
    os.replace(temp, path)


def _flush(temps: Iterable[str]) -> None:
    """The data of every temp file on disk, before any is renamed into place."""
    if sys.platform == "linux":
        os.sync()  # one flush for all: Linux's sync returns once the data is written
        return
    for temp in temps:
        _fsync_path(temp)


def _remove(temp: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(temp)


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        _fsync_path(folder)


def _fsync_path(path: str | Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def clean_stale_temps(root: Path) -> int:
    """Remove the temp files that killed writes left in the list folder; returns how many."""
    removed = 0
    for folder, dirnames, _ in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]  # not into .git
        removed += _sweep(Path(folder))
    return removed


def _sweep_once(folder: Path) -> None:
    if folder not in _swept:
        _swept.add(folder)
        _sweep(folder)


def _sweep(folder: Path) -> int:
    removed = 0
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            if is_temp(entry.name) and left_over(entry):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
                    removed += 1
    return removed


def is_temp(name: str) -> bool:
    """Whether a file name is one of the atomic writer's temp files."""
    return name.startswith(TEMP_PREFIX) and name.endswith(".tmp")


def left_over(entry: os.DirEntry) -> bool:
    """No running write owns this temp file: its process is gone, or it is old."""
    try:
        if time.time() - entry.stat(follow_symlinks=False).st_mtime > STALE_AFTER:
            return True
    except OSError:
        return False
    pid = entry.name[len(TEMP_PREFIX) :].split("-", 1)[0]
    if not pid.isdigit() or int(pid) == os.getpid():
        return False
    return not _running(int(pid))


def _running(pid: int) -> bool:
    if os.name != "posix":
        return True  # cannot tell cheaply: leave it to the age rule
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, run by someone else
    return True
