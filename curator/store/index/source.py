"""Where a list's files come from: a folder on disk (git revisions live in store.git.plumbing)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from operator import attrgetter
from pathlib import Path

from curator.core.problems import Problem
from curator.store.formats.atomic import is_temp, left_over
from curator.store.formats.files import NOT_A_FILE, OPEN_FLAGS, is_regular
from curator.store.formats.layout import FOLDERS
from curator.store.formats.read import MAX_BYTES, Read

# a stat stamp taken less than this after its file (or folder) last changed is not trusted: a
# second change in the same clock tick would leave the same stamp (git's racily clean entries)
RACY_NS = 2 * 10**9


def trust_cutoff() -> int:
    """The instant (ns) before which a file must have last changed for its stamp to be trusted."""
    return time.time_ns() - RACY_NS


def trusted(mtime_ns: int, ctime_ns: int, cutoff: int) -> bool:
    """Whether a stamp with these times can be trusted, `cutoff` being a `trust_cutoff()`."""
    return max(mtime_ns, ctime_ns) < cutoff


@dataclass(frozen=True)
class Entry:
    """One file of a list: its path inside the list, and its bytes or why they were not read."""

    path: str
    raw: bytes | None
    problem: Problem | None = None
    stamp: tuple[int, int, int, int] | None = None  # (size, mtime_ns, ctime_ns, inode) if known
    result: Read | None = None  # what the read cache already knows of these bytes
    # reads the bytes when they were left unread (a stat-only walk, a cached git blob)
    fetch: Callable[[], bytes] | None = field(default=None, compare=False, repr=False)
    blob: bytes | None = None  # the git blob id of `raw`, when the reader worked it out

    def contents(self) -> bytes | None:
        """The bytes as read, or read now: a file the cache answered is opened only when a
        problem in it needs a line number."""
        if self.raw is not None or self.fetch is None:
            return self.raw
        try:
            return self.fetch()
        except (OSError, ValueError):
            return None


def walk(root: Path, folders: Sequence[str] = FOLDERS, read: bool = True) -> Iterator[Entry]:
    """The list's TOML files in a stable order; links that leave the folder are refused.

    `folders` limits the walk to some of the list's folders (list.toml is always there). With
    `read=False` files are only stat'ed: their entries carry the stamp and no bytes (`with_bytes`
    reads them), so the read cache can skip opening the files that did not change.
    """
    for found in files(root, folders, read):
        yield found if isinstance(found, Entry) else walk_file(*found, read)


def files(
    root: Path,
    folders: Sequence[str] = FOLDERS,
    read: bool = True,
    listings: Listings | None = None,
) -> Iterator[Entry | tuple[str, str]]:
    """`walk` before it touches a file: (path in the list, path on disk) for a plain file, an
    entry for a link (judged here, read if `read`). For callers that stat 10^5 files themselves;
    `listings` remembers what each folder held. A folder may be nested (`discussion/3A090`: one
    control's discussion)."""
    for found in batches(root, folders, read, listings):
        if isinstance(found, tuple):
            rel, here, names = found
            for name in names:
                yield rel + name, f"{here}/{name}"
        else:
            yield found


# plain files of one folder, in name order: (path of the folder in the list with a trailing
# slash, or "" for list.toml's; its path on disk; the files' names)
Batch = tuple[str, str, Sequence[str]]


def batches(
    root: Path,
    folders: Sequence[str] = FOLDERS,
    read: bool = True,
    listings: Listings | None = None,
) -> Iterator[Entry | Batch]:
    """`files`, a folder's plain files at a time (no objects per file: a caller that wants
    only paths makes them)."""
    root = root.resolve()
    top = root / "list.toml"
    if top.is_symlink():
        yield _entry(root, top, read)
    elif top.exists():
        yield ("", str(root), ("list.toml",))
    for folder in folders:
        base = root / folder
        parts = folder.split("/")
        # a walk would follow a link anywhere on the way: its files may live anywhere
        linked = next(
            (
                at
                for i in range(1, len(parts) + 1)
                if (at := root.joinpath(*parts[:i])).is_symlink()
            ),
            None,
        )
        if linked is not None:
            yield _entry(root, linked, read)
            continue
        if base.is_dir():
            yield from _folder(root, f"{folder}/", str(base), read, listings)


class Listings:
    """What the walk found in each folder — its .toml files and its subfolders, by name — kept
    with the folder's stat stamp and reused while the stamp is unchanged: adding, removing or
    renaming an entry moves a folder's mtime and ctime. A stamp that is not `trusted` before
    `cutoff` (a `trust_cutoff()`) is not kept, and a folder holding a link is always listed afresh
    (links are judged on every walk)."""

    def __init__(self, known: dict[str, tuple], cutoff: int) -> None:
        self.known = known  # folder on disk: (mtime_ns, ctime_ns, inode, files, subfolders)
        self.cutoff = cutoff
        self.visited: set[str] = set()
        self.changed = False

    def listing(self, here: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
        """(files, subfolders) of `here` as last listed, if it cannot have changed since."""
        self.visited.add(here)
        seen = self.known.get(here)
        if seen is None:
            return None
        try:
            st = os.stat(here)
        except OSError:
            return None
        if (st.st_mtime_ns, st.st_ctime_ns, st.st_ino) != seen[:3]:
            return None
        return seen[3], seen[4]

    def stamp(self, here: str) -> tuple[int, int, int] | None:
        """Taken before listing `here`: a change while it is listed makes it stale, not lost."""
        try:
            st = os.stat(here)
        except OSError:
            return None
        if not trusted(st.st_mtime_ns, st.st_ctime_ns, self.cutoff):
            return None
        return st.st_mtime_ns, st.st_ctime_ns, st.st_ino

    def remember(
        self, here: str, stamp: tuple | None, files: Sequence[str], subs: Sequence[str]
    ) -> None:
        self.changed = True
        if stamp is None:
            self.known.pop(here, None)
        else:
            self.known[here] = (*stamp, tuple(files), tuple(subs))

    def part(self) -> tuple[list[str], dict[str, tuple] | None, bool]:
        """What this walk found, for another process to `adopt`: the folders it went through,
        the listings of those it can trust (None: those it was given, none listed afresh),
        whether any was listed afresh."""
        visited = sorted(self.visited)
        if not self.changed:
            return visited, None, False
        return visited, {h: self.known[h] for h in visited if h in self.known}, True

    def adopt(self, part: tuple[list[str], dict[str, tuple] | None, bool]) -> None:
        """Another process's walk of some folders (`part`), as if this one had made it (from
        the same listings as this one was given)."""
        visited, known, changed = part
        self.visited.update(visited)
        if known is None:
            return
        for here in visited:
            if here in known:
                self.known[here] = known[here]
            else:
                self.known.pop(here, None)
        self.changed |= changed

    def walked(self) -> dict[str, tuple] | None:
        """The listings of the folders this walk went through (a folder gone is forgotten), or
        None when they are the ones it was given."""
        if not self.changed and self.visited.issuperset(self.known):
            return None
        return {here: self.known[here] for here in self.visited if here in self.known}


def _folder(
    root: Path, rel: str, here: str, read: bool, listings: Listings | None = None
) -> Iterator[Entry | Batch]:
    """One folder in name order: its .toml files, then each subfolder. One scandir per folder
    (none when `listings` knows it unchanged), no Path objects per file, and each entry's type
    from the directory itself (d_type): a list has 10^5 files. Lazy, so that a caller can stop
    after the first N files."""
    known: tuple[Sequence[str], Sequence[str]] | None
    known = listings.listing(here) if listings is not None else None
    if known is None:
        stamp = listings.stamp(here) if listings is not None else None
        try:
            with os.scandir(here) as found:
                entries = list(found)
        except OSError:
            return
        holds_folders = rel in HOLD_FOLDERS
        known = _plain_listing(entries, holds_folders)
        if known is None:
            yield from _unusual_folder(root, rel, here, entries, read, listings, holds_folders)
            return
        if listings is not None:
            listings.remember(here, stamp, *known)
    names, subnames = known
    if names:
        yield rel, here, names
    for name in subnames:
        yield from _folder(root, f"{rel}{name}/", f"{here}/{name}", read, listings)


# the folders that hold a folder per control or docket; every other folder holds list files
HOLD_FOLDERS = ("discussion/", "public-comments/")
KEEP = ".gitkeep"  # what keeps an empty folder in git: said nothing about


def _plain_listing(
    entries: list[os.DirEntry], holds_folders: bool
) -> tuple[list[str], list[str]] | None:
    """The .toml files' and the subfolders' names, each sorted; None when anything else is
    among the entries (a link, a folder or a file out of place, a file that is not a list
    file). The loop every folder of a list goes through: a regular file costs one look at its
    type (from the directory itself, d_type)."""
    names: list[str] = []
    subnames: list[str] = []
    for e in entries:
        if e.is_file(follow_symlinks=False):
            if _listed(e.name) and not holds_folders:
                names.append(e.name)
            elif e.name != KEEP:
                return None
        elif e.is_dir(follow_symlinks=False):
            if not holds_folders or e.name.startswith("."):
                return None
            subnames.append(e.name)
        elif e.is_symlink() or holds_folders or not _listed(e.name):
            return None
        else:  # neither a file, a folder nor a link: judged by its stat, as a file is
            names.append(e.name)
    names.sort()
    subnames.sort()
    return names, subnames


def _unusual_folder(
    root: Path,
    rel: str,
    here: str,
    entries: list[os.DirEntry],
    read: bool,
    listings: Listings | None,
    holds_folders: bool,
) -> Iterator[Entry | Batch]:
    """`_folder` for a folder holding something else than list files and their folders (a
    link, a stray file or folder), listed afresh every time: each list file, link and stray
    in name order (plain files in batches between the others), then each subfolder."""
    entries.sort(key=_name)
    subfolders: list[os.DirEntry] = []
    items: list[Entry | os.DirEntry] = []
    for e in entries:
        if e.is_dir(follow_symlinks=False):
            if holds_folders and not e.name.startswith("."):
                subfolders.append(e)
            else:
                items.append(stray_folder(rel + e.name))
        elif e.is_symlink() and _is_dir(e):
            items.append(_entry(root, Path(e.path), read))  # refused: a linked folder
        elif _listed(e.name):
            items.append(misplaced(rel + e.name) if holds_folders else e)
        elif e.name != KEEP and (found := _not_listed(rel + e.name, e)) is not None:
            items.append(found)
    if listings is not None:
        listings.remember(here, None, [], [])  # (not kept: listed afresh every time)
    names: list[str] = []
    for item in items:
        if isinstance(item, os.DirEntry) and not item.is_symlink():
            names.append(item.name)
            continue
        if names:
            yield rel, here, names
            names = []
        yield _entry(root, Path(item.path), read) if isinstance(item, os.DirEntry) else item
    if names:
        yield rel, here, names
    for e in subfolders:
        yield from _folder(root, f"{rel}{e.name}/", e.path, read, listings)


def _stray(path: str, code: str, message: str) -> Entry:
    return Entry(path, None, Problem(path, None, "", code, message))


def stray_folder(path: str) -> Entry:
    """A folder where none belongs: its files are not read."""
    name = path.rsplit("/", 1)[-1]
    if name.startswith("."):
        return _stray(path, "not-a-list-file", "a hidden folder: not read")
    if name.endswith(".toml"):
        return _stray(path, "not-a-file", "a folder where a list file belongs: not read")
    message = f"a folder where none belongs: what it holds is not read ({PLACES})"
    return _stray(path, "misplaced-folder", message)


def misplaced(path: str) -> Entry:
    return _stray(path, "misplaced-file", f"a list file where none belongs: not read ({PLACES})")


def _not_listed(path: str, entry: os.DirEntry) -> Entry | None:
    """A file whose name is not a list file's: a temp file a killed write left (one a running
    write owns says nothing), anything else not read."""
    if is_temp(entry.name):
        if not left_over(entry):
            return None
        message = "left by a write that was stopped before it finished; `curator fmt` removes it"
        return _stray(path, "leftover-temp-file", message)
    what = "a hidden file" if entry.name.startswith(".") else "not a .toml file"
    return _stray(path, "not-a-list-file", f"{what}: not read")


PLACES = (
    "list files go in controls/, catalogue/, discussion/<CONTROL-ID>/ and public-comments/<DOCKET>/"
)


def _listed(name: str) -> bool:
    """A file name the walk yields: a .toml file, not hidden."""
    return name.endswith(".toml") and not name.startswith(".")


_name = attrgetter("name")


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()  # follows links, so a linked folder is refused as a folder
    except OSError:
        return False


def with_bytes(entry: Entry) -> Entry:
    """A stat-only entry with its bytes read (or why they could not be)."""
    if entry.raw is not None or entry.problem is not None or entry.fetch is None:
        return entry
    try:
        return Entry(entry.path, entry.fetch(), stamp=entry.stamp)
    except OSError as err:
        return unreadable(entry.path, err)


def read_file(path: str, size: int = 65536) -> bytes:
    """Up to MAX_BYTES + 1 bytes of a file (enough to tell that it is too large); `size` is
    what stat said, so one read usually does it without a MAX_BYTES buffer per file. Opened
    without blocking: a file replaced by a pipe since it was stat'ed reads empty or fails."""
    fd = os.open(path, OPEN_FLAGS)
    try:
        chunks, total = [], 0
        want = min(size + 1, MAX_BYTES + 1)
        while total <= MAX_BYTES:
            chunk = os.read(fd, want)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if len(chunk) < want:  # a plain file reads short only at its end
                break
            want = min(65536, MAX_BYTES + 1 - total)
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)
    finally:
        os.close(fd)


class ReadAhead:
    """`read_file` for files read in a known order (`paths`, relative to `top`; an item that is
    not a path is passed over). While they come from memory, the usual case, each is read and
    nothing more; once a read would wait for the disk, the kernel is asked for the next AHEAD
    files at once, so that their reads overlap rather than follow one another (a first check
    after the list's files left memory: docs/design.md §10). Whether a read would wait is asked
    before the first read and every PROBE-th after it, until one would."""

    AHEAD = 64
    PROBE = 32

    def __init__(self, top: str, paths: Sequence[object]) -> None:
        self.top, self.paths = top, paths
        self.at = 0  # where in `paths` the file last asked about was
        self.reads = 0
        self.asked = 0  # the files before this one have been asked for
        self.waiting = False  # a read would have waited for the disk

    def read(self, where: str, size: int) -> bytes:
        """`read_file(where, size)`, `where` being one of `paths` after the one read last."""
        reads = self.reads
        self.reads = reads + 1
        if self.waiting or reads % self.PROBE == 0:
            self.waiting = self.waiting or not _in_memory(where)
            if self.waiting and self._found(where):
                self._ask(self.at + 1 + self.AHEAD)
        return read_file(where, size)

    def _found(self, where: str) -> bool:
        """Whether `where` is among `paths` from the one last asked about on (`at` set to it)."""
        paths, at, skip = self.paths, self.at, len(self.top) + 1
        while at < len(paths):
            path = paths[at]
            if type(path) is str and len(where) == skip + len(path) and where.endswith(path):
                self.at = at
                return True
            at += 1
        self.at = len(paths)  # (not among them, or out of order: read on without asking ahead)
        return False

    def _ask(self, until: int) -> None:
        """Ask the kernel for the files before `until` not asked for yet, without waiting."""
        start = max(self.asked, self.at + 1)
        for path in self.paths[start:until]:
            if type(path) is str:
                _will_need(f"{self.top}/{path}")
        self.asked = max(self.asked, until)


def _in_memory(where: str) -> bool:
    """Whether the start of a file can be read without waiting for the disk (where the system
    cannot tell, or the file cannot be opened, as if it could)."""
    try:
        fd = os.open(where, OPEN_FLAGS)
    except OSError:
        return True
    try:
        os.preadv(fd, [bytearray(1)], 0, os.RWF_NOWAIT)
    except BlockingIOError:
        return False
    except (AttributeError, OSError):  # no RWF_NOWAIT here, or not for this file system
        return True
    finally:
        os.close(fd)
    return True


def _will_need(where: str) -> None:
    """Ask the kernel to start reading a file into memory; a file that cannot be is read later
    as usual."""
    try:
        fd = os.open(where, OPEN_FLAGS)
    except OSError:
        return
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_WILLNEED)
    except (AttributeError, OSError):
        pass
    finally:
        os.close(fd)


