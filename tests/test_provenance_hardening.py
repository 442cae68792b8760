"""`curator verify` against a forger who knows how it works; what tests/test_verify.py does not
already cover (a forged comment author, an edited or deleted comment, a member recommending, a
release tag by a member, a good SSH signature and a tampered one are there).

Here: names and emails chosen to shift git's fields or fake a commit, terminal control
characters in names, a member who makes themselves chair first, the other chair-only statuses,
a comment whose author field names someone else, merges that do their own damage, files in
history that cannot be read, a commit signed with another member's key, a GPG signature,
signatures required, odd characters in a tagger's email. Every change only the chair may make,
in both directions, is in tests/test_chair_only.py.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from conftest import make_list, run_curator, ssh_key
from gitrepo import EMAILS, committing_as


def git(repo: Path, *args: str, who: str = "chair", email: str = "", extra=None) -> str:
    """Run git in `repo` as `who` (a member, or anyone: then `email` or who@elsewhere)."""
    done = git_may_fail(repo, *args, who=who, email=email, extra=extra)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def git_may_fail(
    repo: Path, *args: str, who: str = "chair", email: str = "", extra=None
) -> subprocess.CompletedProcess:
    env = {**os.environ, **committing_as(who, email), **(extra or {})}
    return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True)


def commit_all(repo: Path, who: str, message: str = "change", **kw) -> str:
    git(repo, "add", "--all", who=who, **kw)
    git(repo, "commit", "--quiet", "-m", message, who=who, **kw)
    return git(repo, "rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path: Path):
    root = tmp_path / "repo"
    lst = make_list(root / "lists" / "test-list")
    git(root, "init", "--quiet", "-b", "main")
    commit_all(root, "chair", "the list")
    return root, lst


def verify(lst, env=None) -> tuple[int, dict, str]:
    run = run_curator("verify", "--format", "json", "--list", str(lst.root), env=env)
    assert "Traceback" not in run.err and "internal error" not in run.err, run.err
    return run.code, json.loads(run.out), run.err


def set_status(lst, status: str) -> None:
    text = lst.read("controls/3A090.toml")
    lst.write("controls/3A090.toml", text.replace('status = "proposed"', f'status = "{status}"'))


# ---------------------------------------------------------------- names that try to be fields

SHIFTING_NAMES = {
    # the old parser split at \x1f: this name made the email read chair@example.org, signed good
    "unit separators": "mallory\x1fchair@example.org\x1fG\x1fx",
    # and at \x1e anywhere: this name began a fake commit record by the chair
    "record separator": "mallory\x1e" + "0" * 40 + "\x1f\x1fchair\x1fchair@example.org\x1fG\x1fok",
}


@pytest.mark.parametrize("name", SHIFTING_NAMES.values(), ids=SHIFTING_NAMES.keys())
def test_an_author_name_cannot_pass_for_the_chair(repo, name):
    root, lst = repo
    set_status(lst, "final")
    forged = commit_all(root, name, "finalise", email="mallory@elsewhere.example")
    code, report, _ = verify(lst)
    assert code == 1
    [problem] = report["problems"]
    assert (problem["commit"], problem["code"]) == (forged, "chair-only")
    run = run_curator("verify", "--list", str(lst.root))
    assert "2 commits checked" in run.err  # no commit made up from a name
    assert "signature good" not in run.out


def test_control_characters_in_a_name_are_shown_inert(repo):
    root, lst = repo
    set_status(lst, "final")
    commit_all(root, "m\x1b[2K\r\u202eall good", "x\x1b]0;pwned\x07", email="m@elsewhere.example")
    run = run_curator("verify", "--list", str(lst.root))
    assert run.code == 1
    assert "\x1b" not in run.out and "\r" not in run.out and "\u202e" not in run.out
    assert "m\\x1b[2K\\r\\u202eall good" in run.out
    assert ": chair-only: " in run.out


def test_an_odd_tagger_email_does_not_break_verify(repo):
    root, lst = repo
    odd = "industry-1@example.org\u2028\x1f\x1e"
    git(root, "tag", "-a", "test-list/v1.0", "-m", "release", who="industry-1", email=odd)
    code, report, _ = verify(lst)
    assert code == 1
    assert [p["code"] for p in report["problems"]] == ["tag-not-chair"]


# ---------------------------------------------------------------- the members and their roles


def test_a_member_who_makes_themselves_chair_is_caught(repo):
    root, lst = repo
    manifest = lst.read("list.toml")
    manifest = manifest.replace('role = "chair"', 'role = "member"', 1)
    manifest = manifest.replace(
        'id = "industry-1"\nname = "Industry member 1"\nrole = "member"',
        'id = "industry-1"\nname = "Industry member 1"\nrole = "chair"',
    )
    lst.write("list.toml", manifest)
    coup = commit_all(root, "industry-1", "tidy the member list")
    set_status(lst, "recommended")
    commit_all(root, "industry-1", "recommend")  # as the chair list.toml now names
    git(root, "tag", "-a", "test-list/v2.0", "-m", "release", who="industry-1")
    code, report, _ = verify(lst)
    assert code == 1
    [problem] = report["problems"]
    assert (problem["commit"], problem["file"], problem["code"]) == (
        coup,
        "list.toml",
        "chair-only",
    )
    assert "only the chair <chair@example.org>" in problem["message"]


def test_the_chair_may_add_a_member_and_retitle_the_list(repo):
    root, lst = repo
    text = lst.read("list.toml")
    text += '\n[[members]]\nid = "academia-2"\nname = "Academic 2"\nrole = "member"\n'
    lst.write("list.toml", text)
    commit_all(root, "chair", "welcome academia-2")
    lst.write("list.toml", lst.read("list.toml").replace('"Test list"', '"The test list"'))
    commit_all(root, "chair", "retitle")
    assert verify(lst)[:2] == (0, {"ok": True, "problems": []})


def test_a_member_who_retitles_the_list_is_caught(repo):
    root, lst = repo
    lst.write("list.toml", lst.read("list.toml").replace('"Test list"', '"The test list"'))
    retitled = commit_all(root, "industry-1", "retitle")
    code, report, _ = verify(lst)
    assert code == 1
    [problem] = report["problems"]
    assert (problem["commit"], problem["file"], problem["code"]) == (
        retitled,
        "list.toml",
        "chair-only",
    )
    assert "list.toml changed (title)" in problem["message"]


def test_a_member_may_lay_out_list_toml_anew(repo):
    root, lst = repo
    lst.write("list.toml", "# the committee's list\n" + lst.read("list.toml"))
    commit_all(root, "industry-1", "a comment line")
    assert verify(lst)[:2] == (0, {"ok": True, "problems": []})


@pytest.mark.parametrize("status", ["published", "final", "rejected"])
def test_every_chair_only_status_set_by_a_member_is_caught(repo, status):
    root, lst = repo
    set_status(lst, status)
    sneaky = commit_all(root, "academia-1")
    code, report, _ = verify(lst)
    assert code == 1
    [problem] = report["problems"]
    assert (problem["commit"], problem["code"]) == (sneaky, "chair-only")
    assert f"→ {status}" in problem["message"]


def test_a_comment_whose_author_field_names_someone_else_is_caught(repo):
    root, lst = repo
    path = "discussion/3A090/2026-11-28T012200Z-industry-1.toml"
    lst.write(path, 'author = "academia-1"\nat = 2026-11-28T01:22:00Z\nbody = "I support it."\n')
    commit_all(root, "industry-1", "a comment")
    code, report, _ = verify(lst)
    assert code == 1
    [problem] = report["problems"]
    assert (problem["file"], problem["code"]) == (path, "forged-author")
    assert "academia-1" in problem["message"]


# ---------------------------------------------------------------- merges


def comment_file(lst, member: str, text: str = "A comment.") -> str:
    run = run_curator("comment", "3A090", "-m", text, "--as", member, "--list", str(lst.root))
    assert run.code == 0, run.err
    return run.out.strip()


def edit_summary(lst, words: str) -> None:
    text = lst.read("controls/3A090.toml")
    start = text.index("summary = ")
    end = text.index("\n", start)
    lst.write("controls/3A090.toml", text[:start] + f'summary = "{words}"' + text[end:])


def test_a_comment_deleted_inside_a_merge_is_caught(repo):
    root, lst = repo
    git(root, "switch", "--quiet", "-c", "side")
    edit_summary(lst, "Chips above the thresholds.")
    commit_all(root, "academia-1", "editorial")
    git(root, "switch", "--quiet", "main")
    path = comment_file(lst, "industry-1")
    commit_all(root, "industry-1", "my comment")
    git(root, "merge", "--quiet", "--no-commit", "side", who="academia-1")
    git(root, "rm", "--quiet", f"lists/test-list/{path}", who="academia-1")
    git(root, "commit", "--quiet", "-m", "merge side", who="academia-1")
    merge = git(root, "rev-parse", "HEAD")
    code, report, _ = verify(lst)
    assert code == 1
    [problem] = report["problems"]
    assert (problem["commit"], problem["file"], problem["code"]) == (
        merge,
        path,
        "comment-edited",
    )
    assert "deleted" in problem["message"]


def test_a_merge_that_undoes_the_chairs_decision_is_caught(repo):
    root, lst = repo
    git(root, "switch", "--quiet", "-c", "side")
    edit_summary(lst, "Chips above the thresholds.")
    commit_all(root, "academia-1", "editorial")
    git(root, "switch", "--quiet", "main")
    set_status(lst, "rejected")
    commit_all(root, "chair", "rejected by the committee")
    git(root, "merge", "--quiet", "--no-commit", "side", who="academia-1")
    git(root, "checkout", "side", "--", "lists/test-list/controls/3A090.toml", who="academia-1")
    git(root, "commit", "--quiet", "-m", "merge side", who="academia-1")
    merge = git(root, "rev-parse", "HEAD")
    code, report, _ = verify(lst)
    assert code == 1
    [problem] = report["problems"]
    assert (problem["commit"], problem["code"]) == (merge, "chair-only")
    assert "status rejected → proposed" in problem["message"]


def test_a_member_who_merges_in_the_chairs_work_answers_only_for_the_merge(repo):
    root, lst = repo
    git(root, "switch", "--quiet", "-c", "side")
    comment_file(lst, "academia-1")
    commit_all(root, "academia-1", "my comment")
    git(root, "switch", "--quiet", "main")
    set_status(lst, "rejected")
    commit_all(root, "chair", "rejected by the committee")
    comment_file(lst, "industry-1")
    commit_all(root, "industry-1", "a comment")
    git(root, "switch", "--quiet", "side")
    git(root, "merge", "--quiet", "--no-edit", "main", who="academia-1")
    assert verify(lst)[:2] == (0, {"ok": True, "problems": []})


def conflicting_summaries(root, lst) -> None:
    """main and side each reword 3A090's summary; side is being merged, with a conflict."""
    git(root, "switch", "--quiet", "-c", "side")
    edit_summary(lst, "Chips, as academia-1 puts it.")
    commit_all(root, "academia-1", "reword")
    git(root, "switch", "--quiet", "main")
    edit_summary(lst, "Chips, as industry-1 puts it.")
    commit_all(root, "industry-1", "reword")
    merged = git_may_fail(root, "merge", "--quiet", "--no-commit", "side", who="industry-1")
    assert merged.returncode != 0  # the conflict: git's own merge of the file is not kept


