"""diff, log, release, merge-file, git-setup, init: the list's versions in git."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from curator.cli.common import (
    add_as,
    add_format,
    add_list,
    inert,
    list_root,
    preload,
    print_json,
)
from curator.core import scope
from curator.core.diff import (
    ADDED,
    EDITORIAL,
    REMOVED,
    RENAMED,
    ControlChange,
    ListDiff,
    diff_lists,
)
from curator.core.model import ControlList
from curator.core.problems import CuratorError
from curator.store import git, repo
from curator.store.files import read_given
from curator.store.incremental import Unchecked
from curator.store.load import load
from curator.store.merge import merge_driver
from curator.store.source import DEFINITIONS

GROUP_NAMES = {
    scope.TIGHTENED: "Tightened",
    scope.LOOSENED: "Loosened",
    scope.MIXED: "Mixed (some items newly captured, others released)",
    scope.EQUIVALENT: "Equivalent (the same items captured, criteria reworded)",
    EDITORIAL: "Editorial",
    None: "Other changes",
}


def register(verbs: argparse._SubParsersAction) -> None:
    p = verbs.add_parser(
        "diff",
        help="what changed between two versions of the list, control by control",
        description="Compare two revisions (tags, branches, commits; B defaults to the working "
        "tree, A to the latest release tag <list-id>/v<version>, else HEAD). For every changed "
        "control: added, removed, modified or renamed, the fields that changed, and whether its "
        "criteria were tightened, loosened, equivalent or mixed, with the catalogue items newly "
        "captured and released. Example: curator diff HEAD~1 HEAD.",
    )
    p.add_argument("revisions", nargs="*", metavar="A [B]", help="revisions to compare")
    add_list(p)
    add_format(p)
    p.set_defaults(func=diff)

    p = verbs.add_parser(
        "log",
        help="the versions of one control in git history",
        description="The committed versions of a control, newest first, following renames: "
        "commit, date, author, what changed and the effect on what it captures.",
    )
    p.add_argument("control_id", metavar="CONTROL-ID")
    add_list(p)
    add_format(p)
    p.set_defaults(func=log)

    p = verbs.add_parser(
        "release",
        help="cut a release: version, CHANGELOG.md, commit and tag (chair only)",
        description="Set `version` in list.toml, prepend a CHANGELOG.md section generated from "
        "the diff against the previous release, commit as the chair and create the annotated "
        "tag <list-id>/v<VERSION>. Refuses uncommitted changes in the list folder, a failing "
        "`curator check` and a version not greater than the last release.",
    )
    p.add_argument("version", metavar="VERSION", help="dotted numbers, e.g. 2026.2")
    add_list(p)
    add_as(p)
    p.add_argument("-m", "--message", help="commit and tag message")
    p.set_defaults(func=release)

    p = verbs.add_parser(
        "merge-file",
        help="git merge driver: merge a list file field by field",
        description="Called by git as `curator merge-file %%O %%A %%B %%P` (set up by `curator "
        "git-setup`): writes the merge into OURS; exit 0 when clean, 1 when the same field was "
        "changed differently on both sides (markers surround only that field).",
    )
    p.add_argument("base", metavar="BASE", type=Path)
    p.add_argument("ours", metavar="OURS", type=Path)
    p.add_argument("theirs", metavar="THEIRS", type=Path)
    p.add_argument("path", metavar="PATH", help="the file's path in the repository")
    p.set_defaults(func=merge_file)

    p = verbs.add_parser(
        "git-setup",
        help="register the field-by-field merge driver and readable diffs with git",
        description="Write .gitattributes at the repository root (list.toml, controls/*.toml "
        "and catalogue/*.toml use merge=curator diff=curator) and set `git config "
        "merge.curator.driver` to `curator merge-file %%O %%A %%B %%P` and "
        "`diff.curator.textconv` to `curator textconv`, which prints a file in canonical form "
        "so `git diff` shows only real changes.",
    )
    add_list(p)
    p.set_defaults(func=git_setup)

    p = verbs.add_parser(
        "init",
        help="start a new list repository",
        description="Create a list in DIR (git init'ed unless inside a repository): list.toml, "
        "the folders, .gitattributes, a .pre-commit-config.yaml using the curator-check and "
        "curator-fmt hooks, and a CI workflow running `curator check` and `curator fmt --check`.",
    )
    p.add_argument("folder", metavar="DIR", type=Path)
    p.add_argument("--id", dest="list_id", metavar="ID", help="the list id (default: DIR's name)")
    p.add_argument("--title", metavar="T", help="the list's title")
    p.set_defaults(func=init)

    # the diff driver `git-setup` registers; not listed in the verbs (no help=)
    p = verbs.add_parser("textconv", description="Print a list file in canonical form.")
    p.add_argument("file", metavar="FILE", type=Path)
    p.set_defaults(func=textconv)


# ---------------------------------------------------------------- diff


def diff(args: argparse.Namespace) -> int:
    if len(args.revisions) > 2:
        raise CuratorError("diff takes at most two revisions: A [B]", 2)
    root = list_root(args)
    preload("curator.core.columns")  # judging the catalogue takes numpy: imported meanwhile
    place = git.place_of(root)
    if not git.has_commits(place.top):
        raise CuratorError("the repository has no commits yet: nothing to compare with", 2)
    target = args.revisions[1] if len(args.revisions) == 2 else None
    # a diff compares the controls and the catalogue: discussion is not read
    if target is not None:
        source = args.revisions[0]
        old, new = git.load_differing(place, source, target)
    else:
        new = git.load_side(place, root, target, DEFINITIONS)
        source = args.revisions[0] if args.revisions else _default_source(place, new)
        # compared with, not checked (as `publish` reads the release: the same kept list)
        old = git.load_revision(place, source, folders=DEFINITIONS, watch=Unchecked())
    result = diff_lists(old, new, source, target or git.WORKTREE)
    if args.format == "json":
        for control_id in result.not_compared:  # the text output lists them itself
            print(
                f"curator: {control_id} cannot be read on one side: not compared", file=sys.stderr
            )
        print_json(result.as_json())
    else:
        print("\n".join(diff_text(result)))
    return 0


def _default_source(place: git.ListPlace, new: ControlList) -> str:
    """The latest release tag of the list, else HEAD."""
    if new.manifest is not None:
        latest = git.latest_release(place.top, new.manifest.id)
        if latest is not None:
            return latest.tag
        if git.is_shallow(place.top):
            print(
                f"curator: this is a shallow clone with no {new.manifest.id}/v* release tag; "
                "comparing with HEAD (run `git fetch --unshallow --tags` to compare with the "
                "last release)",
                file=sys.stderr,
            )
    return "HEAD"


def diff_text(result: ListDiff) -> list[str]:
    """A reviewer's summary: the changed controls grouped by effect."""
    count = len(result.controls)
    noun = "control" if count == 1 else "controls"
    lines = [f"From {result.source} to {result.target}: {count} {noun} changed"]
    for effect, changes in result.by_effect():
        lines += ["", f"{GROUP_NAMES[effect]} ({len(changes)}):"]
        for change in changes:
            lines += [f"  {control_line(change)}"]
            if change.witness:
                lines.append(f"      e.g. {change.witness}")
            if change.unreadable:
                lines.append(f"      criteria not compared: {change.unreadable}")
    also = []
    if result.list_fields:
        also.append(f"list.toml ({', '.join(result.list_fields)})")
    if result.catalogue:
        marks = {ADDED: "+", REMOVED: "-"}
        also.append(
            "catalogue ("
            + ", ".join(f"{marks.get(change, '~')}{item}" for item, change in result.catalogue)
            + ")"
        )
    if also:
        lines += ["", f"Also changed: {'; '.join(also)}"]
    if result.not_compared:
        lines += ["", f"Not compared (a file cannot be read): {', '.join(result.not_compared)}"]
    return lines


