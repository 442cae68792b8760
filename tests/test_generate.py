"""benchmarks/generate.py: a small generated list is valid, canonical, realistic and repeatable."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

GENERATE = Path(__file__).resolve().parent.parent / "benchmarks" / "generate.py"
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