def test_a_conflict_resolved_by_a_member_is_fine(repo):
    root, lst = repo
    conflicting_summaries(root, lst)
    git(root, "checkout", "--theirs", "--", "lists/test-list/controls/3A090.toml")
    edit_summary(lst, "Chips, as both put it.")
    commit_all(root, "industry-1", "merge side")
    assert verify(lst)[:2] == (0, {"ok": True, "problems": []})


def test_a_conflict_resolution_that_recommends_is_caught(repo):
    root, lst = repo
    conflicting_summaries(root, lst)
    git(root, "checkout", "--theirs", "--", "lists/test-list/controls/3A090.toml")
    set_status(lst, "recommended")
    merge = commit_all(root, "industry-1", "merge side")
    code, report, _ = verify(lst)
    assert code == 1
    [problem] = report["problems"]
    assert (problem["commit"], problem["code"]) == (merge, "chair-only")
    assert "status proposed → recommended" in problem["message"]


def test_an_octopus_merge_that_changes_the_list_is_reported(repo):
    root, lst = repo
    for branch, member in (("one", "industry-1"), ("two", "academia-1")):
        git(root, "switch", "--quiet", "-c", branch, "main")
        comment_file(lst, member)
        commit_all(root, member, f"{member}'s comment")
    git(root, "switch", "--quiet", "main")
    comment_file(lst, "chair")
    commit_all(root, "chair", "the chair's comment")
    git(root, "merge", "--quiet", "--no-edit", "one", "two", who="industry-1")
    assert len(git(root, "log", "-1", "--format=%P").split()) == 3
    code, report, _ = verify(lst)
    assert code == 1
    assert [p["code"] for p in report["problems"]] == ["octopus-merge"]


