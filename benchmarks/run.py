"""Measure the scale figures (README, "Large lists") on a generated list, each next to a naive
baseline measured in the same run, and print them (with --write-results, also into benchmarks/RESULTS.md).

    .venv/bin/python benchmarks/generate.py /tmp/scale --seed 1
    .venv/bin/python benchmarks/generate.py /tmp/scale-controls --shape controls-heavy --seed 1
    .venv/bin/python benchmarks/run.py /tmp/scale --shape controls-heavy=/tmp/scale-controls

LIST is a list of the default shape (generate.py's SHAPES), on which every figure is measured;
each `--shape NAME=LIST` names a list of another shape, on which the check figures (cold, warm,
100 files changed) are measured too, each next to its own naive check.

Every curator figure is the real command in a fresh process (`python -m curator ...`), timed from
the outside: wall clock, and the CPU time (user + system) the process used, median of several
runs. Baselines run in this process on the same files:

- check: tomllib + jsonschema.Draft202012Validator on every file (reading included), run in turns
  with the cold check;
- fmt --check: a tomlkit parse-and-dump round trip, on a random sample of the files (it takes
  minutes for all of them) scaled to the whole list;
- diff: both revisions extracted with `git archive`, parsed with no cache, diffed;
- TUI: a DataTable app that loads the list without the cache, fills the table with every row and
  clears and refills it on each filter keystroke;
- sweep: every item classified at every threshold in pure Python (`criteria`/`weigh`);
- publish: the same command with CURATOR_CACHE=0;
- comments import: csv.DictReader and tomli_w writing one file per row, nothing else.

The package is byte-compiled first, as `pip install` does: a shell that sets
PYTHONDONTWRITEBYTECODE would otherwise time the compiling of curator's modules on every run.

Other helpers may share the machine: the load average is recorded with the results.
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import contextlib
import datetime as dt
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE))

from generate import SHAPES  # noqa: E402

from curator.core import criteria  # noqa: E402
from curator.core import weigh as weighing  # noqa: E402
from curator.core.diff import diff_lists  # noqa: E402
from curator.store.formats.layout import DEFINITIONS, kind_of  # noqa: E402
from curator.store.formats.schemas import KINDS, schema  # noqa: E402
from curator.store.formats.validate import json_view  # noqa: E402
from curator.store.git import plumbing  # noqa: E402
from curator.store.index.load import build, load  # noqa: E402
from curator.store.index.source import walk  # noqa: E402

RESULTS = HERE / "RESULTS.md"
NOTES = "## Notes"  # a section written by hand below the figures, kept when they are measured again
EDITED = 100  # files changed before each "warm, 100 files changed" run
CHANGED_CONTROLS = 100  # what `generate.py` changes between <id>/v2.0 and HEAD


@dataclass
class Timing:
    wall: float
    cpu: float


@dataclass
class Figure:
    name: str
    ours: Timing | float  # a Timing, or a plain number (RSS in MB)
    baseline: Timing | float | None
    baseline_name: str
    target: str  # e.g. "≤ 0.15 × naive" or "≤ 0.5 s"
    limit: float  # the ratio or the absolute value the target allows
    absolute: bool = False  # the target is an absolute value, not a ratio
    unit: str = "s"
    note: str = ""
    runs: str = ""
    shape: str = "default"  # the shape of the list measured (generate.py's SHAPES)

    def value(self, t: Timing | float) -> float:
        return t.wall if isinstance(t, Timing) else t

    @property
    def ratio(self) -> float | None:
        if self.baseline is None:
            return None
        return self.value(self.ours) / self.value(self.baseline)

    @property
    def met(self) -> bool:
        if self.absolute:
            return self.value(self.ours) <= self.limit
        return self.ratio is not None and self.ratio <= self.limit


@dataclass
class Bench:
    root: Path
    runs: int
    naive_runs: int
    sample: float
    work: Path
    shapes: dict[str, Path] = field(default_factory=dict)  # the lists of the other shapes
    figures: list[Figure] = field(default_factory=list)
    log: list[str] = field(default_factory=list)

    def say(self, text: str) -> None:
        print(text, file=sys.stderr, flush=True)
        self.log.append(text)


# ---------------------------------------------------------------- timing


def timed(run: Callable[[], object]) -> Timing:
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return Timing(time.perf_counter() - wall, time.process_time() - cpu)


def become_subreaper() -> bool:
    """Have the helpers a command leaves exiting (`check` does not wait for them once they have
    answered) handed to this process rather than to init, so that their CPU is counted."""
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) == 0  # CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


def _collect_orphans() -> None:
    """Wait for the helpers handed to this process (see become_subreaper)."""
    with contextlib.suppress(ChildProcessError):
        while True:
            os.waitpid(-1, 0)


def command(args: Sequence[str], env: dict[str, str], cwd: Path | None = None) -> Timing:
    """A fresh `python -m curator` process, timed from outside (its CPU from rusage)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "curator", *args],
        env={**os.environ, **env},
        cwd=cwd,
        capture_output=True,
        timeout=3600,
    )
    wall = time.perf_counter() - wall
    _collect_orphans()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"curator {' '.join(args)} failed:\n{done.stderr.decode()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timing(wall, cpu)


