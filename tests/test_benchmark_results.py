"""benchmarks/run.py prints its figures and writes the tracked RESULTS.md only when asked."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

RUN = Path(__file__).resolve().parent.parent / "benchmarks" / "run.py"
spec = importlib.util.spec_from_file_location("benchmarks_run", RUN)
assert spec is not None and spec.loader is not None
run = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = run  # its dataclasses look their module up
spec.loader.exec_module(run)

REPORT = "# Benchmark results\n\n| figure | curator |\n|---|---|\n| check | 1.0 s |\n"


def test_results_are_written_only_with_write_results():
    assert run.arguments(["/tmp/scale"]).write_results is False
    assert run.arguments(["/tmp/scale", "--write-results"]).write_results is True


def test_without_a_file_the_results_are_printed_and_results_md_is_left_alone(capsys):
    tracked = run.RESULTS.read_bytes()
    run.deliver(REPORT, None)
    shown = capsys.readouterr()
    assert REPORT in shown.out
    assert "--write-results" in shown.err
    assert run.RESULTS.read_bytes() == tracked


def test_written_results_keep_the_notes_below_them(tmp_path, capsys):
    results = tmp_path / "RESULTS.md"
    results.write_text(f"# Old figures\n\n{run.NOTES}\n\nWhy the diff was slow.\n")
    run.deliver(REPORT, results)
    assert results.read_text() == f"{REPORT}\n{run.NOTES}\n\nWhy the diff was slow.\n"
    assert REPORT in capsys.readouterr().out
