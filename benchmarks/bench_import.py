"""Time `curator comments import` on a generated bulk CSV against a naive import.

The naive baseline reads the same CSV with csv.DictReader and writes each row with tomli_w, with
none of curator's work: no mapping to controls, no reading of the previous file to keep the
committee's mapping and answer, no canonical layout, no schema check, no atomic write. Both run
in the same process on the same file; the first import, the idempotent re-import and the
baseline are each timed once and the ratio is printed.

    .venv/bin/python benchmarks/bench_import.py [--rows 50000] [--words 40]
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent / "tests"))

import tomli_w  # noqa: E402
from public_csv import write_generated  # noqa: E402

from curator.cli import main  # noqa: E402

LIST_TOML = """\
id = "bench"
title = "Import benchmark"

[docket]
id = "BIS-2026-0001"

[[members]]
id = "chair"
name = "Committee chair"
role = "chair"

[areas.advanced-computing]
title = "Advanced computing"
"""
CONTROLS = ("3A090", "4A906")


def make_list(root: Path) -> Path:
    (root / "controls").mkdir(parents=True)
    (root / "list.toml").write_text(LIST_TOML)
    for control in CONTROLS:
        (root / "controls" / f"{control}.toml").write_text(
            f'id = "{control}"\ntitle = "Control {control}"\narea = "advanced-computing"\n'
            'status = "published"\n'
        )
    return root


def naive_import(source: Path, root: Path) -> int:
    """One TOML file per row, written straight away."""
    count = 0
    with source.open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            folder = root / row["Docket ID"]
            folder.mkdir(parents=True, exist_ok=True)
            data = {
                "tracking_number": row["Tracking Number"],
                "docket": row["Docket ID"],
                "document_id": row["Document ID"],
                "title": row["Title"],
                "posted": row["Posted Date"],
                "submitter": f"{row['First Name']} {row['Last Name']}".strip(),
                "body": row["Comment"],
            }
            (folder / f"{row['Tracking Number']}.toml").write_text(tomli_w.dumps(data))
            count += 1
    return count


def timed(label: str, action) -> float:
    start = time.perf_counter()
    action()
    seconds = time.perf_counter() - start
    print(f"{label:<34} {seconds:8.2f} s", flush=True)
    return seconds


def main_bench(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--words", type=int, default=40, help="length of each generated comment")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="curator-bench-") as temp:
        base = Path(temp)
        source = write_generated(base / "bulk.csv", args.rows, args.words)
        size = source.stat().st_size / 1024 / 1024
        print(f"{args.rows:,} rows, {size:.1f} MiB CSV", flush=True)
        root = make_list(base / "list")
        command = ["comments", "import", str(source), "--list", str(root), "--as", "chair"]

        def curator_import() -> None:
            if main(command) != 0:
                raise SystemExit("curator import reported problems")

        first = timed("curator comments import", curator_import)
        again = timed("curator re-import (all unchanged)", curator_import)
        naive = timed("naive csv + tomli_w", lambda: naive_import(source, base / "naive"))
        print(f"first import / naive: {first / naive:.2f}x")
        print(f"re-import / naive:    {again / naive:.2f}x")
        print(f"rows per second: {args.rows / first:,.0f} first, {args.rows / again:,.0f} again")
    return 0


if __name__ == "__main__":
    raise SystemExit(main_bench())
