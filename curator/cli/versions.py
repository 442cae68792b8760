"""log, release, git-setup, init: the list's versions in git (`diff` is curator.cli.diffs, the
commands git runs for list files curator.cli.drivers)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from curator import DISTRIBUTION, __version__
from curator.cli.common import add_as, add_format, add_list, inert, list_root, print_json
from curator.cli.diffs import captured, what_changed
from curator.store.git import drivers, repo
from curator.store.index.load import load
from curator.store.setup import scaffold


def register(verbs: argparse._SubParsersAction) -> None:
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
        "git-setup",
        help="register the field-by-field merge driver and readable diffs with git",
        description="Write .gitattributes at the repository root (list.toml, controls/*.toml "
        "and catalogue/*.toml use merge=curator diff=curator) and set `git config "
        "merge.curator.driver` to `curator merge-file %O %A %B %P` and "
        "`diff.curator.textconv` to `curator textconv`, which prints a file in canonical form "
        "so `git diff` shows only real changes. git runs them as PYTHON -m curator, PYTHON "
        "being the absolute path of the interpreter running this command, so they work without "
        "`curator` on PATH or an activated environment. Run it again after moving or "
        "recreating that environment: it replaces the path git has.",
    )
    add_list(p)
    p.set_defaults(func=git_setup)

    p = verbs.add_parser(
        "init",
        help="start a new list, in a new repository or beside other lists",
        description="Create a list in DIR (git init'ed unless inside a repository): list.toml "
        "chaired by you, the folders, .gitattributes, a .gitignore, pre-commit hooks and a CI "
        "workflow for every list of the repository: check, fmt --check, verify of the commits "
        "under review, and on a pull request the diff against its target in the job summary. "
        "A hooks or CI file that curator wrote and nobody edited since is rewritten to cover "
        "the new list too; one you edited is left alone, and the lines it lacks are shown.",
    )
    p.add_argument("folder", metavar="DIR", type=Path)
    p.add_argument("--id", dest="list_id", metavar="ID", help="the list id (default: DIR's name)")
    p.add_argument("--title", metavar="T", help="the list's title")
    p.add_argument(
        "--chair-name", metavar="NAME", help="the chair's name (default: git config user.name)"
    )
    p.add_argument(
        "--chair-email",
        metavar="EMAIL",
        help="the chair's email, which recognises the chair (default: git config user.email)",
    )
    p.add_argument(
        "--source",
        metavar="SPEC",
        help="what the CI installs curator from: a git URL (git+https://…), an https URL of a "
        "wheel or sdist, or a wheel or sdist file (one outside the repository is copied into "
        f"{scaffold.ARCHIVES}/ to be committed); default: {DISTRIBUTION}=={__version__} from "
        "the package index, or what an earlier init was given",
    )
    p.add_argument(
        "--ci",
        choices=tuple(scaffold.CI_FILES),
        help="the forge to write CI for (default: those curator wrote for before, else github)",
    )
    p.set_defaults(func=init)


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


# ---------------------------------------------------------------- set-up


def git_setup(args: argparse.Namespace) -> int:
    setup = repo.git_setup(list_root(args))
    if setup.added_lines:
        print(f"{setup.attributes}: added {len(setup.added_lines)} line(s)")
    else:
        print(f"{setup.attributes}: already set up")
    registered = setup.registration
    names = f"{drivers.MERGE_DRIVER}, {drivers.TEXTCONV}"
    print(f"git config {names}: {registered.interpreter} -m curator")
    if registered.previous == drivers.BARE:
        print("replaced the bare `curator` git had (it works only with curator on PATH)")
    elif registered.previous:
        gone = "" if registered.previous_usable else " (it no longer exists)"
        print(f"replaced {registered.previous}{gone}")
    return 0


def init(args: argparse.Namespace) -> int:
    done = scaffold.init_list(
        args.folder,
        args.list_id,
        args.title,
        chair_name=args.chair_name,
        chair_email=args.chair_email,
        source=args.source,
        ci=args.ci,
    )
    if done.new_repository:
        print(f"{done.root}: new git repository")
    for path in done.created:
        print(f"created {path}")
    for path in done.updated:
        print(f"updated {path}")
    for kept in done.kept:
        print(f"kept {kept.path} ({kept.reason})")
        if kept.missing:
            print(f"  curator would have written there for {done.root}:")
            print("".join(f"    {line}" for line in kept.missing.splitlines(keepends=True)), end="")
    lagging = " (those kept above: by hand)" if any(k.missing for k in done.kept) else ""
    print(f"hooks and CI for {', '.join(done.lists)}{lagging}; the CI installs {done.install}")
    name, email = done.chair
    if done.chair_placeholder:
        print(
            f"list '{done.list_id}' ready: the chair is a placeholder ({name} <{email}>): "
            "put yours in list.toml (or set git config user.name and user.email first), then "
            "`git add` and commit"
        )
    else:
        print(f"list '{done.list_id}' ready, chaired by {name} <{email}>: `git add` and commit")
    return 0
