"""publish: the public-comment package (index.html, list.json, notice.md, changes.html)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from curator.cli.common import add_as, add_list, list_root
from curator.core.problems import CuratorError
from curator.core.publication import KINDS
from curator.store.formats.layout import DEFINITIONS
from curator.store.git import identity
from curator.store.index.cache import gc_paused
from curator.store.index.load import load


def register(verbs: argparse._SubParsersAction) -> None:
    p = verbs.add_parser(
        "publish",
        help="write the package for public comment (chair)",
        description="Write index.html, list.json (with its schema), notice.md and changes.html "
        "for the public controls with a publishable status. Only the chair publishes.",
    )
    add_list(p)
    p.add_argument(
        "--out", required=True, metavar="DIR", help="the folder to write (outside the list)"
    )
    p.add_argument(
        "--against",
        metavar="REV",
        help="the earlier version changes.html compares with (default: the latest release tag)",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="write into a non-empty folder, replacing only files an earlier publish wrote",
    )
    add_as(p)
    p.set_defaults(func=publish)


def publish(args: argparse.Namespace) -> int:
    root = list_root(args)
    loaded = load(root, folders=DEFINITIONS)  # nothing of the discussion is ever published
    if loaded.manifest is None:
        raise CuratorError("list.toml is broken: run `curator check`")
    identity.chair(loaded.manifest, root, args.as_member)
    from curator import publish as publisher  # Jinja2 and Markdown: only when publishing

    with gc_paused():  # the views and pages: 10^5 containers, all kept until written
        package = publisher.prepare(root, loaded, args.against)
    out = Path(args.out)
    publisher.write(out, root, package.files, force=args.force)
    docket = loaded.manifest.docket
    assert docket is not None  # prepare refuses a list without one
    noun = "control" if package.controls == 1 else "controls"
    print(
        f"published {package.controls} {noun} for comment on docket {docket.id} "
        f"(comments due {docket.comment_deadline}) to {out}: {', '.join(package.files)}"
    )
    counts = {kind: sum(1 for c in package.changes if c.kind == kind) for kind in KINDS}
    since = package.against.label if package.against else "no earlier release"
    print(f"changes since {since}: " + ", ".join(f"{n} {kind}" for kind, n in counts.items()))
    if package.uncommitted:
        print("note: the list has uncommitted changes; the package says so", file=sys.stderr)
    return 0