def median(timings: Sequence[Timing]) -> Timing:
    return Timing(
        statistics.median(t.wall for t in timings), statistics.median(t.cpu for t in timings)
    )


def repeat(count: int, run: Callable[[], Timing], before: Callable[[], None] | None = None):
    found = []
    for _ in range(count):
        if before is not None:
            before()
        found.append(run())
    return median(found)


# ---------------------------------------------------------------- check and fmt


def list_files(root: Path) -> list[str]:
    return [e.path for e in walk(root, read=False) if kind_of(e.path) is not None]


def naive_check(root: Path, paths: Sequence[str]) -> int:
    """tomllib and jsonschema on every file: what checking costs with no cache and no fast path."""
    import jsonschema

    validators = {kind: jsonschema.Draft202012Validator(schema(kind)) for kind in KINDS}
    invalid = 0
    for rel in paths:
        data = tomllib.loads((root / rel).read_text("utf-8"))
        invalid += not validators[kind_of(rel)].is_valid(json_view(data))
    return invalid


def naive_round_trip(root: Path, paths: Sequence[str]) -> int:
    """tomlkit parse and dump of each file: the usual way to see whether a file would change."""
    import tomlkit

    changed = 0
    for rel in paths:
        text = (root / rel).read_text("utf-8")
        changed += tomlkit.dumps(tomlkit.parse(text)) != text
    return changed


