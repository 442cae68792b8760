"""The read cache: what `read.read` made of each list file, kept so that no file is parsed twice.

Results are content-addressed: keyed by (kind, path, git blob id), the same key whether the bytes
come from the working tree or from a git revision, so a branch switch or a diff reuses them.
`ReadCache` keeps them in memory for one process; `ListIndex` keeps them between runs, per list
under the user cache dir (XDG_CACHE_HOME honoured), and also remembers the stat stamp each
working-tree file had when it was read — size, mtime_ns, ctime_ns, inode — so an unchanged file
is not even opened. ctime cannot be set back by a program (os.utime sets it to now), so an edit
that keeps the size and the mtime is still seen. A stamp taken less than source.RACY_NS after the
file last changed is not trusted (a second write in the same clock tick would look the same):
such a file is read again next time and known by its content, as git does with a racily clean
index.

`curator check`, which keeps its own memory here too, is in store.index.incremental.

A list's cache is one folder holding one file per section (stamps and results per list folder,
the comment folders split in buckets; the check's memory), each written atomically, so an edit
rewrites the small sections and not the parsed comments. Every file carries the tool
version, the schema digest and a digest of the code that produced it, and a checksum: a file
that is stale, unreadable or damaged is ignored and rebuilt, never fatal. CURATOR_CACHE=0 turns
the cache off.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import marshal
import mmap
import os
import pickle
import shutil
import struct
import zlib
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import astuple
from functools import cache
from pathlib import Path
from typing import Any

import platformdirs

from curator import __version__
from curator.core.problems import Problem
from curator.store import processes
from curator.store.formats import read as reader
from curator.store.formats import write
from curator.store.formats.atomic import write_atomic
from curator.store.formats.layout import kind_of
from curator.store.formats.read import Read
from curator.store.formats.schemas import schema_digest
from curator.store.index.source import Entry, read_file, stamp_of, trust_cutoff, trusted, with_bytes

FORMAT = 9
MAGIC = b"curator cache\n"
KEEP_LISTS = 64  # lists whose caches are kept; the least recently written go first
# the comments on the list (10^5 files) are kept in BUCKETS sections a folder, by a hash of
# the path, so that one change rewrites a small part of it; the processes of a check take the
# buckets one at a time (store.index.incremental), so there are enough of them to even out their work
COMMENT_FOLDERS = ("discussion", "public-comments")
BUCKETS = 64
SECTIONS = (
    "list",
    "controls",
    "catalogue",
    *(f"{s}.{b}" for s in COMMENT_FOLDERS for b in range(BUCKETS)),
)
STAT_STAMP = struct.Struct("<QqqQ")  # size, mtime_ns, ctime_ns, inode; a git blob id follows
NO_BLOB = bytes(20)
STALE_KEPT = 1000  # results no file points at that are kept at least (see _content)
DECODED_PER_PARSE = 10_000  # bytes of results decoded in the time one file is parsed

Key = tuple[str, str, str]  # kind, path inside the list, git blob id (hex)


def blob_id(raw: bytes) -> str:
    """The id git gives these bytes as a blob (SHA-1 object format)."""
    return blob_digest(raw).hex()


def blob_digest(raw: bytes) -> bytes:
    """`blob_id` as the 20 bytes of the digest."""
    return hashlib.sha1(b"blob %d\0" % len(raw) + raw, usedforsecurity=False).digest()


class ReadCache:
    """An LRU of `read.read` results keyed by (kind, path, blob id), in memory: unchanged files
    are not parsed twice, whichever revision (or the working tree) they come from."""

    def __init__(self, size: int = 50_000) -> None:
        self.size = size
        self.results: OrderedDict[Key, Read] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def read(self, kind: str, path: str, raw: bytes) -> Read:
        """The `reader_fn` for `load.build`."""
        blob = blob_id(raw)
        return self.known(kind, path, blob) or self.parse(kind, path, blob, raw)

    def known(self, kind: str, path: str, blob: str) -> Read | None:
        """The result for these bytes if it is known; the bytes themselves are not needed."""
        found = self.results.get((kind, path, blob))
        if found is not None:
            self.hits += 1
            self.results.move_to_end((kind, path, blob))
        return found

    def worth_looking_up(self, path: str, count: int) -> bool:
        """Whether looking up `count` files of `path`'s folder costs less than parsing them
        (here, always: the results are in memory)."""
        return True

    def parse(self, kind: str, path: str, blob: str, raw: bytes) -> Read:
        self.misses += 1
        result = reader.read(kind, path, raw)
        self.keep((kind, path, blob), result)
        return result

    def keep(self, key: Key, result: Read) -> None:
        self.results[key] = result
        if len(self.results) > self.size:
            self.results.popitem(last=False)


# ---------------------------------------------------------------- kept between runs


def enabled() -> bool:
    return os.environ.get("CURATOR_CACHE", "1").strip().lower() not in ("0", "no", "off", "false")


def folder() -> Path:
    """Where list caches live; XDG_CACHE_HOME wins on every platform."""
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    if os.path.isabs(xdg):
        return Path(xdg) / "curator" / "lists"
    return Path(platformdirs.user_cache_dir("curator")) / "lists"


# the rooms of the store whose code decides what is cached: reading files, loading, checking
CACHED_BY = ("store/formats", "store/index")


@cache
def _code_digest() -> str:
    """The code that decides what is cached: reading, checking, the model."""
    h = hashlib.sha256()
    package = Path(__file__).resolve().parents[2]
    names = sorted(
        f"{room}/{p.name}" for room in ("core", *CACHED_BY) for p in (package / room).glob("*.py")
    )
    for name in names:
        with contextlib.suppress(OSError):
            h.update(name.encode() + (package / name).read_bytes())
    return h.hexdigest()[:16]


def validity() -> list[str]:
    """What cached results depend on besides the files: a change discards the cache."""
    return [str(FORMAT), __version__, schema_digest(), _code_digest()]


def folder_of(path: str) -> str:
    """The section a list file belongs to: 'list', its top folder, or one bucket of it."""
    slash = path.find("/")
    if slash <= 0:
        return "list"
    top = path[:slash]
    return f"{top}.{bucket_of(path)}" if top in COMMENT_FOLDERS else top


def bucket_of(path: str) -> int:
    return zlib.crc32(path.encode("utf-8", "surrogateescape")) % BUCKETS


def _stamp(entry: Entry) -> bytes:
    assert entry.stamp is not None
    return STAT_STAMP.pack(*entry.stamp)


def packed_stamp(st: os.stat_result) -> bytes:
    """A stat result's stamp as kept (STAT_STAMP)."""
    return STAT_STAMP.pack(*stamp_of(st))


