"""`curator verify`: provenance from real git history — who committed each comment and each
chair-only change, whether a comment changed after it was added, who tagged each release."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from conftest import make_list, ssh_key

EMAILS = {
    "chair": "chair@example.org",
    "industry-1": "industry-1@example.org",
    "academia-1": "academia-1@example.org",
}


def git(repo: Path, *args: str, who: str = "chair") -> str:
    """Run git in `repo` as the member `who` (or any name not in EMAILS, as a stranger)."""
    email = EMAILS.get(who, f"{who}@elsewhere.example")
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": who,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": who,
        "GIT_COMMITTER_EMAIL": email,
    }
    done = subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def commit_all(repo: Path, who: str, message: str = "change") -> str:
    git(repo, "add", "--all", who=who)
    git(repo, "commit", "--quiet", "-m", message, who=who)
    return git(repo, "rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path: Path):
    """A repository with the list in lists/test-list, first committed by the chair."""
    root = tmp_path / "repo"
    lst = make_list(root / "lists" / "test-list")
    git(root, "init", "--quiet", "-b", "main")
    commit_all(root, "chair", "the list")
    return root, lst


def comment(curator, lst, member: str, text: str = "A comment.", *extra: str) -> str:
    run = curator("comment", "3A090", "-m", text, *extra, "--as", member, "--list", str(lst.root))
    assert run.code == 0, run.err
    return run.out.strip()


def verify(curator, lst, *args: str):
    run = curator("verify", *args, "--format", "json", "--list", str(lst.root))
    return run.code, json.loads(run.out) if run.out else None


def set_status(lst, status: str) -> None:
    text = lst.read("controls/3A090.toml")
    lst.write("controls/3A090.toml", text.replace('status = "proposed"', f'status = "{status}"'))


def test_honest_history_verifies(repo, curator):
    root, lst = repo
    comment(curator, lst, "industry-1")
    commit_all(root, "industry-1")
    comment(curator, lst, "academia-1", "Agreed.", "--position", "support")
    commit_all(root, "academia-1")
    code, report = verify(curator, lst)
    assert code == 0
    assert report == {"ok": True, "problems": []}


def test_a_comment_forged_under_another_members_name_is_caught(repo, curator):
    root, lst = repo
    path = comment(curator, lst, "industry-1", "I now support this.", "--position", "support")
    forged = commit_all(root, "academia-1")
    code, report = verify(curator, lst)
    assert code == 1
    assert report["ok"] is False
    [problem] = report["problems"]
    assert problem["commit"] == forged
    assert problem["file"] == path
    assert problem["code"] == "forged-author"
    assert "industry-1" in problem["message"]
    assert "academia-1@example.org" in problem["message"]


def test_a_comment_committed_by_a_stranger_is_caught(repo, curator):
    root, lst = repo
    comment(curator, lst, "industry-1")
    commit_all(root, "mallory")
    code, report = verify(curator, lst)
    assert code == 1
    assert [p["code"] for p in report["problems"]] == ["forged-author"]


def test_editing_list_toml_in_the_same_commit_does_not_vouch_for_a_forgery(repo, curator):
    root, lst = repo
    comment(curator, lst, "industry-1")
    manifest = lst.read("list.toml").replace("industry-1@example.org", "mallory@elsewhere.example")
    lst.write("list.toml", manifest)
    commit_all(root, "mallory")
    code, report = verify(curator, lst)
    assert code == 1
    # and changing a member's email is the chair's to do (tests/test_provenance_hardening.py)
    assert [p["code"] for p in report["problems"]] == ["forged-author", "chair-only"]


def test_a_comment_edited_by_hand_after_the_fact_is_caught(repo, curator):
    root, lst = repo
    path = comment(curator, lst, "industry-1", "Too tight.", "--position", "too-tight")
    commit_all(root, "industry-1")
    lst.write(path, lst.read(path).replace("too-tight", "support"))
    edited = commit_all(root, "industry-1", "fix my position")
    code, report = verify(curator, lst)
    assert code == 1
    [problem] = report["problems"]
    assert (problem["commit"], problem["file"], problem["code"]) == (
        edited,
        path,
        "comment-edited",
    )
    assert "a correction is a new comment" in problem["message"]


def test_a_deleted_comment_is_caught(repo, curator):
    root, lst = repo
    path = comment(curator, lst, "industry-1")
    commit_all(root, "industry-1")
    (lst.root / path).unlink()
    commit_all(root, "industry-1", "remove")
    code, report = verify(curator, lst)
    assert code == 1
    [problem] = report["problems"]
    assert problem["code"] == "comment-edited"
    assert "deleted" in problem["message"]


def test_a_member_recommending_by_hand_is_caught(repo, curator):
    root, lst = repo
    set_status(lst, "recommended")
    sneaky = commit_all(root, "industry-1", "recommend it")
    code, report = verify(curator, lst)
    assert code == 1
    [problem] = report["problems"]
    assert problem["commit"] == sneaky
    assert problem["file"] == "controls/3A090.toml"
    assert problem["code"] == "chair-only"
    assert "proposed → recommended" in problem["message"]


def test_the_chair_recommending_is_fine(repo, curator):
    root, lst = repo
    run = curator("status", "3A090", "under-review", "--as", "industry-1", "--list", str(lst.root))
    assert run.code == 0, run.err
    commit_all(root, "industry-1")
    run = curator("status", "3A090", "recommended", "--as", "chair", "--list", str(lst.root))
    assert run.code == 0, run.err
    commit_all(root, "chair")
    assert verify(curator, lst) == (0, {"ok": True, "problems": []})


def test_a_member_may_edit_a_recommended_control_without_changing_its_status(repo, curator):
    root, lst = repo
    set_status(lst, "recommended")
    commit_all(root, "chair")
    text = lst.read("controls/3A090.toml").replace("October 2023", "2023")
    lst.write("controls/3A090.toml", text)
    commit_all(root, "industry-1", "editorial")
    assert verify(curator, lst)[0] == 0


def test_a_range_checks_only_its_commits(repo, curator):
    root, lst = repo
    comment(curator, lst, "industry-1")
    commit_all(root, "academia-1", "forged, before the range")
    start = git(root, "rev-parse", "HEAD")
    comment(curator, lst, "academia-1")
    commit_all(root, "academia-1")
    assert verify(curator, lst, f"{start}..HEAD") == (0, {"ok": True, "problems": []})
    assert verify(curator, lst)[0] == 1


def test_an_unknown_revision_is_a_usage_error(repo, curator):
    _, lst = repo
    run = curator("verify", "nope..HEAD", "--list", str(lst.root))
    assert run.code == 2
    assert "Traceback" not in run.err
    run = curator("verify", "--upload-pack=x", "--list", str(lst.root))
    assert run.code == 2


def test_merged_branches_keep_their_authors(repo, curator):
    root, lst = repo
    git(root, "switch", "--quiet", "-c", "side")
    comment(curator, lst, "academia-1")
    commit_all(root, "academia-1")
    git(root, "switch", "--quiet", "main")
    comment(curator, lst, "industry-1")
    commit_all(root, "industry-1")
    git(root, "merge", "--quiet", "--no-edit", "side", who="chair")
    assert verify(curator, lst) == (0, {"ok": True, "problems": []})


def test_a_release_tag_by_a_member_is_caught(repo, curator):
    root, lst = repo
    git(root, "tag", "-a", "test-list/v1.0", "-m", "release 1.0", who="chair")
    assert verify(curator, lst)[0] == 0
    git(root, "tag", "-a", "test-list/v1.1", "-m", "release 1.1", who="industry-1")
    git(root, "tag", "test-list/v1.2", who="chair")
    git(root, "tag", "-a", "other-list/v9", "-m", "not ours", who="industry-1")
    code, report = verify(curator, lst)
    assert code == 1
    problems = {p["message"].split()[2]: p for p in report["problems"]}
    assert set(problems) == {"test-list/v1.1", "test-list/v1.2"}
    assert all(p["code"] == "tag-not-chair" for p in problems.values())
    assert "industry-1@example.org" in problems["test-list/v1.1"]["message"]
    assert "lightweight" in problems["test-list/v1.2"]["message"]


def test_text_output_gives_each_commit_and_its_signature(repo, curator):
    root, lst = repo
    comment(curator, lst, "industry-1")
    commit_all(root, "academia-1", "forged")
    run = curator("verify", "--list", str(lst.root))
    assert run.code == 1
    lines = run.out.splitlines()
    assert any("signature none" in line and "the list" in line for line in lines)
    assert any("signature none" in line and "forged" in line for line in lines)
    assert any(": forged-author: " in line for line in lines)
    assert "2 commits checked in HEAD (2 unsigned), 1 problem" in run.err


def test_verify_outside_git_says_so(lst, curator):
    run = curator(
        "verify", "--list", str(lst.root), env={"GIT_CEILING_DIRECTORIES": str(lst.root.parent)}
    )
    assert run.code == 2
    assert "not inside a git repository" in run.err


def test_an_empty_repository_verifies(lst, curator):
    git(lst.root, "init", "--quiet", "-b", "main")
    assert verify(curator, lst) == (0, {"ok": True, "problems": []})


@pytest.fixture
def signing(repo, tmp_path):
    """The chair signs commits with an SSH key that the repository trusts."""
    root, lst = repo
    key = ssh_key(tmp_path / "chair-key", "chair")
    allowed = tmp_path / "allowed_signers"
    allowed.write_text(f"chair@example.org {(tmp_path / 'chair-key.pub').read_text()}")
    git(root, "config", "gpg.format", "ssh")
    git(root, "config", "user.signingkey", str(key))
    git(root, "config", "gpg.ssh.allowedSignersFile", str(allowed))
    return root, lst


def test_a_signed_commit_is_reported_good(signing, curator):
    root, lst = signing
    set_status(lst, "under-review")
    git(root, "commit", "--quiet", "-S", "-am", "signed by the chair")
    run = curator("verify", "--list", str(lst.root))
    assert run.code == 0, run.out + run.err
    assert any("signature good" in line and "signed by" in line for line in run.out.splitlines())
    assert "(1 unsigned)" in run.err


def test_a_commit_whose_signature_does_not_verify_is_caught(signing, curator):
    root, lst = signing
    set_status(lst, "under-review")
    git(root, "commit", "--quiet", "-S", "-am", "signed by the chair")
    body = git(root, "cat-file", "commit", "HEAD") + "\n"
    tampered = subprocess.run(
        ["git", "hash-object", "-t", "commit", "-w", "--stdin"],
        cwd=root,
        input=body.replace("signed by the chair", "signed by the chair, honest"),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    git(root, "update-ref", "refs/heads/main", tampered)
    code, report = verify(curator, lst)
    assert code == 1
    [problem] = report["problems"]
    assert (problem["commit"], problem["code"]) == (tampered, "bad-signature")


def signed_release(curator, root: Path, lst, version: str = "1.0") -> str:
    """`curator release` by the chair, whose git signs its commits and tags (the README's
    set-up for signatures); the tag's name."""
    for key, value in (
        ("user.name", "chair"),
        ("user.email", EMAILS["chair"]),
        ("commit.gpgSign", "true"),
        ("tag.gpgSign", "true"),
    ):
        git(root, "config", key, value)
    run = curator("release", version, "--as", "chair", "--list", str(lst.root))
    assert run.code == 0, run.err
    return f"test-list/v{version}"


