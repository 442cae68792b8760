"""`curator verify` against a forger who knows how it works; what tests/test_verify.py does not
already cover (a forged comment author, an edited or deleted comment, a member recommending, a
release tag by a member, a good SSH signature and a tampered one are there).

Here: names and emails chosen to shift git's fields or fake a commit, terminal control
characters in names, a member who makes themselves chair first, the other chair-only statuses,
a comment whose author field names someone else, a commit signed with another member's key, a
GPG signature, odd characters in a tagger's email.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from conftest import make_list, run_curator

EMAILS = {
    "chair": "chair@example.org",
    "industry-1": "industry-1@example.org",
    "academia-1": "academia-1@example.org",
}


def git(repo: Path, *args: str, who: str = "chair", email: str = "", extra=None) -> str:
    """Run git in `repo` as `who` (a member, or anyone: then `email` or who@elsewhere)."""
    email = email or EMAILS.get(who, f"{who}@elsewhere.example")
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": who,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": who,
        "GIT_COMMITTER_EMAIL": email,
        **(extra or {}),
    }
    done = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


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


def test_the_chair_may_add_a_member_and_anyone_may_retitle_the_list(repo):
    root, lst = repo
    text = lst.read("list.toml")
    text += '\n[[members]]\nid = "academia-2"\nname = "Academic 2"\nrole = "member"\n'
    lst.write("list.toml", text)
    commit_all(root, "chair", "welcome academia-2")
    lst.write("list.toml", lst.read("list.toml").replace('"Test list"', '"The test list"'))
    commit_all(root, "industry-1", "retitle")
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


# ---------------------------------------------------------------- signatures


@pytest.fixture
def ssh_keys(repo, tmp_path):
    if shutil.which("ssh-keygen") is None:
        pytest.skip("ssh-keygen is not installed: no SSH signing key can be made")
    root, lst = repo
    allowed = []
    for member in ("chair", "industry-1"):
        key = tmp_path / f"{member}-key"
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", member, "-f", str(key)],
            check=True,
            capture_output=True,
        )
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
