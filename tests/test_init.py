"""`curator init DIR`: a new list repository that passes check and fmt --check from the start."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import run_curator
from gitrepo import CHAIR, git

from curator.store.load import load

PROJECT = Path(__file__).resolve().parents[1]


def test_init_creates_a_valid_canonical_list_in_a_new_repository(tmp_path):
    folder = tmp_path / "quantum-list"
    done = run_curator("init", str(folder), "--title", "Quantum controls")
    assert done.code == 0, done.err
    assert (folder / ".git").is_dir()
    loaded = load(folder)
    assert loaded.problems == ()
    assert (loaded.manifest.id, loaded.manifest.title) == ("quantum-list", "Quantum controls")
    chair = loaded.manifest.chair
    assert (chair.id, chair.email) == ("chair", "chair@example.org")
    for sub in ("controls", "catalogue", "discussion", "public-comments"):
        assert (folder / sub / ".gitkeep").is_file()
    assert run_curator("check", "--list", str(folder)).code == 0
    assert run_curator("fmt", "--check", "--list", str(folder)).code == 0


def test_init_writes_attributes_hooks_and_ci(tmp_path):
    folder = tmp_path / "list"
    assert run_curator("init", str(folder), "--id", "dual-use").code == 0
    attributes = (folder / ".gitattributes").read_text()
    assert "/controls/*.toml merge=curator diff=curator" in attributes
    assert "/list.toml merge=curator diff=curator" in attributes
    hooks = (folder / ".pre-commit-config.yaml").read_text()
    assert "id: curator-check" in hooks and "id: curator-fmt" in hooks
    workflow = (folder / ".github" / "workflows" / "curator.yml").read_text()
    assert "curator check --list ." in workflow
    assert "curator fmt --check --list ." in workflow
    used = git(folder, "check-attr", "merge", "--", "controls/3A090.toml").stdout
    assert "merge: curator" in used


def test_init_list_can_be_committed_and_released(tmp_path):
    folder = tmp_path / "list"
    assert run_curator("init", str(folder), "--id", "dual-use").code == 0
    git(folder, "add", "-A")
    git(folder, "commit", "--quiet", "-m", "New list")
    done = run_curator("release", "0.1", "--as", "chair", "--list", str(folder), env=CHAIR)
    assert done.code == 0, done.err
    assert git(folder, "tag").stdout.split() == ["dual-use/v0.1"]


def test_init_inside_a_repository_uses_it(tmp_path):
    top = tmp_path / "repo"
    top.mkdir()
    git(top, "init", "--quiet")
    done = run_curator("init", str(top / "lists" / "new-list"))
    assert done.code == 0, done.err
    assert not (top / "lists" / "new-list" / ".git").exists()
    assert "lists/**/controls/*.toml merge=curator" in (top / ".gitattributes").read_text()
    workflow = (top / ".github" / "workflows" / "curator.yml").read_text()
    assert "curator check --list lists/new-list" in workflow


def test_init_hooks_run_the_installed_curator_on_that_list_only(tmp_path):
    top = tmp_path / "repo"
    top.mkdir()
    git(top, "init", "--quiet")
    assert run_curator("init", str(top / "lists" / "new-list")).code == 0
    config = (top / ".pre-commit-config.yaml").read_text()
    assert "repo: local" in config and "http" not in config.replace("https://pre-commit.com", "")
    entries = re.findall(r"entry: (.+)", config)
    assert entries == ["curator check --list lists/new-list", "curator fmt --list lists/new-list"]
    for entry in entries:  # what pre-commit runs, from the repository's top
        assert run_curator(*entry.split()[1:], cwd=top).code == 0
    (files,) = set(re.findall(r"files: (.+)", config))
    assert re.match(files, "lists/new-list/controls/3A090.toml")
    assert not re.match(files, "lists/other/controls/3A090.toml")


def test_init_refuses_a_folder_that_already_has_a_list(tmp_path):
    folder = tmp_path / "list"
    folder.mkdir()
    (folder / "list.toml").write_text('id = "x"\ntitle = "X"\n')
    done = run_curator("init", str(folder))
    assert done.code == 1
    assert "already holds a list" in done.err
    assert (folder / "list.toml").read_text() == 'id = "x"\ntitle = "X"\n'
    assert not (folder / ".git").exists()


def test_init_refuses_an_id_that_cannot_be_a_list_id(tmp_path):
    done = run_curator("init", str(tmp_path / "list"), "--id", "Not An Id")
    assert done.code == 2
    assert "not a valid list id" in done.err


def test_this_project_provides_the_hooks_it_configures():
    hooks = (PROJECT / ".pre-commit-hooks.yaml").read_text()
    assert "- id: curator-check\n" in hooks and "entry: curator check\n" in hooks
    assert "- id: curator-fmt\n" in hooks and "entry: curator fmt\n" in hooks
