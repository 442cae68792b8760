"""Fuzz the three readers of hostile input for a bounded time each; not part of the test suite.

    .venv/bin/python benchmarks/fuzz.py [--seconds 60] [--only toml,list,criteria,csv]

Targets, and the only way each may refuse its input:
- toml      store.formats.read.read on every file kind: returns problems, never raises;
- list      store.index.load.build on the small test list with one file replaced: problems, no raise;
- criteria  core.criteria.parse: ExprError only; what parses prints and parses back the same,
            and evaluates on any figures without raising;
- csv       store.records.public.import_csv into a scratch list: CuratorError only; every file it writes
            passes `curator check`.

Inputs are drawn by hypothesis: random bytes and text, and mutations of real files (the test
list, tests/corpus) with tokens that break parsers spliced in. Any other exception is a crash:
it is printed with the (shrunk) input, and the script exits 1. A crash found here becomes a case
in tests/corpus/ and a fix.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent / "tests"))
os.environ["CURATOR_CACHE"] = "0"  # fuzzed lists stay out of the user's read cache

from conftest import make_list  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from curator.core import criteria  # noqa: E402
from curator.core.model import Parameter  # noqa: E402
from curator.core.problems import CuratorError  # noqa: E402
from curator.store.formats.layout import kind_of  # noqa: E402
from curator.store.formats.read import read  # noqa: E402
from curator.store.index import load as loading  # noqa: E402
from curator.store.index.source import Entry, walk  # noqa: E402
from curator.store.records.public import import_csv  # noqa: E402

KINDS = ("list", "control", "item", "comment", "public-comment")
PLACES = {
    "list": "list.toml",
    "control": "controls/3A091.toml",
    "item": "catalogue/fuzzed.toml",
    "comment": "discussion/3A090/2026-11-28T012200Z-industry-1.toml",
    "public-comment": "public-comments/BIS-2026-0001/abc-1234-wxyz.toml",
}
BREAKERS = [
    b'"',
    b'"""',
    b"'''",
    b"\\",
    b"\\u",
    b"\\U0011FFFF",
    b"[",
    b"]]",
    b"[[items]]",
    b"{",
    b"}",
    b"=",
    b"#",
    b"\n",
    b"\r",
    b"\x00",
    b"\xff",
    b"\xed\xa0\x80",
    b"\xe2\x80\xa8",
    b"nan",
    b"-inf",
    b"1e999",
    b"9" * 30,
    b"0x",
    b"1979-05-27T07:32:00Z",
    b"07:32:00",
    b"<<<<<<< ours\n",
    b"true",
    b"__import__('os')",
    b" and ",
    b" or ",
    b">=",
    b"==",
    b"(",
    b")",
    b"\t",
    b",",
]
PARAMETERS = {
    "tpp": Parameter("tpp", "Total processing performance", "TPP"),
    "performance_density": Parameter("performance_density", "Performance density", "TPP/mm²"),
    "interconnect": Parameter("interconnect", "Transfer rate", "GB/s"),
    "datacenter": Parameter("datacenter", "For datacenters", "yes/no", type="flag"),
}


def seeds() -> list[bytes]:
    """Real files to mutate: the test list and every text file of the corpus."""
    scratch = Path(tempfile.mkdtemp(prefix="curator-fuzz-"))
    try:
        root = make_list(scratch / "list").root
        found = [p.read_bytes() for p in sorted(root.rglob("*.toml"))]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    corpus = HERE.parent / "tests" / "corpus"
    found += [p.read_bytes() for p in sorted(corpus.rglob("*")) if p.is_file()]
    return found


@st.composite
def mutated(draw, pool: list[bytes]) -> bytes:
    data = bytearray(draw(st.sampled_from(pool)))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        how = draw(st.sampled_from(("splice", "delete", "flip", "repeat", "truncate")))
        if how == "splice":
            data[at:at] = draw(st.sampled_from(BREAKERS))
        elif how == "delete":
            del data[at : at + draw(st.integers(1, 8))]
        elif how == "flip" and data:
            data[min(at, len(data) - 1)] ^= 1 << draw(st.integers(0, 7))
        elif how == "repeat":
            data[at:at] = bytes(data[at : at + draw(st.integers(1, 40))]) * draw(st.integers(2, 50))
        else:
            del data[at:]
    return bytes(data)


def inputs(pool: list[bytes]) -> st.SearchStrategy[bytes]:
    pieces = st.lists(st.sampled_from(BREAKERS) | st.binary(max_size=8), max_size=40).map(b"".join)
    return st.one_of(mutated(pool), pieces, st.binary(max_size=400))


# ---------------------------------------------------------------- the targets


def toml_target(pool: list[bytes]) -> tuple[st.SearchStrategy, Callable]:
    def check(case: tuple[str, bytes]) -> None:
        kind, raw = case
        got = read(kind, PLACES[kind], raw)
        assert (got.data is None) == bool(got.problems), "data and problems disagree"

    return st.tuples(st.sampled_from(KINDS), inputs(pool)), check


