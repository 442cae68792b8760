"""`curator sync` with real git: two clones of a bare remote, members working side by side."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from conftest import ListDir, make_list


def git(repo: Path, *args: str, email: str = "chair@example.org", check: bool = True) -> str:
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": email.split("@")[0],
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": email.split("@")[0],
        "GIT_COMMITTER_EMAIL": email,
    }
    done = subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=check
    )
    return done.stdout.strip()


MEMBERS = {"industry-1": "Industry member 1", "academia-1": "Academic member 1"}


def be(repo: Path, member: str) -> None:
    """Git in `repo` commits as `member`, as in that member's own clone."""
    git(repo, "config", "user.name", MEMBERS[member])
    git(repo, "config", "user.email", f"{member}@example.org")


@pytest.fixture
def clones(tmp_path: Path) -> tuple[ListDir, ListDir, Path]:
    """A bare remote holding the list, and two members' clones of it: alice's, where git
    commits as industry-1, and bob's, where it commits as academia-1."""
    seed = make_list(tmp_path / "seed")
    git(seed.root, "init", "--quiet", "-b", "main")
    git(seed.root, "add", "--all")
    git(seed.root, "commit", "--quiet", "-m", "the list")
    remote = tmp_path / "remote.git"
    git(tmp_path, "clone", "--quiet", "--bare", str(seed.root), str(remote))
    for name, member in (("alice", "industry-1"), ("bob", "academia-1")):
        git(tmp_path, "clone", "--quiet", str(remote), str(tmp_path / name))
        be(tmp_path / name, member)
    return ListDir(tmp_path / "alice"), ListDir(tmp_path / "bob"), remote


