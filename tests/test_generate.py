"""benchmarks/generate.py: a small generated list is valid, canonical, realistic and repeatable."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

GENERATE = Path(__file__).resolve().parent.parent / "benchmarks" / "generate.py"
spec = importlib.util.spec_from_file_location("benchmarks_generate", GENERATE)
assert spec is not None and spec.loader is not None
generator = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = generator  # its dataclasses look their module up
spec.loader.exec_module(generator)
SIZES = ["--controls", "50", "--comments", "400", "--public-comments", "150", "--items", "40"]


def generate(out: Path, seed: int = 1, *extra: str) -> Path:
    done = subprocess.run(
        [sys.executable, str(GENERATE), str(out), *SIZES, "--seed", str(seed), *extra],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return out


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=True
    ).stdout.strip()


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    return generate(tmp_path_factory.mktemp("generated") / "list")


@pytest.fixture(autouse=True)
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-home"))


def test_the_generated_list_passes_check(generated, curator):
    done = curator("check", "--list", str(generated), "--format", "json")
    assert done.code == 0, done.out
    report = json.loads(done.out)
    assert report["ok"] and report["problems"] == []
    assert report["files"] == 1 + 50 + 40 + 400 + 150


def test_the_generated_list_is_canonical(generated, curator):
    done = curator("fmt", "--check", "--list", str(generated))
    assert done.code == 0, done.out + done.err


def test_it_has_the_files_asked_for_and_a_clean_working_tree(generated):
    count = lambda pattern: len(list(generated.glob(pattern)))  # noqa: E731
    assert count("controls/*.toml") == 50
    assert count("catalogue/*.toml") == 40
    assert count("discussion/*/*.toml") == 400
    assert count("public-comments/*/*.toml") == 150
    assert git(generated, "status", "--porcelain") == ""


def test_ids_are_eccn_shaped_across_categories_and_groups(generated):
    ids = [p.stem for p in (generated / "controls").glob("*.toml")]
    assert len({i[0] for i in ids}) >= 5
    assert len({i[1] for i in ids}) >= 3


def test_the_history_has_releases_authors_and_a_final_change(generated, curator):
    commits = git(generated, "rev-list", "--count", "HEAD")
    assert int(commits) >= 100
    assert git(generated, "tag", "--list").split() == ["scale/v1.0", "scale/v2.0"]
    assert git(generated, "cat-file", "-t", "scale/v2.0") == "tag"  # annotated
    authors = set(git(generated, "log", "--format=%ae").split())
    assert "chair@example.org" in authors and len(authors) > 5
    done = curator("diff", "scale/v2.0", "HEAD", "--list", str(generated), "--format", "json")
    assert done.code == 0, done.err
    changed = json.loads(done.out)["controls"]
    assert 0 < len(changed) <= 50
    assert all(c["change"] == "modified" for c in changed)


def test_every_comment_was_committed_by_its_author(generated, curator):
    done = curator("verify", "--list", str(generated))
    assert done.code == 0, done.out + done.err


def test_the_same_seed_gives_the_same_repository(generated, tmp_path):
    again = generate(tmp_path / "again")
    assert git(again, "rev-parse", "HEAD") == git(generated, "rev-parse", "HEAD")
    other = generate(tmp_path / "other", 2)
    assert git(other, "rev-parse", "HEAD") != git(generated, "rev-parse", "HEAD")


def test_it_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    done = subprocess.run(
        [sys.executable, str(GENERATE), str(tmp_path / "full"), "--controls", "5"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "not empty" in done.stderr


def sizes(args) -> tuple[int, int, int, int]:
    return (args.controls, args.comments, args.public_comments, args.items)


def test_the_default_shape_has_the_sizes_the_published_figures_were_measured_on(tmp_path):
    assert sizes(generator.arguments([str(tmp_path / "out")])) == (10000, 100000, 50000, 1000)


def test_the_controls_heavy_shape_has_the_same_controls_and_little_said(tmp_path):
    args = generator.arguments([str(tmp_path / "out"), "--shape", "controls-heavy"])
    assert sizes(args) == (10000, 20000, 1000, 1000)


def test_a_size_given_overrides_the_shapes(tmp_path):
    args = generator.arguments(
        [str(tmp_path / "out"), "--shape", "controls-heavy", "--comments", "7", "--items", "3"]
    )
    assert sizes(args) == (10000, 7, 1000, 3)


def test_an_unknown_shape_is_refused(tmp_path, capsys):
    with pytest.raises(SystemExit) as exited:
        generator.arguments([str(tmp_path / "out"), "--shape", "wide"])
    assert exited.value.code == 2
    assert "controls-heavy" in capsys.readouterr().err