def per_round(b: Bench) -> int:
    """Warm checks of each kind in a round of `checks` (enough for `runs` in all)."""
    return -(-b.runs // b.naive_runs)


def checks(b: Bench) -> None:
    """The check figures on the list and on each other shape's, then those of `fmt --check`."""
    check_figures(b, b.root, "default")
    for shape, root in b.shapes.items():
        check_figures(b, root, shape)
    formatting(b)


def check_figures(b: Bench, root: Path, shape: str) -> None:
    paths = list_files(root)
    # the default shape's caches are the ones the later steps find warm
    caches = b.work if shape == "default" else b.work / shape

    def fresh_cache() -> None:
        shutil.rmtree(caches / "cold", ignore_errors=True)

    cold_env = {"XDG_CACHE_HOME": str(caches / "cold")}
    env = {"XDG_CACHE_HOME": str(caches / "warm")}
    check = ["check", "--list", str(root)]
    # taken in rounds — the naive check, then the cold, warm and 100-changed ones — so that each
    # figure and its baseline meet the same spells of a shared machine's slowness (seen here: one
    # process's share of a check took 5.4 s, and minutes later 7.6 s)
    each = per_round(b)
    b.say(
        f"{shape} shape, {len(paths)} files; check in {b.naive_runs} rounds "
        f"(naive, cold, {each} + {each} warm)…"
    )
    naive_runs, cold_runs, warm_runs, changed_runs = [], [], [], []
    edits = Edits(root, paths)
    try:
        for _ in range(b.naive_runs):
            naive_runs.append(timed(lambda: naive_check(root, paths)))
            fresh_cache()
            cold_runs.append(command(check, cold_env))
            command(check, env)  # settles the last round's edits (no longer too recent to trust)
            warm_runs += [command(check, env) for _ in range(each)]
            for _ in range(each):
                edits.next()
                changed_runs.append(command(check, env))
    finally:
        edits.restore()
    command(check, env)
    naive, cold = median(naive_runs), median(cold_runs)
    warm, changed = median(warm_runs), median(changed_runs)
    b.figures += [
        Figure(
            "`curator check`, cold (no cache)",
            cold,
            naive,
            "tomllib + jsonschema",
            "≤ 0.15 × naive",
            0.15,
            shape=shape,
        ),
        Figure(
            "`curator check`, warm, nothing changed",
            warm,
            naive,
            "tomllib + jsonschema",
            "≤ 0.03 × naive",
            0.03,
            shape=shape,
        ),
        Figure(
            f"`curator check`, warm, {EDITED} files changed",
            changed,
            naive,
            "tomllib + jsonschema",
            "≤ 0.05 × naive",
            0.05,
            shape=shape,
        ),
    ]


def formatting(b: Bench) -> None:
    root, paths = b.root, list_files(b.root)

    def fresh_cache() -> None:
        shutil.rmtree(b.work / "cold", ignore_errors=True)

    cold_env = {"XDG_CACHE_HOME": str(b.work / "cold")}
    env = {"XDG_CACHE_HOME": str(b.work / "warm")}
    sample = random.Random(9).sample(paths, max(1, int(len(paths) * b.sample)))
    b.say(f"tomlkit round trip of {len(sample)} files…")
    part = repeat(1, lambda: timed(lambda: naive_round_trip(root, sample)))
    scale = len(paths) / len(sample)
    trip = Timing(part.wall * scale, part.cpu * scale)
    command(["fmt", "--check", "--list", str(root)], env)
    b.say("fmt --check, warm…")
    fmt = repeat(b.runs, lambda: command(["fmt", "--check", "--list", str(root)], env))
    b.say("fmt --check, cold…")
    fmt_cold = repeat(
        1, lambda: command(["fmt", "--check", "--list", str(root)], cold_env), fresh_cache
    )
    note = f"baseline measured on a random {b.sample:.0%} of the files and scaled"
    b.figures += [
        Figure(
            "`curator fmt --check`, nothing to change (warm)",
            fmt,
            trip,
            "tomlkit round trip",
            "≤ 0.1 × naive",
            0.1,
            note=note,
        ),
        Figure(
            "`curator fmt --check`, nothing to change (cold)",
            fmt_cold,
            trip,
            "tomlkit round trip",
            "(not a target)",
            float("inf"),
            note=note,
        ),
    ]


class Edits:
    """100 different files changed before each run (a comment line appended), put back after."""

    def __init__(self, root: Path, paths: Sequence[str]) -> None:
        self.root, self.paths = root, [p for p in paths if p != "list.toml"]
        self.rng = random.Random(11)
        self.saved: dict[str, bytes] = {}
        self.count = 0

    def next(self) -> None:
        self.count += 1
        for rel in self.rng.sample(self.paths, EDITED):
            path = self.root / rel
            self.saved.setdefault(rel, path.read_bytes())
            path.write_bytes(self.saved[rel] + f"# benchmark edit {self.count}\n".encode())

    def restore(self) -> None:
        for rel, raw in self.saved.items():
            (self.root / rel).write_bytes(raw)


# ---------------------------------------------------------------- diff


def extract(place: plumbing.ListPlace, revision: str, into: Path) -> Path:
    """The list's controls, catalogue and list.toml at `revision`, as plain files."""
    names = [place.prefix + n for n in ("list.toml", *DEFINITIONS)]
    archive = subprocess.run(
        ["git", "archive", "--format=tar", revision, "--", *names],
        cwd=place.top,
        capture_output=True,
        check=True,
    ).stdout
    into.mkdir(parents=True)
    with tarfile.open(fileobj=__import__("io").BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / place.prefix if place.prefix else into


def naive_diff(place: plumbing.ListPlace, old: str, new: str, work: Path) -> int:
    shutil.rmtree(work, ignore_errors=True)
    sides = [
        build(walk(extract(place, rev, work / name), DEFINITIONS))
        for name, rev in (("a", old), ("b", new))
    ]
    return len(diff_lists(*sides, old, new).controls)


def diffs(b: Bench) -> None:
    place = plumbing.place_of(b.root)
    list_id = load(b.root, folders=()).manifest.id
    old, new = f"{list_id}/v2.0", "HEAD"
    env = {"XDG_CACHE_HOME": str(b.work / "warm")}
    args = ["diff", old, new, "--list", str(b.root), "--format", "json"]
    done = subprocess.run(
        [sys.executable, "-m", "curator", *args], env={**os.environ, **env}, capture_output=True
    )
    changed = len(json.loads(done.stdout)["controls"])
    b.say(f"diff {old} {new}: {changed} controls changed…")
    # in rounds with the naive diff, as the checks are: five runs of half a second each
    # would otherwise all meet one spell of the machine's slowness (seen: medians of 0.39 and
    # 0.58 s for the same code minutes apart)
    ours_runs, naive_runs = [], []
    for _ in range(b.naive_runs):
        ours_runs += [command(args, env) for _ in range(per_round(b))]
        naive_runs.append(timed(lambda: naive_diff(place, old, new, b.work / "diff")))
    ours, naive = median(ours_runs), median(naive_runs)
    b.figures.append(
        Figure(
            f"`curator diff {old} HEAD` ({changed} controls changed)",
            ours,
            naive,
            "git archive + parse both + diff",
            "≤ 0.5 s",
            0.5,
            absolute=True,
        )
    )


# ---------------------------------------------------------------- the TUI


def tui(b: Bench) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(b.work / "warm")}

    def probe(kind: str) -> dict:
        done = subprocess.run(
            [sys.executable, __file__, "--probe", kind, str(b.root)],
            env=env,
            capture_output=True,
            text=True,
            timeout=3600,
        )
        if done.returncode != 0:
            raise SystemExit(f"TUI probe failed:\n{done.stderr}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    b.say("TUI…")
    probe("curator")  # warm: the first run after a check keeps the definitions as built
    ours = [probe("curator") for _ in range(max(1, b.runs // 2))]
    naive = [probe("datatable") for _ in range(max(1, b.naive_runs // 2))]

    def first(found: list[dict]) -> Timing:
        return Timing(statistics.median(p["first"] for p in found), 0.0)

    def key(found: list[dict]) -> Timing:
        return Timing(statistics.median(k for p in found for k in p["keys"]), 0.0)

    b.figures += [
        Figure(
            "TUI first screen (Pilot, until settled)",
            first(ours),
            first(naive),
            "DataTable app, no cache",
            "≤ 1.0 s",
            1.0,
            absolute=True,
            note=f"the rest of the list read {statistics.median(p['complete'] for p in ours):.1f} s after start, in a worker",
        ),
        Figure(
            "TUI filter keystroke → table updated (median)",
            key(ours),
            key(naive),
            "DataTable clear-and-refill",
            "≤ 50 ms",
            0.05,
            absolute=True,
        ),
        Figure(
            "TUI RSS with the list loaded",
            float(statistics.median(p["rss"] for p in ours)),
            float(statistics.median(p["rss"] for p in naive)),
            "DataTable app (controls only)",
            "≤ 300 MB",
            300,
            absolute=True,
            unit="MB",
        ),
    ]


def vmrss() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS"):
            return int(line.split()[1]) // 1024
    return 0


WORDS = ("circuits", "quantum", "3A9")


async def keystrokes(pilot, table) -> list[float]:
    """Seconds from each key press to the first line the table draws after it: the probe
    wraps the table's `render_line` (timing only; nothing else changes)."""
    painted: list[float] = []
    draw = table.render_line

    def render_line(y: int):
        painted.append(time.perf_counter())
        return draw(y)

    table.render_line = render_line
    found = []
    for word in WORDS:
        for ch in [*word, *["backspace"] * len(word)]:
            painted.clear()
            before = time.perf_counter()
            await pilot.press(ch)
            await pilot.pause()
            if painted:
                found.append(painted[0] - before)
    return found


async def probe_curator(root: Path) -> dict:
    from curator.tui.app import CuratorApp
    from curator.tui.widgets.control_table import ControlTable

    start = time.perf_counter()
    app = CuratorApp(root, None)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        first = time.perf_counter() - start
        while not app.session.complete and time.perf_counter() - start < 1200:
            await pilot.pause(0.2)
        await pilot.pause()
        complete = time.perf_counter() - start
        rss = vmrss()
        table = app.main.query_one(ControlTable)
        await pilot.press("slash")
        await pilot.pause()
        keys = await keystrokes(pilot, table)
        assert table.keys  # the filter ends empty: every row again
    return {"first": first, "complete": complete, "rss": rss, "keys": keys}


async def probe_datatable(root: Path) -> dict:
    from textual.app import App
    from textual.widgets import DataTable, Input

    start = time.perf_counter()
    loaded = build(walk(root, DEFINITIONS))
    rows = [
        (c.id, c.title, c.status, c.area)
        for c in sorted(loaded.controls.values(), key=lambda c: c.id)
    ]

    class Naive(App):
        def compose(self):
            yield Input(id="filter")
            yield DataTable(id="table")

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns("id", "title", "status", "area")
            table.add_rows(rows)

        def on_input_changed(self, event: Input.Changed) -> None:
            needle = event.value.lower()
            table = self.query_one(DataTable)
            table.clear()
            table.add_rows([r for r in rows if needle in " ".join(r).lower()])

    app = Naive()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        first = time.perf_counter() - start
        rss = vmrss()
        app.query_one(Input).focus()
        keys = await keystrokes(pilot, app.query_one(DataTable))
    return {"first": first, "complete": first, "rss": rss, "keys": keys}


# ---------------------------------------------------------------- sweep, publish, import


def sweeps(b: Bench) -> None:
    from curator.core.sweep import rescaled, sweep

    loaded = load(b.root, folders=DEFINITIONS)
    catalogue, parameters = loaded.catalogue, loaded.parameters
    measured = {
        name: sum(
            1
            for i in catalogue.values()
            if isinstance(i.params.get(name), int | float)
            and not isinstance(i.params.get(name), bool)
        )
        for name, p in parameters.items()
        if not p.is_flag
    }
    param = max(measured, key=measured.get)
    control = next(
        c
        for _, c in sorted(loaded.controls.items())
        if any(
            a.param == param
            for _, e in weighing.criteria_of(c, parameters)
            for a in criteria.atoms(e)
        )
    )
    expressions = weighing.criteria_of(control, parameters)
    setting = weighing.setting_of(control, loaded.manifest)

    def naive() -> int:
        reference = next(
            a.value for _, e in expressions for a in criteria.atoms(e) if a.param == param
        )
        values = {
            v
            for i in catalogue.values()
            if isinstance(v := i.params.get(param), int | float) and not isinstance(v, bool)
        }
        points = 0
        for threshold in sorted(values | {reference}):
            at = rescaled(expressions, param, threshold)
            for item in catalogue.values():
                weighing.classify(at, item.params)
            points += 1
        return points

    result = sweep(expressions, catalogue, setting, param)
    ours = repeat(b.runs, lambda: timed(lambda: sweep(expressions, catalogue, setting, param)))
    slow = repeat(b.naive_runs, lambda: timed(naive))
    b.figures.append(
        Figure(
            f"weigh sweep, {len(catalogue):,} items × {len(result.points)} thresholds ({control.id}, {param})",
            ours,
            slow,
            "pure-Python classify",
            "≤ 0.1 s",
            0.1,
            absolute=True,
            note=f"{result.items} items in the control's scope",
        )
    )


def publishing(b: Bench) -> None:
    env = {"XDG_CACHE_HOME": str(b.work / "warm")}
    out = b.work / "published"
    args = ["publish", "--list", str(b.root), "--out", str(out), "--as", "chair", "--force"]
    command(args, env)
    b.say("publish…")
    ours = repeat(b.runs, lambda: command(args, env))
    naive = repeat(1, lambda: command(args, {"CURATOR_CACHE": "0"}))
    b.figures.append(
        Figure(
            "`curator publish`",
            ours,
            naive,
            "the same, CURATOR_CACHE=0",
            "≤ 3 s",
            3.0,
            absolute=True,
        )
    )


def deliberating(b: Bench) -> None:
    """A verb about one control reads that control's discussion; the baseline is what it did
    before: read the whole list (through the same warm cache) and take the thread from it."""
    from curator.core import discussion

    env = {"XDG_CACHE_HOME": str(b.work / "warm")}
    busiest = max(
        (d for d in (b.root / "discussion").iterdir() if d.is_dir()),
        key=lambda d: sum(1 for _ in d.iterdir()),
    )
    args = ["ballot", busiest.name, "--list", str(b.root)]
    command(args, env)
    b.say(f"ballot {busiest.name}…")
    ours = repeat(b.runs, lambda: command(args, env))

    def whole() -> None:
        loaded = load(b.root)
        control = loaded.controls[busiest.name]
        discussion.ballot(control, loaded.manifest.members, loaded.comments)

    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = env["XDG_CACHE_HOME"]
    try:
        whole()  # warm, as ours is
        slow = repeat(b.naive_runs, lambda: timed(whole))
    finally:
        if before is None:
            os.environ.pop("XDG_CACHE_HOME")
        else:
            os.environ["XDG_CACHE_HOME"] = before
    b.figures.append(
        Figure(
            f"`curator ballot {busiest.name}` (one control's discussion)",
            ours,
            slow,
            "the whole list read, warm cache",
            "(not a target)",
            float("inf"),
        )
    )


def importing(b: Bench) -> None:
    import csv

    import tomli_w
    from public_csv import COLUMNS, Row, write_csv

    loaded = load(b.root, folders=("public-comments",))
    rows = []
    for n, c in enumerate(sorted(loaded.public_comments, key=lambda c: c.document_id)):
        first, _, last = c.submitter.partition(" ")
        rows.append(
            Row(
                c.tracking_number,
                n + 2,
                c.body,
                first,
                last,
                c.organization,
                c.posted,
                c.withdrawn,
                c.attachments,
                c.docket,
            )
        )
    source = write_csv(b.work / "comments.csv", rows)
    b.say(f"comments import of {len(rows):,} rows…")

    def fresh() -> Path:
        target = b.work / "import-list"
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir()
        shutil.copy(b.root / "list.toml", target / "list.toml")
        shutil.copytree(b.root / "controls", target / "controls")
        return target

    env = {"XDG_CACHE_HOME": str(b.work / "warm")}
    ours = repeat(
        max(1, b.runs // 2),
        lambda: command(
            [
                "comments",
                "import",
                str(source),
                "--list",
                str(b.work / "import-list"),
                "--as",
                "chair",
            ],
            env,
        ),
        fresh,
    )

    def naive() -> None:
        folder = b.work / "naive-import"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        with source.open(encoding="utf-8-sig", newline="") as f:
            for row in csv.DictReader(f):
                data = {k: v for k, v in row.items() if v}
                (folder / f"{row['Tracking Number']}.toml").write_text(tomli_w.dumps(data))

    slow = repeat(1, lambda: timed(naive))
    assert len(COLUMNS) == 60
    b.figures.append(
        Figure(
            f"`curator comments import` of {len(rows):,} rows",
            ours,
            slow,
            "csv.DictReader + tomli_w",
            "≤ 10 s",
            10.0,
            absolute=True,
        )
    )


# ---------------------------------------------------------------- the report


def machine() -> dict[str, str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem = next(
        line.split()[1]
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return {
        "cores (nproc)": str(os.cpu_count()),
        "CPU": cpu,
        "RAM": f"{int(mem) / 1024 / 1024:.1f} GB",
        "Python": platform.python_version(),
        "OS": f"{platform.system()} {platform.release()}",
    }


def fmt_value(t: Timing | float | None, unit: str) -> str:
    if t is None:
        return "—"
    if isinstance(t, Timing):
        return f"{t.wall:.3f} s" + (f" (CPU {t.cpu:.3f} s)" if t.cpu else "")
    return f"{t:,.0f} {unit}"


def table(figures: Sequence[Figure]) -> list[str]:
    lines = [
        "| figure | curator | naive baseline | ratio | target | met |",
        "|---|---|---|---|---|---|",
    ]
    for f in figures:
        ratio = f"{f.ratio:.3f}" if f.ratio is not None else "—"
        met = "—" if f.limit == float("inf") else ("yes" if f.met else "**no**")
        lines.append(
            f"| {f.name} | {fmt_value(f.ours, f.unit)} | {fmt_value(f.baseline, f.unit)} ({f.baseline_name}) | {ratio} | {f.target} | {met} |"
        )
    return lines


def shape_words(shape: str) -> str:
    """A shape's sizes in words: 10,000 controls, 20,000 comments, …"""
    sizes = SHAPES[shape]
    return (
        f"{sizes['controls']:,} controls, {sizes['comments']:,} comments, "
        f"{sizes['public_comments']:,} public comments, {sizes['items']:,} catalogue items"
    )


def list_stats(root: Path) -> str:
    files = list_files(root)
    size = sum((root / f).stat().st_size for f in files)
    return f"{len(files):,} files, {size / 1e6:.0f} MB"


def command_line(b: Bench) -> str:
    shapes = "".join(f" --shape {name}={root}" for name, root in b.shapes.items())
    return f"python benchmarks/run.py {b.root}{shapes}"


def report(b: Bench, started: dt.datetime, loads: tuple[str, str], stats: str) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Measured {started:%Y-%m-%d %H:%M} UTC by `{command_line(b)}` on a list made",
        f"by `python benchmarks/generate.py OUT --seed 1` (the default shape: {shape_words('default')};",
        f"{stats}). Medians of {b.runs} runs ({b.naive_runs} for the slow",
        "baselines); the checks are taken in rounds with the naive one (each round: naive, cold,",
        f"then {per_round(b)} warm and {per_round(b)} with 100 files "
        f"changed), and so is the diff ({per_round(b)} runs a round, "
        f"{per_round(b) * b.naive_runs} in all),",
        "so that each ratio's two sides meet the same spells of a shared machine's slowness, and",
        "no figure is a few runs in one spell. Each curator figure is a fresh `python -m curator`",
        "process, so interpreter start-up and imports are included. Ratios and targets are on",
        "wall-clock time; CPU time is shown too.",
        "",
        "## Machine",
        "",
        *[f"- {k}: {v}" for k, v in machine().items()],
        f"- load average (1, 5, 15 min) at start: {loads[0]}; at the end: {loads[1]} (the benchmark",
        "  itself keeps about one core busy; more than that is other work sharing the machine)",
        "",
        "## Figures",
        "",
        *table([f for f in b.figures if f.shape == "default"]),
        "",
        *[f"- {f.name}: {f.note}" for f in b.figures if f.note and f.shape == "default"],
        "",
    ]
    for shape, root in b.shapes.items():
        lines += [
            f"## Figures: the {shape} shape",
            "",
            f"The check figures on a list made by `python benchmarks/generate.py OUT --shape {shape} --seed 1`",
            f"({shape_words(shape)}; {list_stats(root)}),",
            "taken in rounds with its own naive check as above.",
            "",
            *table([f for f in b.figures if f.shape == shape]),
            "",
        ]
    return "\n".join(lines)


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


STEPS = {
    "check": checks,
    "diff": diffs,
    "tui": tui,
    "sweep": sweeps,
    "publish": publishing,
    "ballot": deliberating,
    "import": importing,
}


def arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument(
        "root", type=Path, metavar="LIST", help="a list made by generate.py (the default shape)"
    )
    p.add_argument(
        "--shape",
        action="append",
        default=[],
        type=shape_and_list,
        metavar="NAME=LIST",
        help=f"also measure the check figures on LIST, of shape NAME ({', '.join(SHAPES)})",
    )
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--naive-runs", type=int, default=3)
    p.add_argument(
        "--sample", type=float, default=0.05, help="share of files for the tomlkit baseline"
    )
    p.add_argument("--only", nargs="*", choices=sorted(STEPS), help="measure only these")
    p.add_argument(
        "--write-results",
        action="store_true",
        help="also write the results into benchmarks/RESULTS.md (its notes kept); without "
        "this option they are only printed",
    )
    p.add_argument("--probe", help=argparse.SUPPRESS)
    return p.parse_args(argv)


def shape_and_list(text: str) -> tuple[str, Path]:
    """`--shape NAME=LIST`, read."""
    name, equals, root = text.partition("=")
    if not equals or not root:
        raise argparse.ArgumentTypeError(f"'{text}' is not NAME=LIST")
    if name not in SHAPES or name == "default":
        others = ", ".join(s for s in SHAPES if s != "default")
        raise argparse.ArgumentTypeError(
            f"'{name}' is not a shape other than the default: {others}"
        )
    return name, Path(root).resolve()


def deliver(text: str, write_to: Path | None) -> None:
    """Print the results; with `write_to`, also write them there, keeping the notes written
    there by hand."""
    print(text)
    if write_to is None:
        print("not written anywhere (--write-results writes them)", file=sys.stderr)
        return
    notes = write_to.read_text().partition(NOTES)[2] if write_to.exists() else ""
    write_to.write_text(text + (f"\n{NOTES}{notes}" if notes else ""))
    print(f"written to {write_to}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    args = arguments(argv)
    root = args.root.resolve()
    if args.probe:
        run = probe_curator if args.probe == "curator" else probe_datatable
        print(json.dumps(asyncio.run(run(root))))
        return 0
    compileall.compile_dir(HERE.parent / "curator", quiet=1)
    if not become_subreaper():
        print("note: helpers a command leaves exiting are not in its CPU figure", file=sys.stderr)
    started = dt.datetime.now(dt.UTC)
    start_load = loadavg()
    with tempfile.TemporaryDirectory(prefix="curator-bench-") as work:
        b = Bench(root, args.runs, args.naive_runs, args.sample, Path(work), dict(args.shape))
        for name, step in STEPS.items():
            if not args.only or name in args.only:
                step(b)
        text = report(b, started, (start_load, loadavg()), list_stats(root))
    deliver(text, RESULTS if args.write_results else None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
