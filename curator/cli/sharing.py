"""verify, sync: the committee's work through git (who committed what; one's own changes
committed, pulled and pushed)."""

from __future__ import annotations

import argparse
import sys

from curator.cli.common import add_as, add_format, add_list, inert, list_root, print_json
from curator.cli.discussion import committee_list
from curator.store.git import sync as syncing
from curator.store.records import provenance


def register(verbs: argparse._SubParsersAction) -> None:
    p = verbs.add_parser(
        "verify",
        help="check from git history who committed comments and chair-only changes",
        description="Walk the commits in RANGE (A..B; default: the whole history) that change "
        "the list and report comments not committed by their author, comments changed after "
        "they were added, changes only the chair may make made by others, changes by "
        "non-members, files that cannot be read, and release tags not made by the chair. "
        "Exit 1 on any finding.",
    )
    p.add_argument("span", metavar="RANGE", nargs="?", help="A..B, or a revision and its history")
    p.add_argument(
        "--require-signatures",
        action="store_true",
        help="a comment or chair-only change not signed by its author's key is a finding",
    )
    add_list(p)
    add_format(p)
    p.set_defaults(func=verify)

    p = verbs.add_parser(
        "sync",
        help="check, commit your changes, pull and push",
        description="Run `check`, commit your own changes to the list under your git identity "
        "(other members' comments are left for them), pull with rebase, check again and push "
        "when the branch has an upstream. On a conflict, stop and say what to do.",
    )
    p.add_argument("-m", "--message", dest="message", metavar="MESSAGE", help="the commit message")
    p.add_argument(
        "--force-unchecked",
        action="store_true",
        help="commit and push although `check` finds problems (recorded in the commit message)",
    )
    add_as(p)
    add_list(p)
    p.set_defaults(func=sync)


def verify(args: argparse.Namespace) -> int:
    root = list_root(args)
    _, manifest = committee_list(root)
    result = provenance.verify(root, args.span, manifest, args.require_signatures)
    if args.format == "json":
        print_json(result.as_json())
        return 0 if result.ok else 1
    for commit in result.commits:
        print(
            f"{commit.sha[:12]}  signature {commit.signature:<5}  "
            + inert(f"{commit.author} <{commit.email}>  {commit.subject}")
        )
    for problem in result.problems:
        print(inert(problem.render()))
    noun = "commit" if len(result.commits) == 1 else "commits"
    tags = f", {len(result.tags)} release tags" if result.tags else ""
    summary = f"{len(result.commits)} {noun}{tags} checked in {result.span}"
    unsigned = sum(1 for c in result.commits if c.signature == "none")
    if unsigned:
        summary += f" ({unsigned} unsigned)"
    if result.skipped:
        summary += f", {result.skipped} other{'' if result.skipped == 1 else 's'} skipped "
        summary += "(no list file changed)"
    found = len(result.problems)
    problems = f"{found} problem{'' if found == 1 else 's'}" if found else "no problems"
    print(f"{summary}, {problems}", file=sys.stderr)
    return 0 if result.ok else 1


def sync(args: argparse.Namespace) -> int:
    root = list_root(args)
    _, manifest = committee_list(root)
    result = syncing.sync(root, manifest, args.as_member, args.message, args.force_unchecked)
    for line in result.summary().split("\n"):  # a file's name may hold any other character
        print(inert(line))
    return 0