# ---------------------------------------------------------------- files that cannot be read


def test_a_file_in_history_that_cannot_be_read_is_a_finding_and_verify_goes_on(repo):
    root, lst = repo
    nested = "discussion/3A090/2026-11-28T012200Z-industry-1.toml"
    lst.write(nested, "author = " + "[" * 500 + "]" * 500 + "\n")
    broken = commit_all(root, "industry-1", "a comment nobody can read")
    comment_file(lst, "industry-1")
    forged = commit_all(root, "academia-1", "forged, later")
    code, report, _ = verify(lst)
    assert code == 1
    found = [(p["commit"], p["file"], p["code"]) for p in report["problems"]]
    assert (broken, nested, "unreadable") in found
    assert (forged, "forged-author") in [(c, code) for c, _, code in found]
    [unreadable] = [p for p in report["problems"] if p["code"] == "unreadable"]
    assert "nested too deeply" in unreadable["message"]


def test_a_file_too_large_to_read_in_history_is_a_finding(repo):
    root, lst = repo
    text = lst.read("controls/3A090.toml")
    lst.write("controls/3A090.toml", text + "# " + "x" * (3 * 1024 * 1024) + "\n")
    large = commit_all(root, "industry-1", "a large control")
    code, report, _ = verify(lst)
    assert code == 1
    [problem] = report["problems"]
    assert (problem["commit"], problem["code"]) == (large, "unreadable")
    assert "over the 2,097,152" in problem["message"]


