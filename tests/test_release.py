"""`curator release VERSION`: chair only, clean tree, passing check, a greater version; writes the
version, a CHANGELOG.md section, a commit by the chair and the annotated tag — all of them or
none: a commit or a tag refused leaves the repository as it was, and a release killed at any
step is finished by the next run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import make_list, run_curator
from gitrepo import CHAIR, LIST_DIR, identity, new_repo

from curator.cli import main
from curator.core import changelog
from curator.core.diff import diff_lists
from curator.store.index.load import load


def _released(tmp_path):
    repo = new_repo(tmp_path / "repo")
    first = repo.curator("release", "1.0", "--as", "chair", "--list", LIST_DIR)
    assert first.code == 0, first.err
    return repo


def test_release_writes_changelog_version_commit_and_tag(tmp_path):
    repo = _released(tmp_path)
    repo.edit("controls/3A090.toml", "tpp >= 4800", "tpp >= 6000")
    repo.edit("controls/3A090.toml", "of 4800 or more", "of 6000 or more")  # text and criteria
    repo.commit("Raise a.1")
    done = repo.curator("release", "1.1", "--as", "chair", "--list", LIST_DIR)
    assert done.code == 0, done.err
    assert "released test-list/v1.1" in done.out
    assert 'version = "1.1"' in repo.lst.read("list.toml")
    log = repo.lst.read("CHANGELOG.md")
    assert log.startswith("# Changelog\n\n## 1.1 — ")
    assert "Compared with test-list/v1.0." in log
    loosened = log.index("### Loosened")
    assert "**3A090** Integrated circuits for advanced computing" in log[loosened:]
    assert "releases ascend-910b, rtx-4090" in log
    assert log.index("## 1.1") < log.index("## 1.0")
    assert repo.git("status", "--porcelain").stdout == ""
    assert repo.git("cat-file", "-t", "test-list/v1.1").stdout.strip() == "tag"
    author = repo.git("log", "-1", "--format=%an <%ae>").stdout.strip()
    assert author == "Committee chair <chair@example.org>"
    tagged = repo.git("rev-parse", "test-list/v1.1^{commit}").stdout
    assert tagged == repo.git("rev-parse", "HEAD").stdout
    assert repo.curator("check", "--list", LIST_DIR).code == 0
    assert repo.curator("fmt", "--check", "--list", LIST_DIR).code == 0


def test_release_message_is_used_for_commit_and_tag(tmp_path):
    repo = new_repo(tmp_path / "repo")
    done = repo.curator("release", "1.0", "--as", "chair", "-m", "First list", "--list", LIST_DIR)
    assert done.code == 0, done.err
    assert repo.git("log", "-1", "--format=%s").stdout.strip() == "First list"
    assert "First list" in repo.git("tag", "-n1", "test-list/v1.0").stdout
    assert "First release." in repo.lst.read("CHANGELOG.md")


def test_release_refuses_a_dirty_tree(tmp_path):
    repo = _released(tmp_path)
    repo.edit("controls/3A090.toml", "tpp >= 4800", "tpp >= 6000")
    before = repo.lst.snapshot()
    done = repo.curator("release", "1.1", "--as", "chair", "--list", LIST_DIR)
    assert done.code == 1
    assert "uncommitted changes" in done.err
    assert f"{LIST_DIR}/controls/3A090.toml" in done.err
    assert repo.lst.snapshot() == before
    assert repo.git("tag", "--list", "test-list/v1.1").stdout == ""


def test_release_refuses_an_untracked_file_in_the_list(tmp_path):
    repo = _released(tmp_path)
    repo.lst.write("catalogue/new-chip.toml", 'id = "new-chip"\n')
    done = repo.curator("release", "1.1", "--as", "chair", "--list", LIST_DIR)
    assert done.code == 1
    assert "uncommitted changes" in done.err


def test_release_refuses_a_version_not_greater_than_the_last(tmp_path):
    repo = _released(tmp_path)
    for version in ("1.0", "0.9", "1.0.0"):
        done = repo.curator("release", version, "--as", "chair", "--list", LIST_DIR)
        assert done.code == 1, version
        assert "not greater than the last release 1.0" in done.err


def test_versions_compare_numerically(tmp_path):
    repo = new_repo(tmp_path / "repo")
    assert repo.curator("release", "1.9", "--as", "chair", "--list", LIST_DIR).code == 0
    done = repo.curator("release", "1.10", "--as", "chair", "--list", LIST_DIR)
    assert done.code == 0, done.err


def test_release_refuses_a_version_that_is_not_dotted_numbers(tmp_path):
    repo = new_repo(tmp_path / "repo")
    done = repo.curator("release", "v2", "--as", "chair", "--list", LIST_DIR)
    assert done.code == 2
    assert "not a version" in done.err


def test_release_refuses_a_member_who_is_not_the_chair(tmp_path):
    repo = new_repo(tmp_path / "repo")
    done = repo.curator("release", "1.0", "--as", "industry-1", "--list", LIST_DIR)
    assert done.code == 1
    assert "only the chair" in done.err
    assert repo.git("tag").stdout == ""


def test_release_recognises_the_chair_by_git_email(tmp_path):
    repo = new_repo(tmp_path / "repo")
    repo.git("config", "user.email", "chair@example.org")
    repo.git("config", "user.name", "Committee chair")
    done = run_curator("release", "1.0", "--list", LIST_DIR, cwd=repo.top)
    assert done.code == 0, done.err
    assert repo.git("log", "-1", "--format=%ae").stdout.strip() == "chair@example.org"


def test_release_refuses_a_failing_check(tmp_path):
    repo = new_repo(tmp_path / "repo")
    repo.edit("controls/3A090.toml", 'area = "advanced-computing"', 'area = "nowhere"')
    repo.commit("break the area")
    before = repo.lst.snapshot()
    done = repo.curator("release", "2.0", "--as", "chair", "--list", LIST_DIR)
    assert done.code == 1
    assert "`curator check` finds 1 problem" in done.err
    assert repo.lst.snapshot() == before
    assert repo.git("tag").stdout == ""


def test_changelog_section_groups_by_effect(tmp_path):
    old = make_list(tmp_path / "old")
    new = make_list(tmp_path / "new")
    text = new.read("controls/3A090.toml")
    lowered = text.replace("tpp >= 1600", "tpp >= 1000").replace(">= 5.92", ">= 2")
    new.write("controls/3A090.toml", lowered)
    new.write("controls/3A091.toml", text.replace('"3A090"', '"3A091"'))
    new.write("controls/3A092.toml", text.replace('"3A090"', '"3A092"').replace("A 't", "The t"))
    (old.root / "controls/3A092.toml").write_text(
        new.read("controls/3A091.toml").replace("3A091", "3A092")
    )
    result = diff_lists(load(old.root), load(new.root), "test-list/v1.0", "1.1")
    section = changelog.section(result, "1.1", "2026-12-01", "test-list/v1.0")
    assert section.startswith("## 1.1 — 2026-12-01\n\nCompared with test-list/v1.0.\n")
    assert section.index("### Tightened") < section.index("### Added")
    assert "- **3A091** Integrated circuits for advanced computing: newly captures a100" in section
    tightened = section[section.index("### Tightened") : section.index("### Added")]
    assert "**3A090**" in tightened and "newly captures h20" in tightened
    editorial = section[section.index("### Editorial") :]
    assert "**3A092**" in editorial


def test_prepend_keeps_older_sections_below(tmp_path):
    first = changelog.prepend("", "## 1.0 — 2026-01-01\n\nFirst release.\n")
    second = changelog.prepend(first, "## 1.1 — 2026-02-01\n\nCompared with x.\n")
    assert second.count("# Changelog") == 1
    assert second.index("## 1.1") < second.index("## 1.0")


def test_release_as_the_chair_by_someone_else_is_refused(tmp_path):
    repo = new_repo(tmp_path / "repo")
    before = repo.lst.snapshot()
    head = repo.git("rev-parse", "HEAD").stdout
    member = identity("Industry member 1", "industry-1@example.org")
    done = repo.curator("release", "1.0", "--as", "chair", "--list", LIST_DIR, env=member)
    assert done.code == 1
    assert "you act as chair <chair@example.org>" in done.err
    assert "git here writes commits and tags as <industry-1@example.org>" in done.err
    assert repo.lst.snapshot() == before
    assert repo.git("rev-parse", "HEAD").stdout == head
    assert repo.git("tag").stdout == ""


# ---------------------------------------------------------------- whole or not at all

HOOK_REFUSES = '#!/bin/sh\necho "pre-commit: refused by the committee\'s policy" >&2\nexit 1\n'
TAGS_REFUSED = """#!/bin/sh
[ "$1" = prepared ] || exit 0
while read -r old new ref; do
  case "$ref" in refs/tags/*) echo "tags are frozen this week" >&2; exit 1;; esac
done
"""


def _hook(repo, name: str, script: str) -> Path:
    path = repo.top / ".git" / "hooks" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(script)
    path.chmod(0o755)
    return path


def _state(repo) -> tuple:
    """Everything a release may touch: the list's files, HEAD, the index, the tags."""
    return (
        repo.lst.snapshot(),
        repo.git("rev-parse", "HEAD").stdout,
        repo.git("status", "--porcelain").stdout,
        repo.git("diff", "--cached", "--name-only").stdout,
        repo.git("tag").stdout,
    )


def _released_once(repo, version: str = "1.1", head: str | None = None) -> None:
    """`version` released exactly once: one commit on `head`, tagged, one CHANGELOG section."""
    tag = f"test-list/v{version}"
    assert repo.git("rev-parse", f"{tag}^{{commit}}").stdout == repo.git("rev-parse", "HEAD").stdout
    if head is not None:
        assert repo.git("rev-parse", "HEAD^").stdout.strip() == head
    assert repo.lst.read("CHANGELOG.md").count(f"## {version} — ") == 1
    assert f'version = "{version}"' in repo.lst.read("list.toml")
    assert repo.git("status", "--porcelain").stdout == ""
    assert not list((repo.top / ".git").glob("curator-release-*"))


def _changed(repo) -> str:
    repo.edit("controls/3A090.toml", "tpp >= 4800", "tpp >= 6000")
    repo.edit("controls/3A090.toml", "of 4800 or more", "of 6000 or more")  # text and criteria
    return repo.commit("Raise a.1")


def _lock_tag(repo) -> Path:
    lock = repo.top / ".git/refs/tags/test-list/v1.1.lock"  # as another git would leave it
    lock.write_text("")
    return lock


REFUSALS = {
    "a pre-commit hook refuses the commit": (
        lambda repo: _hook(repo, "pre-commit", HOOK_REFUSES),
        "the release commit was not made: git commit: pre-commit: refused by the committee's",
    ),
    "a lock refuses the tag": (_lock_tag, "the tag test-list/v1.1 was refused"),
    "a reference-transaction hook refuses the tag": (
        lambda repo: _hook(repo, "reference-transaction", TAGS_REFUSED),
        "the tag test-list/v1.1 was refused",
    ),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_a_refused_commit_or_tag_leaves_the_repository_as_it_was(tmp_path, case):
    block, message = REFUSALS[case]
    repo = _released(tmp_path)
    head = _changed(repo)
    blocker = block(repo)
    before = _state(repo)
    done = repo.curator("release", "1.1", "--as", "chair", "--list", LIST_DIR)
    assert done.code == 1
    assert message in done.err
    assert "nothing was released" in done.err
    assert _state(repo) == before  # nothing staged either: the next commit carries nothing
    blocker.unlink()
    assert repo.curator("release", "1.1", "--as", "chair", "--list", LIST_DIR).code == 0
    _released_once(repo, head=head)


def test_a_full_disk_during_the_commit_is_blamed_on_the_commit(tmp_path, monkeypatch, capsys):
    # git is made to fail by a hook (a disk cannot be filled here); the disk is still full when
    # the release puts list.toml back
    from test_faults import Faults

    repo = _released(tmp_path)
    head = _changed(repo)
    hook = _hook(
        repo, "pre-commit", "#!/bin/sh\necho 'fatal: No space left on device' >&2\nexit 1\n"
    )
    for name, value in CHAIR.items():
        monkeypatch.setenv(name, value)
    argv = ["--list", str(repo.root), "release", "1.1", "--as", "chair"]
    with monkeypatch.context() as m:
        Faults(m, "disk-full", 4, (repo.top,))  # the note, list.toml, CHANGELOG.md: then back
        assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("curator: the release commit was not made: git commit: ")
    assert "No space left on device" in err
    assert "list.toml: cannot write" in err and "could not be put back yet" in err
    assert repo.git("rev-parse", "HEAD").stdout.strip() == head
    assert repo.git("tag").stdout == "test-list/v1.0\n"
    hook.unlink()  # room again: the next run puts back what was left, then releases
    assert main(argv) == 0
    _released_once(repo, head=head)


KILLED_AT = """
import os, sys
from curator.store.git import plumbing
where = os.environ["CURATOR_KILL_AT"]
real_commit, real_tag = plumbing.commit_files, plumbing.annotated_tag

def commit_files(*args, **kwargs):
    if where == "before the commit":
        os._exit(137)
    return real_commit(*args, **kwargs)

def annotated_tag(*args, **kwargs):
    if where == "after the commit":
        os._exit(137)
    real_tag(*args, **kwargs)
    if where == "after the tag":
        os._exit(137)

plumbing.commit_files, plumbing.annotated_tag = commit_files, annotated_tag
from curator.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _killed(repo, where: str, version: str = "1.1") -> int:
    env = {**os.environ, **CHAIR, "CURATOR_KILL_AT": where}
    argv = ["--list", str(repo.root), "release", version, "--as", "chair"]
    done = subprocess.run(
        [sys.executable, "-c", KILLED_AT, *argv],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode


@pytest.mark.parametrize("where", ["before the commit", "after the commit", "after the tag"])
def test_a_release_killed_part_way_is_finished_by_the_next_run(tmp_path, where):
    repo = _released(tmp_path)
    head = _changed(repo)
    assert _killed(repo, where) == 137
    if where != "before the commit":
        assert repo.git("rev-parse", "HEAD^").stdout.strip() == head  # committed
    done = repo.curator("release", "1.1", "--as", "chair", "--list", LIST_DIR)
    assert done.code == 0, done.err
    assert "released test-list/v1.1" in done.out
    _released_once(repo, head=head)  # one commit, one section: not a second of each


def test_a_release_killed_after_its_commit_is_finished_before_another(tmp_path):
    repo = _released(tmp_path)
    _changed(repo)
    assert _killed(repo, "after the commit") == 137
    done = repo.curator("release", "1.2", "--as", "chair", "--list", LIST_DIR)
    assert done.code == 1
    assert "run `curator release 1.1` to finish it first" in done.err
    assert repo.curator("release", "1.1", "--as", "chair", "--list", LIST_DIR).code == 0


def test_a_file_changed_after_a_killed_release_wrote_it_is_not_undone(tmp_path):
    repo = _released(tmp_path)
    _changed(repo)
    assert _killed(repo, "before the commit") == 137
    path = repo.root / "list.toml"
    path.write_text(path.read_text() + "# a note of mine\n")
    kept = path.read_bytes()
    done = repo.curator("release", "1.1", "--as", "chair", "--list", LIST_DIR)
    assert done.code == 1
    assert f"{LIST_DIR}/list.toml was changed after the release wrote it; not undone" in done.err
    assert path.read_bytes() == kept