def list_target(pool: list[bytes]) -> tuple[st.SearchStrategy, Callable]:
    scratch = Path(tempfile.mkdtemp(prefix="curator-fuzz-"))
    root = make_list(scratch / "list").root
    base = [e for e in walk(root) if kind_of(e.path) is not None]

    def check(case: tuple[str, bytes]) -> None:
        kind, raw = case
        place = PLACES[kind]
        entries = [e for e in base if e.path != place] + [Entry(place, raw)]
        loaded = loading.build(sorted(entries, key=lambda e: e.path), read)
        assert "3A090" in loaded.controls or place == "controls/3A090.toml"

    return st.tuples(st.sampled_from(KINDS), inputs(pool)), check


def criteria_target(pool: list[bytes]) -> tuple[st.SearchStrategy, Callable]:
    words = [b.decode("utf-8", "replace") for b in BREAKERS] + [
        "tpp",
        "performance_density",
        "datacenter",
        "false",
        "4800",
        "5.92",
        "-1",
        "1_000",
        " ",
        "not ",
        "lambda",
        ".__class__",
        "[0]",
        "**",
        "if",
        ":=",
        "\u00a0",
        "ｔｐｐ",
        "9" * 400,
    ]
    grammar = st.lists(st.sampled_from(words), max_size=30).map("".join)
    figures = st.dictionaries(
        st.sampled_from(sorted(PARAMETERS)),
        st.one_of(st.booleans(), st.floats(allow_nan=True), st.integers(-(2**70), 2**70)),
    )

    def check(case: tuple[str, dict, bool]) -> None:
        text, params, declared = case
        try:
            expr = criteria.parse(text, PARAMETERS if declared else None)
        except criteria.ExprError:
            return
        again = criteria.parse(str(expr), PARAMETERS if declared else None)
        assert str(again) == str(expr), f"{expr} prints as {again}"
        criteria.evaluate(expr, params)
        criteria.describe(expr, PARAMETERS)

    return st.tuples(grammar | st.text(max_size=200), figures, st.booleans()), check


def csv_target(pool: list[bytes]) -> tuple[st.SearchStrategy, Callable]:
    scratch = Path(tempfile.mkdtemp(prefix="curator-fuzz-"))
    root = make_list(scratch / "list").root
    source = scratch / "bulk.csv"
    header = b"Document ID,Docket ID,Tracking Number,Comment,Document Type,Title\r\n"
    rows = [
        b'BIS-2026-0001-0002,BIS-2026-0001,abc-1234-wxyz,"Too tight, see 3A090.",Public Submission,A\r\n',
        b"BIS-2026-0001-0003,BIS-2026-0001,def-5678-wxyz,=1+1,,\r\n",
    ]
    csv_pool = [header + b"".join(rows), header + rows[0], *pool[:4]]

    def check(raw: bytes) -> None:
        shutil.rmtree(root / "public-comments", ignore_errors=True)
        source.write_bytes(raw)
        try:
            import_csv(root, source)
        except CuratorError:
            return
        loaded = loading.load(root, folders=("public-comments",))
        bad = [p for p in loaded.problems if p.file.startswith("public-comments/")]
        bad = [p for p in bad if p.code not in ("unknown-control",)]
        assert not bad, f"import wrote files that check refuses: {bad[:3]}"

    return inputs(csv_pool) | mutated(csv_pool), check


TARGETS = {
    "toml": toml_target,
    "list": list_target,
    "criteria": criteria_target,
    "csv": csv_target,
}


# ---------------------------------------------------------------- running


def fuzz(name: str, seconds: float, pool: list[bytes]) -> list[str]:
    """Run one target until `seconds` pass; the crashes found, each with its input."""
    strategy, check = TARGETS[name](pool)
    crashes: list[str] = []
    runs = 0
    deadline = time.monotonic() + seconds

    def counted(case) -> None:
        nonlocal runs
        runs += 1
        check(case)

    batch = settings(
        max_examples=200,
        deadline=None,
        database=None,
        derandomize=False,
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    while time.monotonic() < deadline and len(crashes) < 5:
        test = batch(given(strategy)(counted))
        try:
            test()
        except Exception as err:  # a crash: hypothesis has shrunk the input and noted it
            notes = "\n".join(getattr(err, "__notes__", []))
            text = "".join(traceback.format_exception_only(type(err), err)).strip()
            crashes.append(f"{text}\n{notes}\n{traceback.format_exc(limit=-4)}")
            print(f"[{name}] CRASH\n{crashes[-1]}", file=sys.stderr)
    print(f"[{name}] {runs:,} inputs in {seconds:.0f} s, {len(crashes)} crash(es)")
    return crashes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="time per target")
    parser.add_argument("--only", default=",".join(TARGETS), help="comma-separated targets")
    args = parser.parse_args(argv)
    pool = seeds()
    crashed = False
    for name in args.only.split(","):
        crashed |= bool(fuzz(name.strip(), args.seconds, pool))
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
