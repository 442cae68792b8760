"""`sync` for members who do not use git by hand: check the list, commit the member's own
changes under their own git identity, rebase onto the upstream, check again, push. On a conflict
it stops where git stopped and says what to do.
"""

from __future__ import annotations

from collections.abc import Sequence, Set
from dataclasses import dataclass
from pathlib import Path

import tomli

from curator.core.counts import counted
from curator.core.discussion import author_named
from curator.core.model import Manifest, Member
from curator.core.problems import CuratorError, Problem
from curator.store.formats.atomic import clean_stale_temps
from curator.store.formats.layout import kind_of
from curator.store.formats.read import MAX_BYTES, parse_toml
from curator.store.git import identity, plumbing
from curator.store.index import incremental

PUSH_ATTEMPTS = 3  # someone may push between our pull and our push; rebase again and retry
# what `git pull` says when the upstream branch does not exist yet (git runs with LC_ALL=C)
NOT_PUSHED_YET = ("couldn't find remote ref", "no such ref was fetched")
QUIET = {"GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", **plumbing.LITERAL}
MESSAGE_NAMES = 4  # names listed in a default commit message before it gives a count instead
SHOWN_PROBLEMS = 20  # problems listed when sync refuses; `curator check` lists them all
# the trailer that records, in the commit message, a sync past `check`'s problems
UNCHECKED_TRAILER = "Curator-Unchecked"


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str
    stderr: str


@dataclass(frozen=True)
class Synced:
    committed: str  # the short id of the commit made, as pushed (after any rebase); "" if none
    files: tuple[str, ...]  # what the commit holds, inside the list
    upstream: str  # e.g. origin/main; "" when the branch tracks none
    received: int  # commits pulled from the upstream
    pushed: int  # commits pushed to it
    left_out: tuple[tuple[str, str], ...] = ()  # (file, member): others' comments, not committed
    unchecked: int = 0  # the problems `check` found in what was committed anyway

    def summary(self) -> str:
        parts = [
            f"committed {self.committed} ({counted(len(self.files), 'file')})"
            if self.committed
            else "nothing to commit"
        ]
        if not self.upstream:
            parts.append("no upstream: nothing pulled or pushed (set one with `git push -u`)")
        else:
            parts.append(f"received {counted(self.received, 'commit')} from {self.upstream}")
            parts.append(
                f"pushed {counted(self.pushed, 'commit')}" if self.pushed else "nothing to push"
            )
        lines = ["; ".join(parts)]
        if self.unchecked:
            lines.append(
                f"committed with {counted(self.unchecked, 'problem')} that `curator check` "
                f"finds (recorded in the commit message as {UNCHECKED_TRAILER})"
            )
        for file, member in self.left_out:
            lines.append(f"left out {file}: {member}'s comment (only its author commits it)")
        return "\n".join(lines)


def sync(
    root: Path,
    manifest: Manifest,
    as_member: str | None,
    message: str | None,
    force_unchecked: bool = False,
) -> Synced:
    """Check, commit, pull with rebase and push the list in folder `root` (see the module's
    doc). `force_unchecked`: go on although `check` finds problems, saying so in the commit."""
    place = plumbing.place_of(root)
    _refuse_unfinished(root)
    branch = _branch(root)

    clean_stale_temps(root)  # a killed write's temp file must not be committed and pushed
    # committing needs a member who may write and whose git identity this is, checked before
    # the index is touched; pulling needs no one in particular
    changed, added = _changed(root, place.prefix)
    member = (
        identity.writer(manifest, root, as_member)
        if changed
        else identity.acting(manifest, root, as_member)
    )
    files, left_out = _own(root, changed, member)
    if files and member is not None:
        identity.require_own_identity(member, root)
    problems = _checked(root, force_unchecked, "sync commits and pushes only a list it passes")

    committed = ""
    if files and member is not None:
        given = message.strip() if message else ""
        text = given or default_message(member, files, added)
        if problems:
            text += f"\n\n{UNCHECKED_TRAILER}: {counted(len(problems), 'problem')}"
        pathspec = "".join(f"{f}\0" for f in files)
        _git(root, "add", "--all", "--pathspec-from-file=-", "--pathspec-file-nul", stdin=pathspec)
        _git(
            root,
            *("commit", "--quiet", "--only", "--pathspec-from-file=-", "--pathspec-file-nul"),
            *("-m", text),
            stdin=pathspec,
        )
        committed = _git(root, "rev-parse", "--short", "HEAD").strip()

    upstream = _upstream(root, branch)
    if upstream is None:
        return Synced(committed, files, "", 0, 0, left_out, len(problems))
    name, remote, remote_ref = upstream
    before = _revision(root, "HEAD")
    pushed = 0
    received = 0
    ahead = 0
    for attempt in range(1, PUSH_ATTEMPTS + 1):
        _pull(root, place.top)
        if _revision(root, name):
            received = _count(root, f"{before}..{name}" if before else name)
        ahead = _count(root, f"{name}..HEAD" if _revision(root, name) else "HEAD")
        if not ahead:
            break
        if received:  # what is pushed is ours on top of theirs: checked as a whole
            _checked(
                root,
                force_unchecked,
                f"after pulling {counted(received, 'commit')} from {name}; your commits are "
                "rebased onto them and not pushed",
            )
        done = _run(root, ["push", "--quiet", remote, f"HEAD:{remote_ref}"])
        if done.returncode == 0:
            pushed = ahead
            break
        if attempt == PUSH_ATTEMPTS or "rejected" not in done.stderr:
            raise CuratorError(f"push to {name} failed: {_last_line(done.stderr)}")
    if committed and ahead:  # the rebase gave it a new id: the one that was pushed
        committed = _git(root, "rev-parse", "--short", "HEAD").strip()
    return Synced(committed, files, name, received, pushed, left_out, len(problems))