# ---------------------------------------------------------------- signatures


@pytest.fixture
def ssh_keys(repo, tmp_path):
    root, lst = repo
    allowed = []
    for member in ("chair", "industry-1"):
        key = ssh_key(tmp_path / f"{member}-key", member)
        allowed.append(f"{EMAILS[member]} {key.with_suffix('.pub').read_text().strip()}")
    (tmp_path / "allowed_signers").write_text("\n".join(allowed) + "\n")
    git(root, "config", "gpg.format", "ssh")
    git(root, "config", "gpg.ssh.allowedSignersFile", str(tmp_path / "allowed_signers"))
    return root, lst, {m: tmp_path / f"{m}-key" for m in ("chair", "industry-1")}


def test_a_commit_signed_with_another_members_key_is_caught(ssh_keys):
    root, lst, keys = ssh_keys
    set_status(lst, "under-review")
    git(root, "config", "user.signingkey", str(keys["industry-1"]))
    git(root, "commit", "--quiet", "-S", "-am", "looks like the chair's", who="chair")
    forged = git(root, "rev-parse", "HEAD")
    code, report, _ = verify(lst)
    assert code == 1
    [problem] = report["problems"]
    assert (problem["commit"], problem["code"]) == (forged, "signer-mismatch")
    assert (
        "signed by industry-1@example.org, not by its author <chair@example.org>"
        in (problem["message"])
    )


def test_a_commit_signed_with_the_authors_own_key_is_fine(ssh_keys):
    root, lst, keys = ssh_keys
    set_status(lst, "under-review")
    git(root, "config", "user.signingkey", str(keys["industry-1"]))
    git(root, "commit", "--quiet", "-S", "-am", "mine", who="industry-1")
    assert verify(lst)[:2] == (0, {"ok": True, "problems": []})


# ---------------------------------------------------------------- signatures required


def verify_signed(lst, env: dict | None = None) -> tuple[int, list[dict]]:
    run = run_curator(
        "verify", "--require-signatures", "--format", "json", "--list", str(lst.root), env=env
    )
    assert "Traceback" not in run.err and "internal error" not in run.err, run.err
    return run.code, json.loads(run.out)["problems"]