def walk_file(rel: str, path: str, read: bool = False) -> Entry:
    """A file that is not a link: stat it, and read it unless only the stamp is wanted."""
    try:
        return stat_entry(rel, path, os.stat(path), read)
    except OSError as err:
        return unreadable(rel, err)


def stat_entry(rel: str, path: str, st: os.stat_result, read: bool = False) -> Entry:
    """The entry of a plain file that was stat'ed (reading it may raise OSError)."""
    if not is_regular(st):
        return not_a_file(rel)
    if st.st_size > MAX_BYTES:
        message = f"file is {st.st_size:,} bytes; the limit is {MAX_BYTES:,}"
        return Entry(rel, None, Problem(rel, None, "", "file-too-large", message))
    stamp = stamp_of(st)
    if not read:
        return Entry(rel, None, stamp=stamp, fetch=partial(read_file, path, st.st_size))
    return Entry(rel, read_file(path, st.st_size), stamp=stamp)


def stamp_of(st: os.stat_result) -> tuple[int, int, int, int]:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def not_a_file(rel: str) -> Entry:
    """A folder, pipe or device where a list file's name is: never opened (a pipe would wait)."""
    return Entry(rel, None, Problem(rel, None, "", "not-a-file", f"{NOT_A_FILE}: not read"))


def unreadable(rel: str, err: OSError) -> Entry:
    return Entry(rel, None, Problem(rel, None, "", "unreadable", f"cannot read: {err.strerror}"))


def _entry(root: Path, path: Path, read: bool = True) -> Entry:
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
    return walk_file(rel, str(path), read)


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