def control_line(change: ControlChange) -> str:
    return " — ".join([f"{change.id} {change.title} ({what_changed(change)})", *captured(change)])


def what_changed(change: ControlChange) -> str:
    if change.change == ADDED:
        return "added"
    if change.change == REMOVED:
        return "removed"
    fields = [f for f in change.fields if f != "id"]
    listed = f"changed {', '.join(fields)}" if fields else ""
    if change.change == RENAMED:
        return f"renamed from {change.previous_id}" + (f", {listed}" if listed else "")
    return listed


def captured(change: ControlChange) -> list[str]:
    parts = []
    if change.newly_captured:
        parts.append(f"items newly captured: {', '.join(change.newly_captured)}")
    if change.released:
        parts.append(f"items released: {', '.join(change.released)}")
    return parts


# ---------------------------------------------------------------- log


def log(args: argparse.Namespace) -> int:
    root = list_root(args)
    current = load(root)
    versions = repo.control_history(root, args.control_id, current.catalogue)
    if args.format == "json":
        print_json({"control": args.control_id, "versions": [_version_json(v) for v in versions]})
        return 0
    noun = "version" if len(versions) == 1 else "versions"
    print(f"{args.control_id}: {len(versions)} {noun}, newest first")
    for v in versions:
        commit = v.version
        if v.change is None:
            summary = v.problem
        else:
            summary = " — ".join([f"{v.control_id} {what_changed(v.change)}", *captured(v.change)])
            if v.change.effect:
                summary += f"  [{v.change.effect}]"
        print(f"{commit.short}  {commit.date[:10]}  {inert(commit.author)}  {summary}")
        if commit.subject:
            print(f"    {inert(commit.subject)}")
    return 0


