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
        return run_curator(*args, cwd=self.top, env={**identity(), **(env or {})})

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