def _checked(root: Path, force_unchecked: bool, why: str) -> tuple[Problem, ...]:
    """What `curator check` finds in the list now; a refusal listing it, unless forced."""
    problems = incremental.check(root).problems
    if problems and not force_unchecked:
        shown = "\n".join(f"  {p.render()}" for p in problems[:SHOWN_PROBLEMS])
        more = len(problems) - SHOWN_PROBLEMS
        if more > 0:
            shown += f"\n  … and {more} more (`curator check` lists them all)"
        raise CuratorError(
            f"`curator check` finds {counted(len(problems), 'problem')} ({why}):\n{shown}\n"
            "Fix them and sync again; to commit and push anyway, `curator sync "
            f"--force-unchecked` says so in the commit message ({UNCHECKED_TRAILER})."
        )
    return problems


def _changed(root: Path, prefix: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """The list's files with changes, untracked ones included, as paths inside the list; and
    those of them that are new (untracked, or added and never committed)."""
    out = _git(
        root, "status", "--porcelain", "-z", "--untracked-files=all", "--no-renames", "--", "."
    )
    # each entry is "XY path", the path from the top of the repository
    entries = [(e[:2], e[3:].removeprefix(prefix)) for e in out.split("\0") if len(e) > 3]
    added = frozenset(path for state, path in entries if state in ("??", "A "))
    return tuple(sorted(path for _, path in entries)), added


def _own(
    root: Path, changed: Sequence[str], member: Member | None
) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """The changed files the member commits, and the comments of others left out, with whose
    they are: a comment is committed by its author alone (verify holds anyone else's commit of
    it a forgery)."""
    mine: list[str] = []
    others: list[tuple[str, str]] = []
    for path in changed:
        author = _comment_author(root, path) if kind_of(path) == "comment" else None
        if author is None or (member is not None and author == member.id):
            mine.append(path)
        else:
            others.append((path, author))
    return tuple(mine), tuple(others)


def _comment_author(root: Path, path: str) -> str:
    """Whose comment file this is: the member its name gives, unless the file (when it is
    there and readable) gives another as its author."""
    named = author_named(path)
    file = root / path
    try:
        if not file.is_file() or file.stat().st_size > MAX_BYTES:
            return named
        field = parse_toml(file.read_bytes().decode("utf-8")).get("author")
    except (OSError, UnicodeDecodeError, tomli.TOMLDecodeError, RecursionError):
        return named
    return field if isinstance(field, str) and field and field != named else named


def default_message(member: Member, files: Sequence[str], added: Set[str] = frozenset()) -> str:
    """A commit message that says what changed: `industry-1: comment on 3A090; add 3A092;
    edit 3A091` (`added`: the files that are new)."""
    groups: dict[str, list[str]] = {
        "comment on": [], "add": [], "edit": [], "catalogue": [], "": []
    }  # fmt: skip
    for path in files:
        kind = kind_of(path)
        stem = path.rsplit("/", 1)[-1].removesuffix(".toml")
        if kind == "comment":
            groups["comment on"].append(path.split("/")[1])
        elif kind == "control":
            groups["add" if path in added else "edit"].append(stem)
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


def _pull(root: Path, repo: Path) -> None:
    done = _run(root, ["pull", "--rebase", "--autostash", "--quiet"])
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
    done = _run(root, ["symbolic-ref", "--quiet", "--short", "HEAD"])
    if done.returncode != 0:
        raise CuratorError("HEAD is detached: check out a branch (git switch NAME), then sync")
    return done.stdout.strip()


def _revision(root: Path, name: str) -> str:
    """The commit `name` points at, or '' when it does not exist (yet)."""
    done = _run(root, ["rev-parse", "--verify", "--quiet", f"{name}^{{commit}}"])
    return done.stdout.strip() if done.returncode == 0 else ""


def _count(root: Path, span: str) -> int:
    return int(_git(root, "rev-list", "--count", span).strip())


def _rebasing(root: Path) -> bool:
    for name in ("rebase-merge", "rebase-apply"):
        if (root / _git(root, "rev-parse", "--git-path", name).strip()).exists():
            return True
    return False


def _run(root: Path, args: list[str], stdin: str | None = None) -> Ran:
    """git, never prompting, in the C locale (its messages are matched above), taking file
    names as names, not patterns."""
    data = stdin.encode("utf-8") if stdin is not None else None
    done = plumbing.run(root, *args, stdin=data, env=QUIET, check=False)
    return Ran(
        done.returncode,
        done.stdout.decode("utf-8", "replace"),
        done.stderr.decode("utf-8", "replace"),
    )


def _git(root: Path, *args: str, stdin: str | None = None) -> str:
    done = _run(root, list(args), stdin)
    if done.returncode != 0:
        raise CuratorError(f"git {args[0]} failed: {_last_line(done.stderr)}")
    return done.stdout


def _last_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip() and not line.startswith("hint:")]
    return lines[-1].removeprefix("fatal: ").removeprefix("error: ") if lines else "no message"
