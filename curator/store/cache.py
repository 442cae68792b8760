"""The read cache: what `read.read` made of each list file, kept so that no file is parsed twice.

Results are content-addressed: keyed by (kind, path, git blob id), the same key whether the bytes
come from the working tree or from a git revision, so a branch switch or a diff reuses them.
`ReadCache` keeps them in memory for one process; `ListCache` keeps them between runs, per list
under the user cache dir (XDG_CACHE_HOME honoured), and also remembers the stat stamp each
working-tree file had when it was read — size, mtime_ns, ctime_ns, inode — so an unchanged file
is not even opened. ctime cannot be set back by a program (os.utime sets it to now), so an edit
that keeps the size and the mtime is still seen. A stamp taken less than RACY_NS after the file
last changed is not trusted (a second write in the same clock tick would look the same): such a
file is read again next time and known by its content, as git does with a racily clean index.

`check` is `load(root)`'s problems computed incrementally: it remembers, per file, the problems
found and which controls its cross-file checks looked at (`Watch`), and re-runs the real
`load.build` over list.toml, the controls and only the files whose content — or whose
controls — changed.

A list's cache is one folder holding one file per section (stamps, results and the check's
memory, per list folder), each written atomically, so an edit rewrites the small sections and
not the 100 MB of parsed comments. Every file carries the tool version, the schema digest and a
digest of the code that produced it, and a checksum: a file that is stale, unreadable or damaged
is ignored and rebuilt, never fatal. CURATOR_CACHE=0 turns the cache off.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import marshal
import mmap
import os
import pickle
import re
import shutil
import struct
import time
import zlib
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Set
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import platformdirs

from curator import __version__
from curator.core.problems import Problem
from curator.store import read as reader
from curator.store import source, write
from curator.store.atomic import write_atomic
from curator.store.read import Read
from curator.store.schemas import schema_digest
from curator.store.source import Entry, kind_of, read_file, walk, with_bytes

FORMAT = 4
MAGIC = b"curator cache\n"
RACY_NS = 2 * 10**9
KEEP_LISTS = 64  # lists whose caches are kept; the least recently written go first
FOLDERS = ("list", "controls", "catalogue", "discussion", "public-comments")
STAMP = struct.Struct("<QqqQ")  # size, mtime_ns, ctime_ns, inode; a git blob id follows
ALL = "#controls"  # a check that went through every control depends on all of them
NO_BLOB = bytes(20)
STALE_KEPT = 1000  # results no file points at that are kept at least (see _content)
POOL_FROM = 4000  # new files from which parsing is spread over a process per core
POOL_CHUNK = 1000
MANY = 2000  # files to re-check above which their parsed contents are kept too

Key = tuple[str, str, str]  # kind, path inside the list, git blob id (hex)


def blob_id(raw: bytes) -> str:
    """The id git gives these bytes as a blob (SHA-1 object format)."""
    return _blob(raw).hex()


def _blob(raw: bytes) -> bytes:
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


STORE_CODE = tuple(
    f"store/{name}.py"
    for name in ("read", "validate", "tomltext", "write", "schemas", "source", "load", "cache")
)


@cache
def _code_digest() -> str:
    """The code that decides what is cached: reading, checking, the model."""
    h = hashlib.sha256()
    package = Path(__file__).resolve().parent.parent
    names = sorted([*(f"core/{p.name}" for p in (package / "core").glob("*.py")), *STORE_CODE])
    for name in names:
        with contextlib.suppress(OSError):
            h.update(name.encode() + (package / name).read_bytes())
    return h.hexdigest()[:16]


def validity() -> list[str]:
    """What cached results depend on besides the files: a change discards the cache."""
    return [str(FORMAT), __version__, schema_digest(), _code_digest()]


def folder_of(path: str) -> str:
    """The section a list file belongs to: 'list' or its top folder."""
    slash = path.find("/")
    return path[:slash] if slash > 0 else "list"


def _stamp(entry: Entry) -> bytes:
    assert entry.stamp is not None
    return STAMP.pack(*entry.stamp)


class ListCache(ReadCache):
    """The results and stamps of one list folder, kept in its cache folder between runs.

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

    @classmethod
    def of(cls, root: Path) -> ListCache | None:
        """The cache of the list in `root`, or None when caching is turned off."""
        if not enabled():
            return None
        root = Path(root).resolve()
        name = hashlib.sha256(str(root).encode("utf-8", "surrogateescape")).hexdigest()[:32]
        return cls(root, folder() / name)

    def __enter__(self) -> ListCache:
        return self

    def __exit__(self, kind: type | None, *exc: object) -> None:
        if kind is None:
            self.save()

    # -- sections -----------------------------------------------------------------------------
    def _header(self, name: str) -> bytes:
        return marshal.dumps({"validity": validity(), "root": str(self.root), "section": name})

    def _section(self, name: str, empty: Callable[[], Any]) -> Any:
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

    def stamps_of(self, folder: str) -> dict[str, bytes]:
        """path: packed stat stamp + blob id, for files whose stamp can be trusted."""
        return self._section(f"stamps-{folder}", dict)

    def results_of(self, folder: str) -> dict[Key, tuple[Any, tuple]]:
        """(kind, path, blob): data, problems."""
        return self._section(f"results-{folder}", dict)

    def canonical(self) -> set[tuple[str, bytes]]:
        """(kind, blob id) of file contents already in canonical form (`fmt --check`)."""
        return self._section("canonical", set)

    # -- results ------------------------------------------------------------------------------
    def known(self, kind: str, path: str, blob: str) -> Read | None:
        folder = folder_of(path)
        record = self.results_of(folder).get((kind, path, blob))
        if record is None:
            return None
        try:
            data, problems = record
            result = Read(data, None, tuple(Problem(*p) for p in problems))
        except (TypeError, ValueError):
            return None
        self.hits += 1
        self.used[folder].add((kind, path, blob))
        return result

    def keep(self, key: Key, result: Read) -> None:
        folder = folder_of(key[1])
        problems = tuple((p.file, p.line, p.key, p.code, p.message) for p in result.problems)
        self.results_of(folder)[key] = (result.data, problems)
        self.used[folder].add(key)
        self.dirty.add(f"results-{folder}")

    def remember(self, entry: Entry, blob: bytes, trusted_before: int) -> None:
        """Record the stamp under which `entry` held `blob`, unless it is too recent to trust."""
        assert entry.stamp is not None
        folder = folder_of(entry.path)
        stamps = self.stamps_of(folder)
        _, mtime, ctime, _ = entry.stamp
        if max(mtime, ctime) < trusted_before:
            stamps[entry.path] = _stamp(entry) + blob
        elif stamps.pop(entry.path, None) is None:
            return
        self.dirty.add(f"stamps-{folder}")

    def stamped_blob(self, entry: Entry) -> bytes | None:
        """The blob id `entry` holds, if its stamp is the one recorded."""
        seen = self.stamps_of(folder_of(entry.path)).get(entry.path)
        if seen is not None and seen[: STAMP.size] == _stamp(entry):
            return seen[STAMP.size :]
        return None

    def resolve(self, entries: Iterable[Entry]) -> list[Entry]:
        """Entries of a stat-only walk with their results: from the cache when the stamp is the
        one recorded, else by reading the file (and parsing it only when its content is new;
        many new files are parsed by a process per core)."""
        trusted_before = time.time_ns() - RACY_NS
        found: list[Entry] = []
        unparsed: list[int] = []  # where in `found` a file waits for parsing
        jobs: list[tuple[str, str, str, bytes]] = []  # kind, path, blob id, bytes
        for entry in entries:
            kind = kind_of(entry.path)
            if entry.problem is not None or entry.stamp is None or kind is None:
                found.append(entry)
                continue
            blob = self.stamped_blob(entry)
            if blob is not None:
                result = self.known(kind, entry.path, blob.hex())
                if result is not None:
                    found.append(Entry(entry.path, None, None, entry.stamp, result, entry.fetch))
                    continue
            entry = with_bytes(entry)
            if entry.raw is None:
                found.append(entry)
                continue
            blob = _blob(entry.raw)
            self.remember(entry, blob, trusted_before)
            result = self.known(kind, entry.path, blob.hex())
            if result is None:
                unparsed.append(len(found))
                jobs.append((kind, entry.path, blob.hex(), entry.raw))
            found.append(Entry(entry.path, entry.raw, None, entry.stamp, result))
        for where, result in zip(unparsed, self._parse_all(jobs), strict=True):
            entry = found[where]
            found[where] = Entry(entry.path, entry.raw, None, entry.stamp, result)
        return found

    def _parse_all(self, jobs: list[tuple[str, str, str, bytes]]) -> list[Read]:
        """Parse new files: in one process per core when there are many (a first run)."""
        if len(jobs) < POOL_FROM or not _can_fork():
            return [self.parse(*job) for job in jobs]
        import concurrent.futures
        import multiprocessing

        chunks = [
            [(kind, path, raw) for kind, path, _, raw in jobs[i : i + POOL_CHUNK]]
            for i in range(0, len(jobs), POOL_CHUNK)
        ]
        context = multiprocessing.get_context("fork")
        workers = min(os.cpu_count() or 1, len(chunks))
        with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
            parsed = [found for chunk in pool.map(_read_chunk, chunks) for found in chunk]
        results = []
        for (kind, path, blob, _), (data, problems) in zip(jobs, parsed, strict=True):
            result = Read(data, None, problems)
            self.misses += 1
            self.keep((kind, path, blob), result)
            results.append(result)
        return results

    # -- canonical form -----------------------------------------------------------------------
    def unformatted(self, paths: Iterable[str]) -> Iterator[write.Reformat]:
        """`write.unformatted`, remembering which file contents were canonical already: a file
        whose stamp is the one recorded, with content known to be canonical, is not read."""
        canonical = self.canonical()
        stamps: dict[str, bytes] = {}
        for name in FOLDERS:
            stamps.update(self.stamps_of(name))
        top = str(self.root)
        for rel in paths:
            kind = kind_of(rel)
            if kind is None:
                continue
            where = os.path.join(top, rel)  # not a Path: 10^5 of them
            known = stamps.get(rel)
            if known is not None and (kind, known[STAMP.size :]) in canonical:
                with contextlib.suppress(OSError):
                    st = os.stat(where)
                    stamp = STAMP.pack(st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
                    if known.startswith(stamp):
                        continue
            before = read_file(where)
            after = write.canonical_text(kind, before.decode("utf-8")).encode("utf-8")
            if after != before:
                yield write.Reformat(rel, before, after)
            elif (kind, _blob(before)) not in canonical:
                canonical.add((kind, _blob(before)))
                self.dirty.add("canonical")

    # -- writing ------------------------------------------------------------------------------
    def _content(self, name: str) -> Any:
        """What is written of a section. Results a stamp or this run uses are kept; of the
        others (another branch, an older revision) only the most recently added, up to a
        quarter as many, so that a cache grows with the list and not with its history."""
        found = self.sections[name]
        part, _, folder = name.partition("-")
        if part == "canonical":  # the contents some file still has
            held = {seen[STAMP.size :] for f in FOLDERS for seen in self.stamps_of(f).values()}
            return {(kind, blob) for kind, blob in found if blob in held}
        if part != "results":
            return found
        live = set(self.used[folder])
        for path, seen in self.stamps_of(folder).items():
            kind = kind_of(path)
            if kind is not None:
                live.add((kind, path, seen[STAMP.size :].hex()))
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
        return _state([e.path for e in entries], blobs)

    def built(self, name: str, state: bytes) -> Any:
        """The list `keep_built` kept under `name` from files in `state`, or None."""
        try:
            found = self._decode(f"built-{name}", pickle.loads)
        except (OSError, ValueError, EOFError, TypeError, AttributeError, pickle.PickleError):
            return None
        return found[1] if type(found) is tuple and found[0] == state else None

    def keep_built(self, name: str, state: bytes, value: Any) -> None:
        """Keep a list as built from files in `state`: the next load of the same files is one
        unpickling (the model of 10^4 controls: a tenth of a second; building it: a half)."""
        self._write(f"built-{name}", pickle.dumps((state, value), pickle.HIGHEST_PROTOCOL))

    def save(self) -> None:
        """Write the sections that learnt something; a cache that cannot be written is skipped."""
        if not self.dirty:
            return
        new = not self.where.exists()
        for name in sorted(self.dirty):
            with gc_paused():
                self._write(name, marshal.dumps(self._content(name)))
        self.dirty.clear()
        if new:
            _forget_old(self.where.parent)

    def _write(self, name: str, body: bytes) -> None:
        data = b"".join([MAGIC, self._header(name), struct.pack("<I", zlib.crc32(body)), body])
        with contextlib.suppress(OSError):
            write_atomic(self.where / f"{name}.cache", data)


def _can_fork() -> bool:
    """Forking is safe only from a process with one thread (the TUI reads in a worker)."""
    import multiprocessing
    import threading

    return (
        (os.cpu_count() or 1) > 1
        and threading.active_count() == 1
        and ("fork" in multiprocessing.get_all_start_methods())
    )


def _read_chunk(jobs: list[tuple[str, str, bytes]]) -> list[tuple[Any, tuple[Problem, ...]]]:
    """In a worker process: what `read.read` makes of each file (its data and problems)."""
    return [(r.data, r.problems) for r in (reader.read(k, p, raw) for k, p, raw in jobs)]


def _forget_old(where: Path) -> None:
    """Keep the caches of the KEEP_LISTS lists written most recently (lists come and go)."""
    with contextlib.suppress(OSError):
        found = sorted(where.iterdir(), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in found[KEEP_LISTS:]:
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
            gc.enable()


def unformatted(root: Path, paths: Iterable[str]) -> Iterator[write.Reformat]:
    """Files among `paths` whose bytes are not canonical, using the list's cache when on."""
    files = ListCache.of(root)
    if files is None:
        yield from write.unformatted(root, iter(paths))
        return
    with files:
        yield from files.unformatted(paths)


# ---------------------------------------------------------------- the incremental check


@dataclass(frozen=True)
class Checked:
    """What `curator check` reports: the problems, how many files, which could not be used."""

    problems: tuple[Problem, ...]
    files: int
    broken: tuple[str, ...]
    paths: tuple[str, ...]  # every file looked at

    @property
    def usable(self) -> list[str]:
        """The list files that loaded cleanly (the ones `fmt` may rewrite), sorted."""
        broken = set(self.broken)
        return sorted(p for p in self.paths if kind_of(p) is not None and p not in broken)


class Watch:
    """For `load.build`: runs the cross-file checks of the files that need it, noting which
    controls each looked at; answers the others with what they reported last time."""

    def __init__(self, rerun: set[str], remembered: Mapping[str, bytes], found: Mapping) -> None:
        self.rerun = rerun
        self.remembered = remembered  # the files the last check saw
        self.found = found  # path: (broken, problems, checked) for files that had problems
        self.seen: dict[str, tuple[set[str], list[Problem]]] = {}

    def check(self, file: str, run: Callable[[Callable], Iterable[Problem]]) -> list[Problem]:
        if file in self.remembered and file not in self.rerun:
            last = self.found.get(file)
            return [Problem(*p) for p in last[2]] if last else []
        seen: set[str] = set()
        reported = list(run(lambda controls: _seen(controls, seen)))
        self.seen[file] = (seen, reported)
        return reported


class Unchecked(Watch):
    """For a list loaded in part (a diff's changed controls): cross-file checks would report
    references to the files left out, so none is run; each file's own problems still are."""

    def __init__(self) -> None:
        super().__init__(set(), {}, {})

    def check(self, file: str, run: Callable[[Callable], Iterable[Problem]]) -> list[Problem]:
        return []


def _seen(controls: Any, seen: set[str]) -> Any:
    return _SeenIds(controls, seen) if isinstance(controls, Set) else _SeenMap(controls, seen)


class _Noting:
    """What a check is given of the controls, noting which ids it asked about (ALL: it went
    through every one)."""

    def __init__(self, inner: Any, seen: set[str]) -> None:
        self.inner, self.seen = inner, seen

    def __contains__(self, key: object) -> bool:
        self.seen.add(str(key))
        return key in self.inner

    def __iter__(self) -> Iterator:
        self.seen.add(ALL)
        return iter(self.inner)

    def __len__(self) -> int:
        self.seen.add(ALL)
        return len(self.inner)


class _SeenMap(_Noting, Mapping):
    """The controls by id."""

    def __getitem__(self, key: Any) -> Any:
        self.seen.add(str(key))
        return self.inner[key]


class _SeenIds(_Noting, Set):
    """The control ids."""


def check(root: Path) -> Checked:
    """The problems `load(root)` finds, its file count and broken files — reusing what the
    last check found for every file whose content, and whose controls, did not change."""
    from curator.store.load import build, load

    files = ListCache.of(root)
    if files is None:
        loaded = load(root)
        paths = tuple(e.path for e in walk(Path(root), read=False))
        return Checked(loaded.problems, loaded.files, tuple(sorted(loaded.broken)), paths)
    with files, gc_paused():
        return _IncrementalCheck(files, build).run()


def _problem_tuple(p: Problem) -> tuple:
    return (p.file, p.line, p.key, p.code, p.message)


class _IncrementalCheck:
    """One check. Its memory, per file: "checked-files" (path: blob id, then the control files
    its checks looked at, each between NULs) and "checked-problems" (path: broken, problems,
    the checks' problems — only for files that had any); "checked-summary" is the last result
    with a digest of every file's path and content."""

    def __init__(self, files: ListCache, build: Callable[..., Any]) -> None:
        self.files = files
        self.build = build

    def run(self) -> Checked:
        files = self.files
        paths, items, blobs, unreadable = self._blobs()
        state = None if unreadable else _state(paths, blobs)
        summary = files._section("checked-summary", dict)
        if state is not None and summary.get("state") == state:
            return Checked(
                tuple(Problem(*p) for p in summary["problems"]),
                summary["files"],
                tuple(summary["broken"]),
                tuple(paths),
            )
        remembered = files._section("checked-files", dict)
        found = files._section("checked-problems", dict)
        rerun = self._rerun(paths, blobs, remembered)
        chosen = [
            _entry_of(p, items[p])
            for p in paths
            if p in rerun or p == "list.toml" or p.startswith("controls/")
        ]
        watch = Watch(rerun, remembered, found)
        built = self.build(self._resolved(chosen, len(rerun) > MANY), watch=watch)
        return self._record(paths, chosen, blobs, built, watch, state)

    def _blobs(self) -> tuple[list[str], dict[str, Any], dict[str, bytes], bool]:
        """Every file of the list in walk order, each as an entry or, when its stamp is the one
        recorded, as (path on disk, stat) with its blob id taken from the stamp; the blob ids
        of the files that can be read; whether any cannot. The loop is the whole cost of a
        check when nothing changed: 10^5 files, one stat each, no objects it can avoid."""
        files = self.files
        trusted_before = time.time_ns() - RACY_NS
        stamps: dict[str, bytes] = {}
        for name in FOLDERS:
            stamps.update(files.stamps_of(name))
        pack, size, stat = STAMP.pack, STAMP.size, os.stat
        paths: list[str] = []
        items: dict[str, Any] = {}
        blobs: dict[str, bytes] = {}
        unreadable = False
        for found in source.files(files.root, read=False):
            if type(found) is tuple:
                path, where = found
                try:
                    st = stat(where)
                except OSError:
                    found = source.walk_file(path, where)
                else:
                    seen = stamps.get(path)
                    if seen is not None and seen.startswith(
                        pack(st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
                    ):
                        paths.append(path)
                        items[path] = (where, st)
                        blobs[path] = seen[size:]
                        continue
                    found = source.stat_entry(path, where, st)
            entry = found
            if entry.problem is None and kind_of(entry.path) is not None:
                entry = with_bytes(entry)
                if entry.raw is not None:
                    blobs[entry.path] = _blob(entry.raw)
                    files.remember(entry, blobs[entry.path], trusted_before)
            unreadable = unreadable or entry.problem is not None
            paths.append(entry.path)
            items[entry.path] = entry
        return paths, items, blobs, unreadable

    def _rerun(
        self, paths: list[str], blobs: dict[str, bytes], remembered: dict[str, bytes]
    ) -> set[str]:
        """Files whose problems may differ from last time: new or changed, looked at a control
        that changed, or every file when list.toml changed. Files never remembered (unreadable
        ones, files of no known kind) are always among them."""
        last_list = remembered.get("list.toml")
        if last_list is None or last_list[:20] != blobs.get("list.toml"):
            return set(paths)
        rerun = {
            p
            for p in paths
            if not (last := remembered.get(p)) or not last.startswith(blobs.get(p, NO_BLOB))
        }
        gone = remembered.keys() - blobs.keys()
        controls = [p for p in rerun | gone if p.startswith("controls/")]
        if controls:
            names = b"|".join(re.escape(p.encode()) for p in [*controls, ALL])
            looked_at = re.compile(b"\0(?:" + names + b")\0").search
            rerun.update(
                path for path, last in remembered.items() if len(last) > 21 and looked_at(last, 20)
            )
        return rerun & set(paths) | {"list.toml"}

    def _resolved(self, chosen: list[Entry], many: bool) -> Iterator[Entry]:
        """list.toml and the controls through the cache; a few other files parsed from disk,
        so that their folders' results (10^8 bytes) need not be decoded, many through the
        cache too (a first check leaves the cache warm for `load`)."""
        files = self.files
        cached = ("list", "controls", "catalogue", "discussion", "public-comments")[
            : 5 if many else 2
        ]
        yield from files.resolve(e for e in chosen if folder_of(e.path) in cached)
        for entry in chosen:
            if folder_of(entry.path) in cached:
                continue
            kind = kind_of(entry.path)
            if entry.problem is not None or kind is None:
                yield entry
                continue
            entry = with_bytes(entry)
            if entry.raw is None:
                yield entry
            else:
                result = reader.read(kind, entry.path, entry.raw)
                yield Entry(entry.path, entry.raw, None, entry.stamp, result)

    def _record(
        self,
        paths: list[str],
        chosen: list[Entry],
        blobs: dict[str, bytes],
        built: Any,
        watch: Watch,
        state: bytes | None,
    ) -> Checked:
        """The rebuilt files' problems with the remembered ones of the rest; remember them."""
        files = self.files
        remembered: dict[str, bytes] = files.sections["checked-files"]
        found: dict[str, tuple] = files.sections["checked-problems"]
        present = set(paths)
        rebuilt = {e.path for e in chosen}
        by_file: dict[str, list[Problem]] = defaultdict(list)
        for p in built.problems:
            by_file[p.file].append(p)
        leaving = (remembered.keys() - present) | (rebuilt & remembered.keys())
        old = {p: remembered.pop(p) for p in leaving}
        old_found = {p: found.pop(p) for p in (found.keys() - present) | (rebuilt & found.keys())}
        problems: list[Problem] = list(built.problems)
        broken = set(built.broken)
        for path, (was_broken, kept, _) in found.items():
            if path not in rebuilt:
                problems.extend(Problem(*p) for p in kept)
                if was_broken:
                    broken.add(path)
        for path in rebuilt:
            blob = blobs.get(path)
            if blob is None:
                continue  # unreadable, or of no known kind: looked at afresh every time
            mine = by_file.get(path, [])
            if path in watch.seen:
                seen, reported = watch.seen[path]
                lines = {(p.key, p.code, p.message): p.line for p in mine}
                checked = tuple(
                    (p.file, lines.get((p.key, p.code, p.message)), p.key, p.code, p.message)
                    for p in reported
                )
                deps = sorted(d if d == ALL else f"controls/{d}.toml" for d in seen)
            elif path in old and path not in watch.rerun:  # answered from memory
                checked = old_found.get(path, (False, (), ()))[2]
                deps = _deps(old[path])
            else:
                checked, deps = (), []
            remembered[path] = blob + b"\0" + b"".join(d.encode() + b"\0" for d in deps)
            if mine or checked or path in built.broken:
                found[path] = (path in built.broken, tuple(map(_problem_tuple, mine)), checked)
        from curator.store.load import _order

        ordered = tuple(sorted(problems, key=_order))
        result = Checked(ordered, len(paths), tuple(sorted(broken)), tuple(paths))
        files.sections["checked-summary"] = {
            "state": state,
            "problems": [_problem_tuple(p) for p in ordered],
            "files": result.files,
            "broken": list(result.broken),
        }
        files.dirty.update(("checked-files", "checked-problems", "checked-summary"))
        return result


def _deps(record: bytes) -> list[str]:
    return [d.decode() for d in record[21:].split(b"\0") if d]


def _entry_of(path: str, item: Any) -> Entry:
    return item if isinstance(item, Entry) else source.stat_entry(path, *item)


def _state(paths: list[str], blobs: dict[str, bytes]) -> bytes:
    """A digest of every file's path and content (a file with no blob id: 20 zeros)."""
    names = "\0".join(paths).encode("utf-8", "surrogateescape")
    contents = b"".join([blobs.get(p, NO_BLOB) for p in paths])
    return hashlib.sha1(names + b"\0\0" + contents, usedforsecurity=False).digest()
