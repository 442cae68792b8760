"""The public-comment package (DESIGN.md §6): built from the allow-list, written without clobbering.

`build` is pure over loaded lists (core views → templates → bytes); `prepare` finds the revision
and the earlier release in git; `write` puts the files in the output folder, replacing only files
an earlier publish wrote there, as listed in its `.curator-publish` file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from curator.core import destinations as places
from curator.core import publication
from curator.core.model import ControlList
from curator.core.problems import CuratorError
from curator.core.publication import Change
from curator.publish.render import Against, Renderer, default_renderer
from curator.store import destinations, git
from curator.store.atomic import current_digest, write_atomic
from curator.store.incremental import Unchecked
from curator.store.source import DEFINITIONS

MANIFEST = ".curator-publish"
MANIFEST_HEADER = "# Files written by `curator publish`; `--force` replaces only these.\n"


@dataclass(frozen=True)
class Package:
    files: Mapping[str, bytes]  # name → bytes, by name
    controls: int
    changes: tuple[Change, ...]
    against: Against | None
    revision: str
    uncommitted: bool = False  # built from a working tree that differs from its commit


def build(
    loaded: ControlList,
    old: ControlList | None = None,
    *,
    revision: str = "",
    against: Against | None = None,
    renderer: Renderer | None = None,
    licensing: Mapping[str, places.Licensing] | None = None,
) -> Package:
    """Every file of the package, or a CuratorError saying why nothing can be published.
    `licensing`: the controls' licence requirements and exceptions, published with them."""
    document = publication.public_list(loaded, revision)
    for view in document["controls"]:
        if licensing and view["id"] in licensing:
            view.update(places.licensing_view(licensing[view["id"]]))
    current = {view["id"]: view for view in document["controls"]}
    changes = publication.redline(old, loaded, current)
    files = (renderer or default_renderer()).package(document, changes, against)
    return Package(files, len(document["controls"]), changes, against, revision)


def prepare(root: Path, loaded: ControlList, against: str | None = None) -> Package:
    """The package for the list in folder `root`, compared with `against` (default: the latest
    release tag `<list-id>/v*`; none outside git or before the first release)."""
    place = _place(root, required=against is not None)
    licensing = destinations.load(root).book.licensing
    if place is None or not git.has_commits(place.top):
        if against is not None:
            raise CuratorError(f"unknown revision '{against}': the repository has no commits", 2)
        return build(loaded, licensing=licensing)
    head = git.resolve(place.top, "HEAD")
    uncommitted = bool(git.dirty_paths(place, DEFINITIONS))  # what is published, only
    revision = f"{head} with uncommitted changes" if uncommitted else head
    chosen = None
    if against is not None:
        chosen = Against(against, git.resolve(place.top, against))
    elif loaded.manifest is not None:
        latest = git.latest_release(place.top, loaded.manifest.id)
        if latest is not None:
            chosen = Against(f"release {latest.tag}", git.resolve(place.top, latest.tag))
    # the earlier release is compared with, not checked: its cross-file checks are not run
    old = (
        git.load_revision(place, chosen.revision, folders=DEFINITIONS, watch=Unchecked())
        if chosen
        else None
    )
    package = build(loaded, old, revision=revision, against=chosen, licensing=licensing)
    return replace(package, uncommitted=uncommitted)


def _place(root: Path, required: bool) -> git.ListPlace | None:
    try:
        return git.place_of(root)
    except CuratorError:
        if required:
            raise
        return None


def write(out: Path, root: Path, files: Mapping[str, bytes], force: bool = False) -> None:
    """Write `files` into `out`, atomically, never into the list, never over a stranger's file."""
    target, list_folder = out.resolve(), root.resolve()
    if target.is_relative_to(list_folder):
        raise CuratorError(
            f"{out} is inside the list folder {root}: publish to a folder outside the list"
        )
    if target.exists() and not target.is_dir():
        raise CuratorError(f"{out} is not a folder")
    present = sorted(p.name for p in target.iterdir()) if target.is_dir() else []
    if present and not force:
        raise CuratorError(
            f"{out} is not empty: pass --force to replace the files an earlier "
            "`curator publish` wrote there (nothing else is touched)"
        )
    ours = written_before(target)
    strangers = [name for name in files if name in present and name not in ours]
    if strangers:
        raise CuratorError(
            f"{out}: {', '.join(strangers)} not written by `curator publish` "
            f"(not listed in {MANIFEST}); move {'it' if len(strangers) == 1 else 'them'} "
            "away or publish to another folder"
        )
    # the manifest first: files a crash leaves behind are still known as ours next time
    listing = MANIFEST_HEADER + "".join(f"{name}\n" for name in sorted(files))
    for name, data in ((MANIFEST, listing.encode("utf-8")), *sorted(files.items())):
        path = target / name
        write_atomic(path, data, expected=current_digest(path))
        path.chmod(0o644)  # a published package is for everyone to read, whatever the umask


def written_before(folder: Path) -> set[str]:
    """The files an earlier publish wrote in `folder`, from its manifest."""
    try:
        text = (folder / MANIFEST).read_text("utf-8")
    except (FileNotFoundError, NotADirectoryError, UnicodeDecodeError):
        return set()
    return {line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"}