def test_with_signatures_required_an_unsigned_comment_is_caught(repo):
    root, lst = repo
    path = comment_file(lst, "industry-1")
    unsigned = commit_all(root, "industry-1", "my comment")
    assert verify(lst)[0] == 0
    code, problems = verify_signed(lst)
    assert code == 1
    [problem] = problems
    assert (problem["commit"], problem["file"], problem["code"]) == (unsigned, path, "unsigned")
    assert "a comment, in a commit not signed by its author (signature none)" in problem["message"]


def test_with_signatures_required_an_unsigned_chair_only_change_is_caught(repo):
    root, lst = repo
    set_status(lst, "recommended")
    unsigned = commit_all(root, "chair", "recommend")
    code, problems = verify_signed(lst)
    assert code == 1
    [problem] = problems
    assert (problem["commit"], problem["code"]) == (unsigned, "unsigned")
    assert "status proposed → recommended" in problem["message"]


@pytest.fixture
def declared_keys(repo, tmp_path):
    """The list declares the chair's and industry-1's SSH keys in its allowed_signers file,
    committed and signed by the chair; git itself is given no allowed-signers file."""
    root, lst = repo
    keys, allowed = {}, []
    for member in ("chair", "industry-1"):
        keys[member] = ssh_key(tmp_path / f"{member}-key", member)
        allowed.append(f"{EMAILS[member]} {keys[member].with_suffix('.pub').read_text().strip()}")
    lst.write("allowed_signers", "\n".join(allowed) + "\n")
    git(root, "add", "--all")
    signed_commit(root, keys, "chair", "the members' keys")
    return root, lst, keys


def signed_commit(root, keys, who: str, message: str, author: str = "") -> str:
    """A commit signed with `who`'s key, authored by `who` (or by `author`, a forgery)."""
    signing = ("-c", "gpg.format=ssh", "-c", f"user.signingkey={keys[who]}")
    git(root, *signing, "commit", "--quiet", "-S", "-am", message, who=author or who)
    return git(root, "rev-parse", "HEAD")


def test_signed_comments_and_decisions_verify_against_the_lists_own_keys(declared_keys):
    root, lst, keys = declared_keys
    comment_file(lst, "industry-1")
    git(root, "add", "--all")
    signed_commit(root, keys, "industry-1", "my comment")
    set_status(lst, "recommended")
    signed_commit(root, keys, "chair", "recommend")
    edit_summary(lst, "Chips above the thresholds.")
    commit_all(root, "industry-1", "editorial, unsigned: no signature needed")
    code, problems = verify_signed(lst)
    assert (code, problems) == (0, [])
    run = run_curator("verify", "--list", str(lst.root))
    assert sum("signature good" in line for line in run.out.split("\n")) == 3


def test_a_decision_signed_by_a_key_no_one_listed_is_not_signed_by_its_author(
    declared_keys, tmp_path
):
    """Anyone can make an SSH key and sign in the chair's name: git calls such a signature good
    with no one named (%G? U), and verify counts it as no signature of the chair's."""
    root, lst, keys = declared_keys
    keys["mallory"] = ssh_key(tmp_path / "mallory-key", "mallory")
    set_status(lst, "recommended")
    signing = ("-c", "gpg.format=ssh", "-c", f"user.signingkey={keys['mallory']}")
    git(root, *signing, "commit", "--quiet", "-S", "-am", "recommend", who="chair")
    forged = git(root, "rev-parse", "HEAD")
    code, problems = verify_signed(lst)
    assert code == 1
    assert [(p["commit"], p["code"]) for p in problems] == [(forged, "unsigned")]
    assert "(signature unverifiable)" in problems[0]["message"]


def test_a_member_who_lists_a_key_of_their_own_is_caught(declared_keys):
    root, lst, keys = declared_keys
    text = lst.read("allowed_signers")
    own = text.splitlines()[1].split(" ", 1)[1]
    lst.write("allowed_signers", text + f"chair@example.org {own}\n")
    planted = signed_commit(root, keys, "industry-1", "tidy the keys")
    code, problems = verify_signed(lst)
    assert code == 1
    assert [(p["commit"], p["file"], p["code"]) for p in problems] == [
        (planted, "allowed_signers", "chair-only")
    ]
    assert "the members' signing keys" in problems[0]["message"]