def _version_json(v: repo.ControlVersion) -> dict:
    commit = v.version
    change = v.change.as_json() if v.change else {}
    return {
        "commit": commit.commit,
        "short": commit.short,
        "date": commit.date,
        "author": commit.author,
        "subject": commit.subject,
        "id": v.control_id,
        "change": change.get("change"),
        "fields": change.get("fields", []),
        "effect": change.get("effect"),
        "newly_captured": change.get("newly_captured", []),
        "released": change.get("released", []),
        "witness": change.get("witness"),
        "problem": v.problem or None,
    }


# ---------------------------------------------------------------- release


def release(args: argparse.Namespace) -> int:
    root = list_root(args)
    today = dt.datetime.now(dt.UTC).date()
    done = repo.release(root, args.version, args.as_member, args.message, today)
    count = len(done.diff.controls)
    since = f"since {done.previous}" if done.previous else "in this first release"
    print(f"released {done.tag} (commit {done.commit[:10]}): {count} control(s) changed {since}")
    print(f"{repo.CHANGELOG} updated; push the tag with `git push origin {done.tag}`")
    return 0


# ---------------------------------------------------------------- merge driver and setup


def merge_file(args: argparse.Namespace) -> int:
    result = merge_driver(args.base, args.ours, args.theirs, args.path)
    if result.line_merge:
        print(f"curator: {args.path}: merged line by line ({result.line_merge})", file=sys.stderr)
        return 1 if result.line_conflicts else 0
    if result.conflicts:
        print(
            f"curator: conflict in {args.path}: both sides changed {', '.join(result.conflicts)} "
            "differently. Conflict markers (<<<<<<< ours … ======= … >>>>>>> theirs) surround "
            "only those fields: keep the right value, delete the markers, then run "
            "`curator check`.",
            file=sys.stderr,
        )
        return 1
    return 0


def git_setup(args: argparse.Namespace) -> int:
    setup = repo.git_setup(list_root(args))
    if setup.added_lines:
        print(f"{setup.attributes}: added {len(setup.added_lines)} line(s)")
    else:
        print(f"{setup.attributes}: already set up")
    for name, value in setup.config:
        print(f"git config {name} {value!r}")
    return 0


def init(args: argparse.Namespace) -> int:
    done = repo.init_list(args.folder, args.list_id, args.title)
    if done.new_repository:
        print(f"{done.root}: new git repository")
    for path in done.created:
        print(f"created {path}")
    for path in done.kept:
        print(f"kept {path} (it already exists)")
    print(
        f"list '{done.list_id}' ready: edit list.toml (the chair's name and email), then "
        "`git add` and commit"
    )
    return 0


def textconv(args: argparse.Namespace) -> int:
    sys.stdout.write(repo.readable(read_given(args.file)))
    return 0