def test_a_release_by_a_chair_who_signs_verifies_with_signatures_required(signing, curator):
    root, lst = signing
    tag = signed_release(curator, root, lst)
    assert "-----BEGIN SSH SIGNATURE-----" in git(root, "cat-file", "tag", tag)
    assert verify(curator, lst, "--require-signatures") == (0, {"ok": True, "problems": []})


def test_an_unsigned_release_tag_is_caught_when_signatures_are_required(signing, curator):
    root, lst = signing
    git(root, "tag", "-a", "test-list/v1.0", "-m", "release 1.0")
    assert verify(curator, lst)[0] == 0
    code, report = verify(curator, lst, "--require-signatures")
    assert code == 1
    [problem] = report["problems"]
    assert problem["code"] == "unsigned"
    assert "release tag test-list/v1.0 is not signed" in problem["message"]
    assert "(signature none)" in problem["message"]


def test_a_release_tag_whose_signature_does_not_verify_is_caught(signing, curator):
    root, lst = signing
    tag = signed_release(curator, root, lst)
    body = git(root, "cat-file", "tag", tag) + "\n"
    tampered = subprocess.run(
        ["git", "hash-object", "-t", "tag", "-w", "--stdin"],
        cwd=root,
        input=body.replace("\n\n", "\n\nAmended: ", 1),  # its message, after the header
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    git(root, "update-ref", f"refs/tags/{tag}", tampered)
    code, report = verify(curator, lst)  # without --require-signatures too
    assert code == 1
    [problem] = report["problems"]
    assert problem["code"] == "bad-signature"
    assert tag in problem["message"]


def test_a_release_tag_signed_by_a_key_no_one_listed_is_not_the_chairs(signing, curator, tmp_path):
    root, lst = signing
    stranger = ssh_key(tmp_path / "stranger-key", "stranger")
    git(root, "-c", f"user.signingkey={stranger}", "tag", "-s", "test-list/v1.0", "-m", "1.0")
    assert verify(curator, lst)[0] == 0  # a signature no one can check is not a bad one
    code, report = verify(curator, lst, "--require-signatures")
    assert code == 1
    [problem] = report["problems"]
    assert problem["code"] == "unsigned"
    assert "(signature unverifiable)" in problem["message"]


def test_the_commit_that_founds_the_list_answers_to_nobody(tmp_path, curator):
    root = tmp_path / "repo"
    root.mkdir()
    (root / "README.md").write_text("a repository before the list\n")
    git(root, "init", "--quiet", "-b", "main")
    commit_all(root, "maintainer", "readme")
    lst = make_list(root / "lists" / "test-list")
    set_status(lst, "recommended")
    commit_all(root, "maintainer", "import the list as it stands")
    assert verify(curator, lst) == (0, {"ok": True, "problems": []})
    text = lst.read("controls/3A090.toml").replace('"recommended"', '"published"')
    lst.write("controls/3A090.toml", text)
    commit_all(root, "maintainer", "publish")
    code, report = verify(curator, lst)
    assert code == 1
    assert [p["code"] for p in report["problems"]] == ["chair-only"]


def test_only_commits_that_change_the_list_are_listed_and_the_others_counted(repo, curator):
    root, lst = repo
    (root / "tool.py").write_text("print('code, not the list')\n")
    commit_all(root, "maintainer", "some code")
    (root / "README.md").write_text("the repository\n")
    commit_all(root, "maintainer", "a readme")
    comment(curator, lst, "industry-1")
    commit_all(root, "industry-1", "my comment")
    run = curator("verify", "--list", str(lst.root))
    assert run.code == 0, run.err
    subjects = [line.rsplit("  ", 1)[-1] for line in run.out.splitlines()]
    assert subjects == ["the list", "my comment"]
    assert "2 commits checked in HEAD (2 unsigned), 2 others skipped (no list file changed)" in (
        run.err
    )