@pytest.fixture
def gnupg():
    if shutil.which("gpg") is None:
        pytest.skip("gpg is not installed: no GPG signing key can be made")
    # a short path: gpg-agent's socket path must stay under about 100 characters
    home = Path(tempfile.mkdtemp(prefix="gpg-"))
    home.chmod(0o700)
    env = {"GNUPGHOME": str(home)}
    made = subprocess.run(
        [
            "gpg", "--batch", "--pinentry-mode", "loopback", "--passphrase", "",
            "--quick-gen-key", "Committee chair <chair@example.org>", "ed25519", "sign", "never",
        ],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )  # fmt: skip
    try:
        if made.returncode != 0:
            pytest.skip(f"gpg cannot make a key here: {made.stderr.strip()[:200]}")
        yield env
    finally:
        subprocess.run(["gpgconf", "--kill", "gpg-agent"], env={**os.environ, **env}, check=False)
        shutil.rmtree(home, ignore_errors=True)


def test_a_gpg_signed_commit_is_reported_good(repo, gnupg):
    root, lst = repo
    set_status(lst, "under-review")
    git(root, "config", "user.signingkey", "chair@example.org")
    git(root, "commit", "--quiet", "-S", "-am", "signed with gpg", extra=gnupg)
    code, report, _ = verify(lst, env=gnupg)
    assert (code, report) == (0, {"ok": True, "problems": []})
    run = run_curator("verify", "--list", str(lst.root), env=gnupg)
    assert any(
        "signature good" in line and "signed with gpg" in line for line in run.out.split("\n")
    )
    assert "(1 unsigned)" in run.err


def test_a_release_tag_the_chair_signed_with_gpg_verifies_with_signatures_required(repo, gnupg):
    root, lst = repo
    git(root, "config", "user.signingkey", "chair@example.org")
    git(root, "tag", "-s", "test-list/v1.0", "-m", "release 1.0", extra=gnupg)
    assert verify_signed(lst, env=gnupg) == (0, [])
    # the same tag, checked by someone whose keyring lacks the chair's key
    elsewhere = Path(tempfile.mkdtemp(prefix="gpg-"))
    elsewhere.chmod(0o700)
    try:
        code, problems = verify_signed(lst, env={"GNUPGHOME": str(elsewhere)})
    finally:
        shutil.rmtree(elsewhere, ignore_errors=True)
    assert code == 1
    assert [p["code"] for p in problems] == ["unsigned"]
    assert "(signature unverifiable)" in problems[0]["message"]


def test_a_commit_cannot_vouch_for_itself_by_declaring_a_key(declared_keys):
    """A member declares their own key as the chair's and, authored as the chair, signs with
    it: the keys that count are those declared before the commit."""
    root, lst, keys = declared_keys
    chairs, members = lst.read("allowed_signers").splitlines()
    own = members.split(" ", 1)[1]
    lst.write("allowed_signers", f"{chairs}\nchair@example.org {own}\n")
    set_status(lst, "recommended")
    forged = signed_commit(root, keys, "industry-1", "recommend", author="chair")
    code, problems = verify_signed(lst)
    assert code == 1
    found = {p["code"]: p for p in problems}
    assert {(p["commit"], p["code"]) for p in problems} == {
        (forged, "signer-mismatch"),
        (forged, "unsigned"),
    }
    assert "signed by industry-1@example.org" in found["unsigned"]["message"]


def test_a_comment_signed_by_a_key_since_withdrawn_still_verifies(declared_keys):
    root, lst, keys = declared_keys
    comment_file(lst, "industry-1")
    git(root, "add", "--all")
    signed_commit(root, keys, "industry-1", "my comment")
    text = lst.read("allowed_signers")
    lst.write("allowed_signers", text.splitlines()[0] + "\n")  # the chair's key alone
    withdrawn = signed_commit(root, keys, "chair", "industry-1's key withdrawn")
    assert verify_signed(lst) == (0, [])
    comment_file(lst, "industry-1", "A comment after the key was withdrawn.")
    git(root, "add", "--all")
    late = signed_commit(root, keys, "industry-1", "another comment")
    code, problems = verify_signed(lst)
    assert code == 1
    assert [(p["commit"], p["code"]) for p in problems] == [(late, "unsigned")]
    assert withdrawn != late
