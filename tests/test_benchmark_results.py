"""benchmarks/run.py prints its figures and writes the tracked RESULTS.md only when asked."""

from __future__ import annotations

import importlib.util
import shutil
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


def test_a_list_of_another_shape_is_named_with_its_shape(tmp_path):
    args = run.arguments(["/tmp/scale", "--shape", f"controls-heavy={tmp_path}"])
    assert args.shape == [("controls-heavy", tmp_path)]
    assert run.arguments(["/tmp/scale"]).shape == []


def test_a_shape_that_is_not_named_in_generate_py_is_refused(capsys):
    for wrong in ("wide=/tmp/x", "default=/tmp/x", "controls-heavy"):
        try:
            run.arguments(["/tmp/scale", "--shape", wrong])
        except SystemExit as exited:
            assert exited.code == 2
        else:
            raise AssertionError(f"--shape {wrong} was accepted")
    assert "is not NAME=LIST" in capsys.readouterr().err


def test_each_shape_has_its_own_table_in_the_report(tmp_path):
    (tmp_path / "list.toml").write_text('id = "x"\n')
    b = run.Bench(tmp_path, 5, 3, 0.05, tmp_path, {"controls-heavy": tmp_path})
    cold = run.Timing(1.0, 1.5)
    naive = {"default": run.Timing(30.0, 30.0), "controls-heavy": run.Timing(8.0, 8.0)}
    b.figures = [
        run.Figure("check, cold", cold, naive[shape], "naive", "≤ 0.15 × naive", 0.15, shape=shape)
        for shape in ("default", "controls-heavy")
    ]
    text = run.report(b, run.dt.datetime(2026, 12, 7, 5, 0), ("1 1 1", "1 1 1"), "1 file")
    default, _, heavy = text.partition("## Figures: the controls-heavy shape")
    assert "| check, cold | 1.000 s (CPU 1.500 s) | 30.000 s" in default
    assert "| 0.033 |" in default and "0.125" not in default
    assert "10,000 controls, 20,000 comments, 1,000 public comments" in heavy
    assert "| check, cold | 1.000 s (CPU 1.500 s) | 8.000 s" in heavy
    assert "| 0.125 |" in heavy and "0.033" not in heavy


async def test_the_tui_probe_measures_the_app_it_benchmarks(tmp_path):
    # the probe drives the real app through its public state: a rename there must fail here,
    # not half-way through a full benchmark run
    lst = tmp_path / "list"
    shutil.copytree(Path(__file__).resolve().parent.parent / "lists" / "emerging-tech", lst)
    found = await run.probe_curator(lst)
    assert found["first"] > 0 and found["complete"] >= found["first"]
    assert found["keys"]  # every filter keystroke repainted the table
