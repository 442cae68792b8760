"""The least a cold `curator check` can cost in this interpreter on this machine, measured.

    .venv/bin/python benchmarks/floor.py /tmp/scale

A cold check must, for every file: stat it (its stamp is what a warm check compares), read it,
parse and validate it, make its record, and run its checks against the definitions. (A check
also hashes each definition, for its git blob id: 10^4 of them, a fiftieth of a second, not
counted here. A said file is not hashed: it is checked again whenever its stamp moves.) This script times exactly that and nothing else — no cache, no memory between
runs, no plumbing between the steps, the garbage collector off — using curator's own functions
for each step, next to the same naive baseline as `run.py` (tomllib + jsonschema on every file),
measured in the same run. Each is the least of a few runs: this is a floor, and the machine is
shared.

From those it works out the floor of a cold check shared between P processes as `curator check`
shares it: the definitions are built and checked once (D, by the first process, while the others
start on what was said), the said files are dealt out (S), and a check that is of use the next
time also walks the folders once (W) and leaves each file's stamp and blob id behind for the warm
check (M): start-up + (D + S + W + M) / P, nothing done twice. The floor is what no arrangement
of the same Python work can beat; `curator check` adds its read cache and the plumbing between
the steps on top.
"""

from __future__ import annotations

import argparse
import gc
import marshal
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from run import list_files, naive_check, timed  # benchmarks/run.py: the same baseline

from curator.core import checks, records
from curator.store.formats import read as reader
from curator.store.formats.layout import DEFINITIONS, kind_of
from curator.store.index import load as loading
from curator.store.index import source
from curator.store.index.cache import STAT_STAMP
from curator.store.index.load import build
from curator.store.index.source import walk

TARGET = 0.15  # the target: a cold check at most 0.15 × the naive one


def said_files(root: Path, paths: Sequence[str], controls, manifest) -> int:
    """The least work a cold check does for each said file; returns how many had problems."""
    top = str(root)
    problems = 0
    for rel in paths:
        kind = kind_of(rel)
        if kind not in ("comment", "public-comment"):
            continue
        where = os.path.join(top, rel)
        st = os.stat(where)
        fd = os.open(where, os.O_RDONLY)
        try:
            raw = os.read(fd, st.st_size + 1)
        finally:
            os.close(fd)
        found = reader.read(kind, rel, raw)
        problems += bool(found.problems or loading._name_problem(kind, rel))
        if found.data is None:
            continue
        if kind == "comment":
            comment = records.comment_from(found.data, rel.split("/")[1], rel)
            problems += any(checks.check_comment(comment, manifest, controls))
        else:
            public = records.public_comment_from(found.data, rel)
            problems += any(checks.check_public_comment(public, controls))
    return problems


def defined_afresh(root: Path):
    """The definitions read, built and checked, as by a process that has parsed no criteria
    yet (the texts read are remembered by the list built, so a fresh build reads them anew)."""
    return build(walk(root, DEFINITIONS))


def walked(root: Path) -> int:
    """The walk a check makes to find the files (folder listings, no stat of the files)."""
    return sum(1 for _ in source.files(root, read=False))


def remembered(stats: dict[str, os.stat_result], out: Path) -> int:
    """What a check must leave behind for the next one to skip unchanged files: each file's
    stamp (and a definition's blob id), written to disk. The stat calls are counted above;
    the blob ids written here are zeros."""
    blob = bytes(20)
    memory = {
        rel: STAT_STAMP.pack(st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
        + (b"" if kind_of(rel) in ("comment", "public-comment") else blob)
        for rel, st in stats.items()
    }
    body = marshal.dumps(memory)
    out.write_bytes(body)
    return len(body)


def cpu(run: Callable[[], object], runs: int) -> tuple[float, object]:
    """The least CPU time `run` took in `runs` runs (a floor: the machine is shared), and what
    it returned."""
    best, answer = float("inf"), None
    for _ in range(runs):
        gc.disable()
        try:
            started = time.process_time()
            answer = run()
            best = min(best, time.process_time() - started)
        finally:
            gc.enable()
    return best, answer


def start_up() -> float:
    """A fresh interpreter importing what `curator check` imports, wall clock, best of 5."""
    code = "import curator.cli.lists, curator.store.index.incremental, curator.store.index.load"
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        best = min(best, time.perf_counter() - started)
    return best


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("root", type=Path, metavar="LIST", help="a list made by generate.py")
    p.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    p.add_argument("--runs", type=int, default=3, help="the least of this many runs is taken")
    args = p.parse_args(argv)
    root = args.root.resolve()
    paths = list_files(root)
    said = [p for p in paths if kind_of(p) in ("comment", "public-comment")]
    print(f"{len(paths):,} files, {len(said):,} of them said; naive check…", file=sys.stderr)
    naive = min(timed(lambda: naive_check(root, paths)).wall for _ in range(args.runs))

    definitions_cpu, defined = cpu(lambda: defined_afresh(root), args.runs)
    controls = {cid: control.outline() for cid, control in defined.controls.items()}
    manifest = defined.manifest
    said_cpu, _ = cpu(lambda: said_files(root, said, controls, manifest), args.runs)
    walk_cpu, _ = cpu(lambda: walked(root), args.runs)
    with tempfile.TemporaryDirectory() as work:
        stats = {rel: os.stat(root / rel) for rel in paths}
        memory_cpu, _ = cpu(lambda: remembered(stats, Path(work) / "memory"), args.runs)
    started = start_up()

    per_file = said_cpu / max(len(said), 1) * 1e6
    p = args.processes
    floor = started + (definitions_cpu + said_cpu) / p
    useful = started + (definitions_cpu + said_cpu + walk_cpu + memory_cpu) / p
    rows = [
        ("naive check (tomllib + jsonschema, every file), least", f"{naive:.2f} s"),
        ("definitions built and checked (D)", f"{definitions_cpu:.2f} s CPU"),
        ("said files, least work each (S)", f"{said_cpu:.2f} s CPU ({per_file:.1f} µs a file)"),
        ("interpreter start-up and imports", f"{started:.2f} s"),
        (
            f"floor on {p} processes: start-up + (D + S) / {p}",
            f"{floor:.2f} s = {floor / naive:.3f} × naive",
        ),
        ("the walk of the folders, once (W)", f"{walk_cpu:.2f} s CPU"),
        ("every file's stamp remembered, for a warm check (M)", f"{memory_cpu:.2f} s CPU"),
        (
            f"floor of a check that walks and remembers: start-up + (D + S + W + M) / {p}",
            f"{useful:.2f} s = {useful / naive:.3f} × naive",
        ),
        (f"target: {TARGET} × naive", f"{TARGET * naive:.2f} s"),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