class ListIndex(ReadCache):
    """The index of one list folder, kept in its cache folder between runs: what each file
    parsed to (by blob id), the stat stamp it had, and the sections other parts keep with
    them (the check's `CheckMemory`, the listings of its folders, lists as built). Every loader
    goes through it: `load`, a revision read for `diff` and `release`, and `check`.

    Use as a context manager: the sections that learnt something are written on the way out.
    Only `data` and `problems` of a result are kept (what `load.build` uses), not `raw`.
    """

    def __init__(self, root: Path, where: Path) -> None:
        super().__init__()
        self.root = root
        self.where = where
        self.sections: dict[str, Any] = {}  # name: decoded content
        self.dirty: set[str] = set()
        self.used: dict[str, set[Key]] = defaultdict(set)  # results looked up, per folder
        self.owns: Callable[[str], bool] = _everything  # the sections this process may write
        self.parallel = True  # parse many new files in a process per core

    @classmethod
    def of(cls, root: Path) -> ListIndex | None:
        """The cache of the list in `root`, or None when caching is turned off."""
        if not enabled():
            return None
        root = Path(root).resolve()
        name = hashlib.sha256(str(root).encode("utf-8", "surrogateescape")).hexdigest()[:32]
        return cls(root, folder() / f"{name}.v{FORMAT}")

    def __enter__(self) -> ListIndex:
        return self

    def __exit__(self, kind: type | None, *exc: object) -> None:
        if kind is None:
            self.save()

    # -- sections -----------------------------------------------------------------------------
    def _header(self, name: str) -> bytes:
        return marshal.dumps({"validity": validity(), "root": str(self.root), "section": name})

    def section(self, name: str, empty: Callable[[], Any]) -> Any:
        """A section decoded (once); a missing, stale or damaged one starts empty."""
        if name in self.sections:
            return self.sections[name]
        found = empty()
        try:
            decoded = self._decode(name)
        except (OSError, ValueError, EOFError, TypeError, struct.error):
            decoded = None
        if type(decoded) is type(found):
            found = decoded
        self.sections[name] = found
        return found

    def _decode(self, name: str, loads: Callable[[Any], Any] = marshal.loads) -> Any:
        with (
            open(self.where / f"{name}.cache", "rb") as f,
            mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mapped,
        ):
            header = self._header(name)
            start = len(MAGIC) + len(header)
            if mapped[:start] != MAGIC + header:
                return None  # another version, list or section
            (crc,) = struct.unpack_from("<I", mapped, start)
            with memoryview(mapped) as view, view[start + 4 :] as body:
                if zlib.crc32(body) != crc:
                    return None
                with gc_paused():
                    return loads(body)

    def put(self, name: str, content: Any) -> None:
        """Set a section's content, written when the cache is next saved."""
        self.sections[name] = content
        self.dirty.add(name)

    def stamps_of(self, folder: str) -> dict[str, bytes]:
        """path: packed stat stamp + blob id, for files whose stamp can be trusted."""
        return self.section(f"stamps-{folder}", dict)

    def results_of(self, folder: str) -> dict[Key, tuple[Any, tuple]]:
        """(kind, path, blob): data, problems."""
        return self.section(f"results-{folder}", dict)

    def canonical(self) -> set[tuple[str, bytes]]:
        """(kind, blob id) of file contents already in canonical form (`fmt --check`)."""
        return self.section("canonical", set)

    # -- results ------------------------------------------------------------------------------
    def known(self, kind: str, path: str, blob: str, folder: str | None = None) -> Read | None:
        folder = folder or folder_of(path)
        record = self.results_of(folder).get((kind, path, blob))
        if record is None:
            return None
        try:
            data, problems = record
            result = Read(data, tuple(Problem(*p) for p in problems))
        except (TypeError, ValueError):
            return None
        self.hits += 1
        self.used[folder].add((kind, path, blob))
        return result

    def worth_looking_up(self, path: str, count: int) -> bool:
        """Whether looking up `count` files of `path`'s folder costs less than parsing them:
        its results are decoded already, or decoding them takes less than parsing that many
        files (a diff of 100 controls would decode the results of all 10^4)."""
        name = f"results-{folder_of(path)}"
        if name in self.sections:
            return True
        try:
            size = (self.where / f"{name}.cache").stat().st_size
        except OSError:
            return True  # nothing to decode
        return size < count * DECODED_PER_PARSE

    def keep(self, key: Key, result: Read, folder: str | None = None) -> None:
        folder = folder or folder_of(key[1])
        problems = tuple((p.file, p.line, p.key, p.code, p.message) for p in result.problems)
        self.results_of(folder)[key] = (result.data, problems)
        self.used[folder].add(key)
        self.dirty.add(f"results-{folder}")

    def remember(self, entry: Entry, blob: bytes, cutoff: int, folder: str | None = None) -> None:
        """Record the stamp under which `entry` held `blob`, unless it is too recent to trust
        (`cutoff`: a `source.trust_cutoff()`)."""
        assert entry.stamp is not None
        _, mtime, ctime, _ = entry.stamp
        folder = folder or folder_of(entry.path)
        self.note(entry.path, folder, _stamp(entry), blob, trusted(mtime, ctime, cutoff))

    def note(self, path: str, folder: str, stamp: bytes, blob: bytes, trusted: bool) -> None:
        """`remember` for a packed stamp (STAT_STAMP) and the file's section."""
        stamps = self.stamps_of(folder)
        if trusted:
            stamps[path] = stamp + blob
        elif stamps.pop(path, None) is None:
            return
        self.dirty.add(f"stamps-{folder}")

    def stamped_blob(self, entry: Entry, folder: str | None = None) -> bytes | None:
        """The blob id `entry` holds, if its stamp is the one recorded."""
        return self.stamped(entry.path, folder or folder_of(entry.path), _stamp(entry))

    def stamped(self, path: str, folder: str, stamp: bytes) -> bytes | None:
        """`stamped_blob` for a packed stamp (STAT_STAMP) and the file's section."""
        seen = self.stamps_of(folder).get(path)
        if seen is not None and seen.startswith(stamp):
            return seen[STAT_STAMP.size :]
        return None

    def resolve(self, entries: Iterable[Entry]) -> list[Entry]:
        """Entries of a stat-only walk with their results: from the cache when the stamp is the
        one recorded (or the entry's blob id known), else by reading the file (and parsing it
        only when its content is new; many new files are parsed by a process per core)."""
        cutoff = trust_cutoff()
        found: list[Entry] = []
        unparsed: list[int] = []  # where in `found` a file waits for parsing
        jobs: list[tuple[str, str, str, bytes, str]] = []  # kind, path, blob id, bytes, folder
        for entry in entries:
            kind = kind_of(entry.path)
            if entry.problem is not None or entry.stamp is None or kind is None:
                found.append(entry)
                continue
            folder = folder_of(entry.path)
            blob = entry.blob or self.stamped_blob(entry, folder)
            if blob is not None:
                result = self.known(kind, entry.path, blob.hex(), folder)
                if result is not None:
                    # (the bytes kept when read already: a problem is located in them)
                    found.append(
                        Entry(entry.path, entry.raw, None, entry.stamp, result, entry.fetch)
                    )
                    continue
            if entry.raw is None or entry.blob is None:  # the bytes as they are now
                entry = with_bytes(entry)
                if entry.raw is None:
                    found.append(entry)
                    continue
                blob = blob_digest(entry.raw)
                self.remember(entry, blob, cutoff, folder)
                result = self.known(kind, entry.path, blob.hex(), folder)
            if result is None:
                assert blob is not None  # (known, or worked out from the bytes just read)
                unparsed.append(len(found))
                jobs.append((kind, entry.path, blob.hex(), entry.raw, folder))
            found.append(Entry(entry.path, entry.raw, None, entry.stamp, result))
        for where, result in zip(unparsed, self._parse_all(jobs), strict=True):
            entry = found[where]
            found[where] = Entry(entry.path, entry.raw, None, entry.stamp, result)
        return found

    def _parse_all(self, jobs: list[tuple[str, str, str, bytes, str]]) -> list[Read]:
        """Parse new files: in one process per core when there are many (a first run)."""
        if len(jobs) < processes.WORTH_SHARING or not self.parallel or not processes.can_fork():
            parsed = [reader.read(kind, path, raw) for kind, path, _, raw, _ in jobs]
        else:
            files = [(kind, path, raw) for kind, path, _, raw, _ in jobs]
            parsed = [
                Read(data, tuple(Problem(*p) for p in problems))
                for part in processes.share(_read_part, files)
                for data, problems in marshal.loads(part)
            ]
        self.misses += len(jobs)
        for (kind, path, blob, _, folder), result in zip(jobs, parsed, strict=True):
            self.keep((kind, path, blob), result, folder)
        return parsed

    # -- canonical form -----------------------------------------------------------------------
    def unformatted(self, paths: Iterable[str]) -> Iterator[write.Reformat]:
        """`write.unformatted`, remembering which file contents were canonical already: a file
        whose stamp is the one recorded, with content known to be canonical, is not read."""
        canonical = self.canonical()
        stamps: dict[str, bytes] = {}
        for name in SECTIONS:
            stamps.update(self.stamps_of(name))
        top, cutoff = str(self.root), trust_cutoff()
        for rel in paths:
            kind = kind_of(rel)
            if kind is None:
                continue
            where = os.path.join(top, rel)  # not a Path: 10^5 of them
            known = stamps.get(rel)
            try:
                st = os.stat(where)  # (before the bytes are read: a stamp never outlives them)
            except OSError:
                stamp, settled = None, False
            else:
                stamp = packed_stamp(st)
                settled = trusted(st.st_mtime_ns, st.st_ctime_ns, cutoff)
            if (
                stamp is not None
                and known is not None
                and known.startswith(stamp)
                and (kind, known[STAT_STAMP.size :]) in canonical
            ):
                continue
            before = read_file(where)
            after = write.canonical_text(kind, before.decode("utf-8")).encode("utf-8")
            if after != before:
                yield write.Reformat(rel, before, after)
                continue
            blob = blob_digest(before)
            if (kind, blob) not in canonical:
                canonical.add((kind, blob))
                self.dirty.add("canonical")
            if stamp is not None:  # known by its stamp next time (a check does not hash what
                # was said)
                self.note(rel, folder_of(rel), stamp, blob, settled)

    # -- writing ------------------------------------------------------------------------------
    def _content(self, name: str) -> Any:
        """What is written of a section. Results a stamp or this run uses are kept; of the
        others (another branch, an older revision) only the most recently added, up to a
        quarter as many, so that a cache grows with the list and not with its history."""
        found = self.sections[name]
        part, _, folder = name.partition("-")
        if part == "canonical":  # the contents some file still has
            held = {
                seen[STAT_STAMP.size :] for f in SECTIONS for seen in self.stamps_of(f).values()
            }
            return {(kind, blob) for kind, blob in found if blob in held}
        if part != "results" or len(self.used[folder]) == len(found):
            return found  # (every result used by this run, as after a first check)
        live = set(self.used[folder])
        for path, seen in self.stamps_of(folder).items():
            kind = kind_of(path)
            if kind is not None:
                live.add((kind, path, seen[STAT_STAMP.size :].hex()))
        others = [k for k in found if k not in live]
        kept = set(others[len(others) - max(STALE_KEPT, len(live) // 4) :])
        return {k: v for k, v in found.items() if k in live or k in kept}

    # -- lists as built ------------------------------------------------------------------------
    def state_of(self, entries: Sequence[Entry]) -> bytes | None:
        """A digest of these files' paths and contents, known from their stamps alone; None
        when the content of one is not (new, changed, too recent to trust, unreadable)."""
        blobs: dict[str, bytes] = {}
        for entry in entries:
            blob = None if entry.problem or not entry.stamp else self.stamped_blob(entry)
            if blob is None:
                return None
            blobs[entry.path] = blob
        return files_digest([e.path for e in entries], blobs)

    def built(self, name: str, state: bytes) -> Any:
        """The list `keep_built` kept under `name` from files in `state`, or None."""
        try:
            found = self._decode(f"built-{name}", pickle.loads)
        except (OSError, ValueError, EOFError, TypeError, AttributeError, pickle.PickleError):
            return None
        return found[1] if type(found) is tuple and found[0] == state else None

    def keep_built(self, name: str, state: bytes, value: Any) -> bool:
        """Keep a list as built from files in `state`: the next load of the same files is one
        unpickling, several times faster than building it. Whether it was written."""
        return self._write(f"built-{name}", pickle.dumps((state, value), pickle.HIGHEST_PROTOCOL))

    def save(self) -> None:
        """Write the sections that learnt something; a cache that cannot be written is skipped."""
        if not self.dirty:
            return
        new = not self.where.exists()
        for name in sorted(self.dirty):
            if not self.owns(name):
                continue
            with gc_paused():
                self._write(name, marshal.dumps(self._content(name)))
        self.dirty.clear()
        if new:
            _forget_old(self.where.parent)

    def _write(self, name: str, body: bytes) -> bool:
        data = b"".join([MAGIC, self._header(name), struct.pack("<I", zlib.crc32(body)), body])
        try:
            # not flushed to disk: a file cut short by a crash fails its checksum, and is made
            # again (a first check writes a hundred of them: flushing each would cost more)
            write_atomic(self.where / f"{name}.cache", data, durable=False)
        except OSError:
            return False
        return True


def _everything(name: str) -> bool:
    return True


def _read_part(jobs: Sequence[tuple[str, str, bytes]]) -> bytes:
    """What `read.read` makes of each file (its data, its problems as tuples), marshalled: for
    plain data, quicker to send between processes than pickled."""
    read = (reader.read(kind, path, raw) for kind, path, raw in jobs)
    return marshal.dumps([(r.data, [astuple(p) for p in r.problems]) for r in read])


def _forget_old(where: Path) -> None:
    """Keep the caches of the KEEP_LISTS lists written most recently (lists come and go), and
    none in another format (its files would never be read again: 10^8 bytes for a large list)."""
    with contextlib.suppress(OSError):
        found = sorted(where.iterdir(), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        current = [p for p in found if p.name.endswith(f".v{FORMAT}")]
        for old in [p for p in found if p not in current] + current[KEEP_LISTS:]:
            shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Building 10^5 containers triggers collections that find nothing to collect."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            if _set_aside:
                gc.freeze()
            gc.enable()


_set_aside = False  # see set_aside_after_pauses


def set_aside_after_pauses() -> None:
    """For a process that ends once its work is done (the `curator` command, not the TUI):
    what was built during a pause is set aside from the collector when the pause ends, rather
    than gone through by the next collection (10^6 objects) to find nothing. It is still freed when no longer used; only a cycle among such objects would
    stay until the process ends."""
    global _set_aside
    _set_aside = True


def unformatted(root: Path, paths: Iterable[str]) -> Iterator[write.Reformat]:
    """Files among `paths` whose bytes are not canonical, using the list's cache when on."""
    files = ListIndex.of(root)
    if files is None:
        yield from write.unformatted(root, iter(paths))
        return
    with files:
        yield from files.unformatted(paths)


def files_digest(paths: list[str], blobs: dict[str, bytes]) -> bytes:
    """A digest of every file's path and content (a file with no blob id: 20 zeros)."""
    names = "\0".join(paths).encode("utf-8", "surrogateescape")
    contents = b"".join([blobs.get(p, NO_BLOB) for p in paths])
    return hashlib.sha1(names + b"\0\0" + contents, usedforsecurity=False).digest()
