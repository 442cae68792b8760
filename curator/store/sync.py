"""`sync` for members who do not use git by hand: commit the list's changes as the acting member,
rebase onto the upstream, push. On a conflict it stops where git stopped and says what to do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from curator.core.model import Manifest, Member
from curator.core.problems import CuratorError
from curator.store import git, identity
from curator.store.atomic import clean_stale_temps
from curator.store.source import kind_of

PUSH_ATTEMPTS = 3  # someone may push between our pull and our push; rebase again and retry
# what `git pull` says when the upstream branch does not exist yet (git runs with LC_ALL=C)
NOT_PUSHED_YET = ("couldn't find remote ref", "no such ref was fetched")
QUIET = {"GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
MESSAGE_NAMES = 4  # names listed in a default commit message before it gives a count instead


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str
    stderr: str


@dataclass(frozen=True)
class Synced:
    committed: str  # the new commit's short id; "" when there was nothing to commit
    files: tuple[str, ...]  # what the commit holds, inside the list
    upstream: str  # e.g. origin/main; "" when the branch tracks none
    received: int  # commits pulled from the upstream
    pushed: int  # commits pushed to it

    def summary(self) -> str:
        parts = [
            f"committed {self.committed} ({_count_of(len(self.files), 'file')})"
            if self.committed
            else "nothing to commit"
        ]
        if not self.upstream:
            parts.append("no upstream: nothing pulled or pushed (set one with `git push -u`)")
        else:
            parts.append(f"received {_count_of(self.received, 'commit')} from {self.upstream}")
            parts.append(
                f"pushed {_count_of(self.pushed, 'commit')}" if self.pushed else "nothing to push"
            )
        return "; ".join(parts)


def _count_of(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def sync(root: Path, manifest: Manifest, as_member: str | None, message: str | None) -> Synced:
    """Commit, pull with rebase and push the list in folder `root` (see the module's doc)."""
    repo = git.place_of(root).top
    _refuse_unfinished(root)
    branch = _branch(root)

    clean_stale_temps(root)  # a killed write's temp file must not be committed and pushed
    # committing needs a member who may write, checked before the index is touched;
    # pulling needs no one in particular
    changed = _git(root, "status", "--porcelain", "--untracked-files=all", "--", ".").strip()
    member = (
        identity.writer(manifest, root, as_member)
        if changed
        else identity.acting(manifest, root, as_member)
    )
    env = _identity_env(member)
    _git(root, "add", "--all", "--", ".")
    files = _staged(root)
    committed = ""
    if files and member is not None:
        text = message.strip() if message and message.strip() else default_message(member, files)
        _git(root, "commit", "--quiet", "-m", text, "--", ".", env=env)
        committed = _git(root, "rev-parse", "--short", "HEAD").strip()

    upstream = _upstream(root, branch)
    if upstream is None:
        return Synced(committed, files, "", 0, 0)
    name, remote, remote_ref = upstream
    before = _revision(root, "HEAD")
    pushed = 0
    received = 0
    for attempt in range(1, PUSH_ATTEMPTS + 1):
        _pull(root, repo, env)
        if _revision(root, name):
            received = _count(root, f"{before}..{name}" if before else name)
        ahead = _count(root, f"{name}..HEAD" if _revision(root, name) else "HEAD")
        if not ahead:
            break
        done = _run(root, ["push", "--quiet", remote, f"HEAD:{remote_ref}"], env)
        if done.returncode == 0:
            pushed = ahead
            break
        if attempt == PUSH_ATTEMPTS or "rejected" not in done.stderr:
            raise CuratorError(f"push to {name} failed: {_last_line(done.stderr)}")
    return Synced(committed, files, name, received, pushed)


def default_message(member: Member, files: Sequence[str]) -> str:
    """A commit message that says what changed: `industry-1: comment on 3A090; edit 3A091`."""
    groups: dict[str, list[str]] = {"comment on": [], "edit": [], "catalogue": [], "": []}
    for path in files:
        kind = kind_of(path)
        stem = path.rsplit("/", 1)[-1].removesuffix(".toml")
        if kind == "comment":
            groups["comment on"].append(path.split("/")[1])
        elif kind == "control":
            groups["edit"].append(stem)
        elif kind == "item":
            groups["catalogue"].append(stem)
        else:
            groups[""].append(path)
    parts = []
    for verb, names in groups.items():
        unique = list(dict.fromkeys(names))
        if not unique:
            continue
        listed = ", ".join(unique) if len(unique) <= MESSAGE_NAMES else f"{len(unique)} files"
        parts.append(f"{verb} {listed}".strip())
    return f"{member.id}: {'; '.join(parts)}"


def _staged(root: Path) -> tuple[str, ...]:
    out = _git(root, "diff", "--cached", "--name-only", "--relative", "--no-renames", "--", ".")
    return tuple(line for line in out.splitlines() if line)


def _upstream(root: Path, branch: str) -> tuple[str, str, str] | None:
    out = _git(
        root,
        "for-each-ref",
        "--format=%(upstream:short)%00%(upstream:remotename)%00%(upstream:remoteref)",
        f"refs/heads/{branch}",
    ).strip()
    name, _, rest = out.partition("\0")
    remote, _, remote_ref = rest.partition("\0")
    return (name, remote, remote_ref) if name and remote and remote_ref else None


def _pull(root: Path, repo: Path, env: dict[str, str]) -> None:
    done = _run(root, ["pull", "--rebase", "--autostash", "--quiet"], env)
    if done.returncode == 0 or any(m in done.stderr for m in NOT_PUSHED_YET):
        return  # an upstream branch nobody has pushed to yet has nothing to pull
    if _rebasing(root):
        conflicted = _git(root, "diff", "--name-only", "--diff-filter=U").split()
        raise CuratorError(conflict_advice(repo, conflicted))
    raise CuratorError(f"pull failed: {_last_line(done.stderr)}")


def conflict_advice(repo: Path, conflicted: Sequence[str]) -> str:
    files = "\n".join(f"    {f}" for f in conflicted) or "    (see `git status`)"
    return (
        "sync stopped: your changes and the upstream's changed the same lines in\n"
        f"{files}\n"
        f"The repository ({repo}) is left mid-rebase, as git left it. Either\n"
        "  resolve it: edit each file above (keep what should stay, delete the <<<<<<< ======= "
        ">>>>>>> lines), run `curator check`, `git add` each file, then `git rebase --continue` "
        "and `curator sync` again;\n"
        "  or give up for now: `git rebase --abort` puts your commit back as it was, nothing "
        "is lost."
    )


def _refuse_unfinished(root: Path) -> None:
    if _rebasing(root):
        raise CuratorError(
            "a rebase is in progress (an earlier sync stopped on a conflict): resolve the files "
            "`git status` lists, `git add` them and `git rebase --continue`, or `git rebase "
            "--abort`; then sync again"
        )
    merge_head = Path(_git(root, "rev-parse", "--git-path", "MERGE_HEAD").strip())
    if (root / merge_head).exists():
        raise CuratorError(
            "a merge is in progress: resolve it and `git commit`, or `git merge --abort`; "
            "then sync again"
        )


def _branch(root: Path) -> str:
    done = _run(root, ["symbolic-ref", "--quiet", "--short", "HEAD"], {})
    if done.returncode != 0:
        raise CuratorError("HEAD is detached: check out a branch (git switch NAME), then sync")
    return done.stdout.strip()


def _revision(root: Path, name: str) -> str:
    """The commit `name` points at, or '' when it does not exist (yet)."""
    done = _run(root, ["rev-parse", "--verify", "--quiet", f"{name}^{{commit}}"], {})
    return done.stdout.strip() if done.returncode == 0 else ""


def _count(root: Path, span: str) -> int:
    return int(_git(root, "rev-list", "--count", span).strip())


def _rebasing(root: Path) -> bool:
    for name in ("rebase-merge", "rebase-apply"):
        if (root / _git(root, "rev-parse", "--git-path", name).strip()).exists():
            return True
    return False


def _identity_env(member: Member | None) -> dict[str, str]:
    """Commits made by sync carry the member's name and email from list.toml."""
    if member is None:
        return {}
    if not member.email:
        raise CuratorError(
            f"list.toml lists no email for {member.id}: sync commits under the member's email; "
            "ask the chair to add it"
        )
    return {
        "GIT_AUTHOR_NAME": member.name,
        "GIT_AUTHOR_EMAIL": member.email,
        "GIT_COMMITTER_NAME": member.name,
        "GIT_COMMITTER_EMAIL": member.email,
    }


def _run(root: Path, args: list[str], env: dict[str, str]) -> Ran:
    """git, never prompting, in the C locale (its messages are matched above)."""
    done = git.run(root, *args, env={**QUIET, **env}, check=False)
    return Ran(
        done.returncode,
        done.stdout.decode("utf-8", "replace"),
        done.stderr.decode("utf-8", "replace"),
    )


def _git(root: Path, *args: str, env: dict[str, str] | None = None) -> str:
    done = _run(root, list(args), env or {})
    if done.returncode != 0:
        raise CuratorError(f"git {args[0]} failed: {_last_line(done.stderr)}")
    return done.stdout


def _last_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip() and not line.startswith("hint:")]
    return lines[-1].removeprefix("fatal: ").removeprefix("error: ") if lines else "no message"
