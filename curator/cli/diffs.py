"""diff: what changed between two versions of the list, control by control, and in its
licensing."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from curator.cli.common import (
    add_format,
    add_list,
    list_root,
    markdown_inert,
    preload,
    print_json,
)
from curator.core import destinations as places
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
from curator.core.problems import InvalidValue
from curator.store.formats.layout import DEFINITIONS
from curator.store.git import plumbing, revisions
from curator.store.index.cross_checks import Unchecked
from curator.store.records import destinations

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
        "captured and released; a list not in A is new, every control of it added. "
        "--format markdown writes the table a reviewer reads on a pull request. "
        "Example: curator diff HEAD~1 HEAD.",
    )
    p.add_argument("revisions", nargs="*", metavar="A [B]", help="revisions to compare")
    add_list(p)
    add_format(p, "markdown")
    p.set_defaults(func=diff)


# ---------------------------------------------------------------- diff


def diff(args: argparse.Namespace) -> int:
    if len(args.revisions) > 2:
        raise InvalidValue("diff takes at most two revisions: A [B]")
    root = list_root(args)
    preload("curator.core.columns")  # judging the catalogue takes numpy: imported meanwhile
    place = plumbing.place_of(root)
    target = args.revisions[1] if len(args.revisions) == 2 else None
    given = args.revisions[0] if args.revisions else None
    try:
        old, new, given, new_list = _sides(place, root, given, target)
    except InvalidValue:
        if plumbing.has_commits(place.top):  # asked only when a revision is unknown
            raise
        raise InvalidValue("the repository has no commits yet: nothing to compare with") from None
    result = diff_lists(old, new, given, target or plumbing.WORKTREE)
    policy = _policy_changes(place, root, given, target, new)
    if args.format == "markdown":
        name = new.manifest.id if new.manifest is not None else place.folder
        print("\n".join(diff_markdown(result, name, new_list) + _policy_markdown(policy or ())))
    elif args.format == "json":
        for control_id in result.not_compared:  # the text output lists them itself
            print(
                f"curator: {control_id} cannot be read on one side: not compared", file=sys.stderr
            )
        for problem in result.not_read:
            print(f"curator: not read in {result.target}: {problem.render()}", file=sys.stderr)
        document = result.as_json()
        if policy is not None:  # a list with licensing files
            document["licensing"] = [c.as_json() for c in policy]
        print_json(document)
    else:
        print("\n".join(diff_text(result) + _policy_text(policy or ())))
    return 0


def _sides(
    place: plumbing.ListPlace, root: Path, given: str | None, target: str | None
) -> tuple[ControlList, ControlList, str, bool]:
    """The two lists compared (the working tree for no `target`), the revision of the older
    one (for no `given`: the last release, else HEAD) and whether the list is new since."""
    # a diff compares the controls and the catalogue: discussion is not read
    new_list = given is not None and not plumbing.has_file(
        place.top, given, place.repo_path("list.toml")
    )
    if new_list:
        print(f"curator: no list at {place.folder} in {given}: all of it is new", file=sys.stderr)
        old = ControlList(manifest=None)
        new = revisions.load_side(place, root, target, DEFINITIONS)
    elif given is not None and target is not None:
        old, new = revisions.load_differing(place, given, target)
    else:
        new = revisions.load_side(place, root, target, DEFINITIONS)
        # compared with, not checked (as `publish` reads the release: the same kept list)
        given = given or _default_source(place, new)
        old = revisions.load_revision(place, given, folders=DEFINITIONS, watch=Unchecked())
    assert given is not None
    return old, new, given, new_list


def _policy_changes(
    place: plumbing.ListPlace, root: Path, given: str, target: str | None, new: ControlList
) -> tuple[places.PolicyChange, ...] | None:
    """Changes of licensing (groups, requirements, review policies, exceptions), judged on the
    items the new version of each control captures; None for a list with no licensing files
    on either side."""
    old_book = destinations.load_revision(place, given).book
    if target is None:
        new_book = destinations.load(root).book
    else:
        new_book = destinations.load_revision(place, target).book
    if not (old_book.licensing or new_book.licensing):
        return None
    from curator.core import weigh  # numpy: imported meanwhile (`diff` preloads it while git runs)

    captures = {
        cid: weigh.captured_by(new.controls[cid], new.parameters, new.catalogue, new.manifest)
        for cid in {*old_book.licensing, *new_book.licensing}
        if cid in new.controls
    }
    return places.policy_changes(old_book, new_book, captures, new.catalogue)


def _policy_text(changes: Sequence[places.PolicyChange]) -> list[str]:
    if not changes:
        return []
    lines = ["", f"Licensing changed ({len(changes)}):"]
    for change in changes:
        lines += [f"  {change.control}  {change.effect}", f"      e.g. {change.witness()}"]
    return lines


def _policy_markdown(changes: Sequence[places.PolicyChange]) -> list[str]:
    if not changes:
        return []
    md = markdown_inert
    lines = ["#### Licensing changed", "", "| Control | Effect | Witness |", "| --- | --- | --- |"]
    for change in changes:
        lines.append(f"| **{md(change.control)}** | **{change.effect}** | {md(change.witness())} |")
    return [*lines, ""]


def _default_source(place: plumbing.ListPlace, new: ControlList) -> str:
    """The latest release tag of the list, else HEAD."""
    if new.manifest is not None:
        latest = plumbing.latest_release(place.top, new.manifest.id)
        if latest is not None:
            return latest.tag
        if plumbing.is_shallow(place.top):
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
    also = also_changed(result)
    if also:
        lines += ["", f"Also changed: {also}"]
    if result.not_compared:
        lines += ["", f"Not compared (a file cannot be read): {', '.join(result.not_compared)}"]
    if result.not_read:
        lines += ["", f"Not read in {result.target} (`curator check` says the same):"]
        lines += [f"  {problem.render()}" for problem in result.not_read]
    return lines


def diff_markdown(result: ListDiff, list_name: str, new_list: bool = False) -> list[str]:
    """What a reviewer reads on a pull request: a table of the changed controls, each with its
    effect, a witness and the catalogue items it newly captures and releases. Everything taken
    from the list or the command line is made inert: list files may be hostile."""
    count = len(result.controls)
    noun = "control" if count == 1 else "controls"
    md = markdown_inert
    lines = [
        f"### {md(list_name)}: {count} {noun} changed",
        "",
        f"From {md(_short(result.source))} to {md(_short(result.target))}."
        + (" A new list: it is not in the earlier revision." if new_list else ""),
    ]
    if not result.controls:
        lines += ["", "No control changed."]
    else:
        lines += [
            "",
            "Each effect holds for every possible item, not only the catalogue's; the items "
            "named are catalogue items whose capture changed.",
            "",
            "| Control | Change | Effect | Witness | Newly captured | Released |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
    for _, changes in result.by_effect():
        for change in changes:
            effect = f"**{change.effect}**" if change.effect else "—"
            if change.unreadable:
                effect = f"not compared: {md(change.unreadable)}"
            cells = [
                f"**{md(change.id)}** {md(change.title)}",
                md(what_changed(change)) or "—",
                effect,
                f"e.g. {md(change.witness)}" if change.witness else "—",
                md(", ".join(change.newly_captured)) or "—",
                md(", ".join(change.released)) or "—",
            ]
            lines.append(f"| {' | '.join(cells)} |")
    also = also_changed(result)
    if also:
        lines += ["", f"Also changed: {md(also)}."]
    if result.not_compared:
        lines += [
            "",
            f"Not compared (a file cannot be read): {md(', '.join(result.not_compared))}.",
        ]
    if result.not_read:
        lines += ["", f"Not read in {md(result.target)}:", ""]
        lines += [f"- {md(problem.render())}" for problem in result.not_read]
    return [*lines, ""]


def also_changed(result: ListDiff) -> str:
    """What changed besides the controls: list.toml's keys, catalogue items (+ added, - removed,
    ~ changed)."""
    also = []
    if result.list_fields:
        also.append(f"list.toml ({', '.join(result.list_fields)})")
    if result.catalogue:
        marks = {ADDED: "+", REMOVED: "-"}
        items = ", ".join(f"{marks.get(change, '~')}{item}" for item, change in result.catalogue)
        also.append(f"catalogue ({items})")
    return "; ".join(also)


def _short(revision: str) -> str:
    """A full commit id as reviewers see one; other names as given."""
    return revision[:12] if re.fullmatch(r"[0-9a-f]{40}", revision) else revision


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