@pytest.fixture
def run(curator, tmp_path):
    """The CLI with no global git configuration: identity comes from --as and list.toml only."""
    home = tmp_path / "home"
    home.mkdir()
    env = {"HOME": str(home), "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}

    def call(lst: ListDir, *args: str, extra: dict | None = None):
        return curator(*args, "--list", str(lst.root), env={**env, **(extra or {})})

    return call


def comment(run, lst, member, text):
    done = run(lst, "comment", "3A090", "-m", text, "--as", member)
    assert done.code == 0, done.err
    return done.out.strip()


def test_members_comment_concurrently_and_sync_without_conflict(clones, run):
    alice, bob, remote = clones
    mine = comment(run, alice, "industry-1", "Too tight for gaming cards.")
    theirs = comment(run, bob, "academia-1", "Too loose: the A800 slips through.")
    first = run(alice, "sync", "--as", "industry-1")
    assert first.code == 0, first.err
    second = run(bob, "sync", "--as", "academia-1")
    assert second.code == 0, second.err
    assert "received 1 commit from origin/main" in second.out and "pushed 1 commit" in second.out
    third = run(alice, "sync", "--as", "industry-1")
    assert third.code == 0, third.err
    for clone in (alice, bob):
        assert (clone.root / mine).is_file() and (clone.root / theirs).is_file()
    assert git(remote, "log", "--format=%ae", "main").splitlines() == [
        "academia-1@example.org",
        "industry-1@example.org",
        "chair@example.org",
    ]
    verified = run(alice, "verify")
    assert verified.code == 0, verified.out + verified.err


def test_sync_commits_as_the_acting_member(clones, run):
    alice, _, remote = clones
    comment(run, alice, "industry-1", "A note.")
    assert run(alice, "sync", "--as", "industry-1").code == 0
    author = git(remote, "log", "-1", "--format=%an <%ae>|%cn <%ce>|%s", "main")
    assert author == (
        "Industry member 1 <industry-1@example.org>|Industry member 1 <industry-1@example.org>|"
        "industry-1: comment on 3A090"
    )


def test_sync_says_a_new_control_is_added_and_a_changed_one_edited(clones, run):
    alice, _, remote = clones
    new = ("new", "3A092", "--title", "Another", "--area", "advanced-computing")
    made = run(alice, *new, "--as", "industry-1")
    assert made.code == 0, made.err
    text = alice.read("controls/3A090.toml")
    alice.write("controls/3A090.toml", text.replace('\ntitle = "', '\ntitle = "Edited: ', 1))
    assert run(alice, "sync", "--as", "industry-1").code == 0, "sync"
    assert git(remote, "log", "-1", "--format=%s", "main") == "industry-1: add 3A092; edit 3A090"


def test_sync_uses_the_message_given(clones, run):
    alice, _, remote = clones
    comment(run, alice, "industry-1", "A note.")
    assert run(alice, "sync", "-m", "My view on 3A090", "--as", "industry-1").code == 0
    assert git(remote, "log", "-1", "--format=%s", "main") == "My view on 3A090"


def test_sync_with_nothing_to_commit_still_pulls(clones, run):
    alice, bob, _ = clones
    mine = comment(run, alice, "industry-1", "A note.")
    assert run(alice, "sync", "--as", "industry-1").code == 0
    done = run(bob, "sync", "--as", "observer-1")
    assert done.code == 0, done.err
    assert "nothing to commit" in done.out
    assert (bob.root / mine).is_file()


def test_an_observer_cannot_commit_and_nothing_is_staged(clones, run):
    alice, _, _ = clones
    alice.write("notes.md", "draft notes\n")
    done = run(alice, "sync", "--as", "observer-1")
    assert done.code == 1
    assert "observers read but do not write" in done.err
    assert git(alice.root, "status", "--porcelain") == "?? notes.md"


def test_a_conflict_stops_cleanly_and_says_what_to_do(clones, run):
    alice, bob, _ = clones
    for clone, words in ((alice, "Chips above 2023 thresholds."), (bob, "Chips, revised.")):
        text = clone.read("controls/3A090.toml")
        clone.write(
            "controls/3A090.toml",
            text.replace("Advanced computing chips above the October 2023 thresholds.", words),
        )
    assert run(alice, "sync", "--as", "industry-1").code == 0
    head_before = git(bob.root, "rev-parse", "HEAD")
    done = run(bob, "sync", "--as", "academia-1")
    assert done.code == 1
    assert "Traceback" not in done.err
    assert "controls/3A090.toml" in done.err
    assert "git rebase --continue" in done.err
    assert "git rebase --abort" in done.err
    # left as git left it: mid-rebase, with the conflict in the file
    assert (bob.root / ".git" / "rebase-merge").is_dir()
    assert "<<<<<<<" in bob.read("controls/3A090.toml")
    again = run(bob, "sync", "--as", "academia-1")
    assert again.code == 1
    assert "a rebase is in progress" in again.err
    git(bob.root, "rebase", "--abort")
    assert git(bob.root, "rev-parse", "HEAD") != head_before  # bob's commit, kept
    assert "Chips, revised." in bob.read("controls/3A090.toml")


def test_sync_without_an_upstream_commits_only(tmp_path, run):
    lst = make_list(tmp_path / "solo")
    git(lst.root, "init", "--quiet", "-b", "main")
    git(lst.root, "add", "--all")
    git(lst.root, "commit", "--quiet", "-m", "the list")
    be(lst.root, "academia-1")
    comment(run, lst, "academia-1", "A note.")
    done = run(lst, "sync", "--as", "academia-1")
    assert done.code == 0, done.err
    assert "no upstream" in done.out
    assert git(lst.root, "status", "--porcelain") == ""
    assert git(lst.root, "log", "-1", "--format=%ae") == "academia-1@example.org"


def test_sync_commits_only_the_lists_own_files(tmp_path, run):
    repo = tmp_path / "repo"
    lst = make_list(repo / "lists" / "test-list")
    git(repo, "init", "--quiet", "-b", "main")
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", "the list")
    be(repo, "academia-1")
    (repo / "README.md").write_text("unrelated work in progress\n")
    comment(run, lst, "academia-1", "A note.")
    assert run(lst, "sync", "--as", "academia-1").code == 0
    assert git(repo, "status", "--porcelain") == "?? README.md"


def test_sync_outside_git_says_so(lst, run):
    done = run(lst, "sync", "--as", "chair")
    assert done.code == 2
    assert "not inside a git repository" in done.err


# ---------------------------------------------------------------- check before pushing


def test_sync_refuses_a_list_that_fails_check(clones, run):
    alice, _, remote = clones
    alice.write("controls/3A090.toml", alice.read("controls/3A090.toml") + "x\n")
    head = git(alice.root, "rev-parse", "HEAD")
    done = run(alice, "sync", "--as", "industry-1")
    assert done.code == 1
    assert "`curator check` finds 1 problem" in done.err
    assert "controls/3A090.toml:" in done.err  # the problem itself, with its place
    assert "--force-unchecked" in done.err
    assert git(alice.root, "rev-parse", "HEAD") == head
    assert git(remote, "rev-parse", "main") == head
    assert git(alice.root, "status", "--porcelain") == "M controls/3A090.toml"


def test_sync_past_checks_problems_says_so_in_the_commit(clones, run):
    alice, _, remote = clones
    alice.write("controls/3A090.toml", alice.read("controls/3A090.toml") + "x\n")
    done = run(alice, "sync", "--as", "industry-1", "--force-unchecked")
    assert done.code == 0, done.err
    assert "committed with 1 problem that `curator check` finds" in done.out
    message = git(remote, "log", "-1", "--format=%B", "main")
    assert message.splitlines()[-1] == "Curator-Unchecked: 1 problem"


def test_sync_does_not_push_what_fails_check_once_rebased(clones, run):
    alice, bob, remote = clones
    # bob proposes an amendment to paragraph a.2 while alice removes that paragraph
    done = run(
        bob, "comment", "3A090", "-m", "Tighter.", "--as", "academia-1",
        "--amend-item", "a.2", "--amend-match", "tpp >= 2000",
    )  # fmt: skip
    assert done.code == 0, done.err
    text = alice.read("controls/3A090.toml")
    alice.write("controls/3A090.toml", text[: text.rindex("[[items]]")].rstrip() + "\n")
    assert run(alice, "sync", "--as", "industry-1").code == 0
    pushed = git(remote, "rev-parse", "main")
    done = run(bob, "sync", "--as", "academia-1")
    assert done.code == 1
    assert "after pulling 1 commit from origin/main" in done.err
    assert "3A090 has no paragraph 'a.2'" in done.err
    assert git(remote, "rev-parse", "main") == pushed


# ---------------------------------------------------------------- whose changes, whose name


def test_sync_commits_only_the_syncing_members_comments(clones, run):
    alice, _, remote = clones
    mine = comment(run, alice, "industry-1", "Mine.")
    theirs = comment(run, alice, "academia-1", "Written in alice's clone.")
    done = run(alice, "sync", "--as", "industry-1")
    assert done.code == 0, done.err
    assert f"left out {theirs}: academia-1's comment" in done.out
    assert git(remote, "show", "--name-only", "--format=", "main").splitlines() == [mine]
    assert git(alice.root, "status", "--porcelain") == f"?? {theirs}"
    assert run(alice, "verify", "origin/main").code == 0


def test_sync_as_another_member_is_refused(clones, run):
    alice, _, remote = clones
    text = alice.read("controls/3A090.toml").replace('status = "proposed"', 'status = "draft"')
    alice.write("controls/3A090.toml", text)
    head = git(remote, "rev-parse", "main")
    done = run(alice, "sync", "--as", "chair")  # git in alice's clone commits as industry-1
    assert done.code == 1
    assert "you act as chair <chair@example.org>" in done.err
    assert "as <industry-1@example.org>" in done.err
    assert git(alice.root, "status", "--porcelain") == "M controls/3A090.toml"
    assert git(remote, "rev-parse", "main") == head


def test_sync_without_a_git_identity_says_how_to_set_one(tmp_path, run):
    lst = make_list(tmp_path / "solo")
    git(lst.root, "init", "--quiet", "-b", "main")
    git(lst.root, "add", "--all")
    git(lst.root, "commit", "--quiet", "-m", "the list")
    comment(run, lst, "academia-1", "A note.")
    only_config = {  # git may not guess an email from the host: only user.email counts
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": "user.useConfigOnly",
        "GIT_CONFIG_VALUE_0": "true",
    }
    done = run(lst, "sync", "--as", "academia-1", extra=only_config)
    assert done.code == 1
    assert "git config user.email academia-1@example.org" in done.err
    assert git(lst.root, "log", "--format=%s") == "the list"


def test_sync_prints_the_id_of_the_commit_it_pushed(clones, run):
    alice, bob, remote = clones
    comment(run, alice, "industry-1", "First.")
    comment(run, bob, "academia-1", "Second.")
    assert run(alice, "sync", "--as", "industry-1").code == 0
    done = run(bob, "sync", "--as", "academia-1")  # rebased onto alice's: a new id
    assert done.code == 0, done.err
    pushed = git(remote, "rev-parse", "--short", "main")
    assert done.out.startswith(f"committed {pushed} (1 file)")
    assert git(remote, "log", "-1", "--format=%ae", "main") == "academia-1@example.org"
