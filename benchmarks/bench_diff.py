"""Time `curator diff` of two revisions against a naive diff that checks each one out.

A repository is generated with a 10,000-control list; a second commit changes the criteria of
100 controls. curator reads both revisions straight from git (`ls-tree` + one `cat-file --batch`)
through a read cache keyed by blob id, so the second revision parses only the 100 files that
changed. The naive baseline checks out each revision in a clone and loads both folders with the
plain reader (every file parsed twice). Both run in the same process on the same repository; the
two diffs are compared before any figure is printed. The command itself is then timed twice
in new processes: with an empty disk cache, and with the cache the first run left.

    .venv/bin/python benchmarks/bench_diff.py [--controls 10000] [--changed 100] [--items 200] [--seed 7]
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from curator.core.diff import ListDiff, diff_lists
from curator.store.formats.write import render
from curator.store.git import plumbing, revisions
from curator.store.index.cache import ReadCache
from curator.store.index.load import build
from curator.store.index.source import walk

LIST = "lists/bench"
IDENTITY = {
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.org",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.org",
}
MANIFEST = {
    "id": "bench",
    "title": "Diff benchmark",
    "partners": ["JP", "NL", "US"],
    "members": [{"id": "chair", "name": "Chair", "role": "chair", "email": "chair@example.org"}],
    "areas": {"advanced-computing": {"title": "Advanced computing"}},
    "parameters": {
        "tpp": {"title": "Total processing performance", "unit": "TPP"},
        "performance_density": {"title": "Performance density", "unit": "TPP/mm²"},
        "datacenter": {"title": "Designed for datacenters", "unit": "yes/no", "type": "flag"},
    },
}


def run_git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, env={**os.environ, **IDENTITY}
    )


def control_id(n: int) -> str:
    return f"{n // 1000}{'ABCDE'[n // 200 % 5]}{n % 1000:03d}"


def control(n: int, threshold: float) -> str:
    data = {
        "id": control_id(n),
        "title": f"Generated control {n}",
        "area": "advanced-computing",
        "status": "proposed",
        "visibility": "public",
        "reasons": ["AT1", "RS"],
        "summary": f"Chips above a threshold of {threshold:g} for control {n}.",
        "items": [
            {
                "label": "a.1",
                "text": "Total processing performance.",
                "match": f"tpp >= {threshold:g}",
            },
            {
                "label": "a.2",
                "text": "Performance density in a datacenter chip.",
                "match": f"datacenter == true and tpp >= {threshold / 3:g} "
                "and performance_density >= 5.92",
            },
        ],
    }
    return render("control", data)


def item(n: int, rng: random.Random) -> str:
    data = {
        "id": f"chip-{n:04d}",
        "name": f"Chip {n}",
        "origin": rng.choice(("US", "JP", "CN", "KR")),
        "mass_market": rng.random() < 0.2,
        "sources": ["generated"],
        "concern": {
            "of_concern": rng.random() < 0.5,
            "basis": "generated",
            "sources": ["generated"],
            "assessed_by": "chair",
            "assessed_on": "2026-01-01",
        },
        "params": {
            "tpp": round(10 ** rng.uniform(2, 4.6)),
            "performance_density": round(rng.uniform(0.5, 20), 2),
            "datacenter": rng.random() < 0.6,
        },
        "param_sources": {
            "tpp": "generated",
            "performance_density": "generated",
            "datacenter": "generated",
        },
    }
    return render("item", data)


def generate(top: Path, controls: int, changed: int, items: int, seed: int) -> list[int]:
    """Two commits: the list, then `changed` controls with a new a.1 threshold."""
    rng = random.Random(seed)
    root = top / LIST
    (root / "controls").mkdir(parents=True)
    (root / "catalogue").mkdir()
    (root / "list.toml").write_text(render("list", MANIFEST))
    thresholds = [float(rng.choice((1600, 2400, 4800, 6000))) for _ in range(controls)]
    for n in range(controls):
        (root / "controls" / f"{control_id(n)}.toml").write_text(control(n, thresholds[n]))
    for n in range(items):
        (root / "catalogue" / f"chip-{n:04d}.toml").write_text(item(n, rng))
    run_git(top, "init", "--quiet")
    run_git(top, "add", "-A")
    run_git(top, "commit", "--quiet", "-m", "generated list")
    edits = rng.sample(range(controls), changed)
    for n in edits:
        path = root / "controls" / f"{control_id(n)}.toml"
        path.write_text(control(n, thresholds[n] + 700))
    run_git(top, "commit", "--quiet", "-am", "change thresholds")
    return edits


def curator_diff(top: Path) -> tuple[ListDiff, float, int]:
    cache = ReadCache()
    place = plumbing.place_of(top / LIST)
    start = time.perf_counter()
    old = revisions.load_revision(place, "HEAD~1", cache)
    parsed_before = cache.misses
    new = revisions.load_revision(place, "HEAD", cache)
    result = diff_lists(old, new, "HEAD~1", "HEAD")
    return result, time.perf_counter() - start, cache.misses - parsed_before


def cli_diff(top: Path, cache_home: Path) -> float:
    """`curator diff HEAD~1 HEAD` as a user runs it, in a fresh process with its disk cache."""
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "curator", "diff", "HEAD~1", "HEAD", "--list", LIST],
        cwd=top,
        check=True,
        capture_output=True,
        env={**os.environ, "XDG_CACHE_HOME": str(cache_home)},
    )
    return time.perf_counter() - start


def naive_diff(top: Path, scratch: Path) -> tuple[ListDiff, float]:
    clone = scratch / "checkout"
    subprocess.run(
        ["git", "clone", "--quiet", "--no-checkout", str(top), str(clone)],
        check=True,
        capture_output=True,
    )
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=clone, check=True, capture_output=True, text=True
    ).stdout.strip()
    start = time.perf_counter()
    run_git(clone, "checkout", "--quiet", "HEAD~1")
    old = build(walk(clone / LIST))  # the folder loader with no cache: every file parsed
    run_git(clone, "checkout", "--quiet", head)
    new = build(walk(clone / LIST))
    result = diff_lists(old, new, "HEAD~1", "HEAD")
    return result, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--controls", type=int, default=10_000)
    parser.add_argument("--changed", type=int, default=100)
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="curator-bench-diff-") as folder:
        scratch = Path(folder)
        top = scratch / "repo"
        top.mkdir()
        began = time.perf_counter()
        edits = generate(top, args.controls, args.changed, args.items, args.seed)
        print(
            f"generated {args.controls:,} controls, {args.items} catalogue items, "
            f"{len(edits)} changed ({time.perf_counter() - began:.1f} s)"
        )
        ours, ours_time, reparsed = curator_diff(top)
        naive, naive_time = naive_diff(top, scratch)
        cold = cli_diff(top, scratch / "cache")
        warm = cli_diff(top, scratch / "cache")
        if ours.as_json() != naive.as_json():
            print("the two diffs disagree", file=sys.stderr)
            return 1
        expected = {control_id(n) for n in edits}
        if {c.id for c in ours.controls} != expected:
            print("the diff does not list exactly the changed controls", file=sys.stderr)
            return 1
        print(f"controls reported changed:           {len(ours.controls)}")
        print(f"curator diff HEAD~1 HEAD:            {ours_time:8.2f} s")
        print(f"  files parsed for the second side:  {reparsed}")
        print(f"naive (checkout + load both trees):  {naive_time:8.2f} s")
        print(f"ratio naive / curator:               {naive_time / ours_time:8.2f}x")
        print(f"`curator diff HEAD~1 HEAD`, cold:    {cold:8.2f} s (a new process, empty cache)")
        print(f"`curator diff HEAD~1 HEAD`, warm:    {warm:8.2f} s (its disk cache filled)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
