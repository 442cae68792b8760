"""Real git repositories for the version tests: a list committed in tmp_path, clones, commits.

Identity comes from the environment of each call, never from the global git config.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from conftest import ListDir, make_list, run_curator

LIST_DIR = "lists/test-list"


def identity(name: str = "Test Person", email: str = "test@example.org") -> dict[str, str]:
    return {
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": email,
    }


# who runs curator in these repositories: the list's chair, whose git identity this is (curator
# commits and tags only under the identity of the member acting)
CHAIR = identity("Committee chair", "chair@example.org")
# the test list's members' emails (tests/conftest.py)
EMAILS = {
    "chair": "chair@example.org",
    "industry-1": "industry-1@example.org",
    "academia-1": "academia-1@example.org",
    "observer-1": "observer-1@example.org",
}


def committing_as(who: str, email: str = "") -> dict[str, str]:
    """What git needs to commit as `who`: a member of the test list under their listed email,
    anyone else under `email` or who@elsewhere.example; no global or system configuration."""
    found = email or EMAILS.get(who, f"{who}@elsewhere.example")
    return {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", **identity(who, found)}


def git(
    cwd: Path, *args: str, check: bool = True, env: dict | None = None
) -> subprocess.CompletedProcess:
    done = subprocess.run(
        ["git", *args],
        cwd=cwd,
        env={**os.environ, **identity(), **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )
    if check and done.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done


@dataclass
class Repo:
    top: Path

    @property
    def root(self) -> Path:
        return self.top / LIST_DIR

    @property
    def lst(self) -> ListDir:
        return ListDir(self.root)

    def git(self, *args: str, check: bool = True, env: dict | None = None):
        return git(self.top, *args, check=check, env=env)

    def commit(self, message: str, env: dict | None = None) -> str:
        self.git("add", "-A")
        self.git("commit", "--quiet", "-m", message, env=env)
        return self.git("rev-parse", "HEAD").stdout.strip()

    def edit(self, rel: str, old: str, new: str) -> None:
        path = self.root / rel
        text = path.read_text()
        assert old in text, f"{old!r} not in {rel}"
        path.write_text(text.replace(old, new))

    def curator(self, *args: str, env: dict | None = None):
        return run_curator(*args, cwd=self.top, env={**CHAIR, **(env or {})})

    def clone(self, dest: Path) -> Repo:
        git(dest.parent, "clone", "--quiet", str(self.top), dest.name)
        return Repo(dest)


def new_repo(top: Path) -> Repo:
    """A repository with the test list at lists/test-list, committed once on branch main."""
    top.mkdir(parents=True)
    git(top, "init", "--quiet", "--initial-branch=main")
    make_list(top / LIST_DIR)
    repo = Repo(top)
    repo.commit("Initial list")
    return repo
