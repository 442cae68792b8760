"""The public-comment package (docs/design.md §6): built from the allow-list, written without
clobbering, whole.

`build` is pure over loaded lists (core views → templates → bytes); `prepare` finds the revision
and the earlier release in git; `write` makes the package in a folder beside the output folder
and puts it in place, replacing only files an earlier publish wrote there, as listed in its
`.curator-publish` file.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from curator.core import destinations as places
from curator.core import publication
from curator.core.model import ControlList
from curator.core.problems import CuratorError, InvalidValue
from curator.core.publication import RedlineEntry
from curator.publish.render import Against, Renderer, default_renderer
from curator.store.formats.atomic import WriteFailed, is_temp, left_over, temp_name, write_many
from curator.store.formats.files import read_regular
from curator.store.formats.layout import DEFINITIONS
from curator.store.git import plumbing, revisions
from curator.store.index.cross_checks import Unchecked
from curator.store.records import destinations

MANIFEST = ".curator-publish"
MAX_MANIFEST = 1024 * 1024  # what an earlier publish's manifest may hold: a few names
MANIFEST_HEADER = "# Files written by `curator publish`; `--force` replaces only these.\n"


@dataclass(frozen=True)
class Package:
    files: Mapping[str, bytes]  # name → bytes, by name
    controls: int
    changes: tuple[RedlineEntry, ...]
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
    described: dict[str, str] = {}  # the criteria in words, for both revisions' views
    document = publication.public_list(loaded, revision, described)
    for view in document["controls"]:
        if licensing and view["id"] in licensing:
            view.update(places.licensing_view(licensing[view["id"]]))
    current = {view["id"]: view for view in document["controls"]}
    changes = publication.redline(old, loaded, current, described)
    files = (renderer or default_renderer()).package(document, changes, against, old is not None)
    return Package(files, len(document["controls"]), changes, against, revision)


def prepare(root: Path, loaded: ControlList, against: str | None = None) -> Package:
    """The package for the list in folder `root`, compared with `against` (default: the latest
    release tag `<list-id>/v*`; none outside git or before the first release)."""
    place = _place(root, required=against is not None)
    licensing = destinations.load(root).book.licensing
    if place is None or not plumbing.has_commits(place.top):
        if against is not None:
            raise InvalidValue(f"unknown revision '{against}': the repository has no commits")
        return build(loaded, licensing=licensing)
    head = plumbing.resolve(place.top, "HEAD")
    uncommitted = bool(plumbing.dirty_paths(place, DEFINITIONS))  # what is published, only
    revision = f"{head} with uncommitted changes" if uncommitted else head
    chosen = None
    if against is not None:
        chosen = Against(against, plumbing.resolve(place.top, against))
    elif loaded.manifest is not None:
        latest = plumbing.latest_release(place.top, loaded.manifest.id)
        if latest is not None:
            chosen = Against(f"release {latest.tag}", plumbing.resolve(place.top, latest.tag))
    # the earlier release is compared with, not checked: its cross-file checks are not run
    old = (
        revisions.load_revision(place, chosen.revision, folders=DEFINITIONS, watch=Unchecked())
        if chosen
        else None
    )
    package = build(loaded, old, revision=revision, against=chosen, licensing=licensing)
    return replace(package, uncommitted=uncommitted)


def _place(root: Path, required: bool) -> plumbing.ListPlace | None:
    try:
        return plumbing.place_of(root)
    except CuratorError:
        if required:
            raise
        return None


def write(out: Path, root: Path, files: Mapping[str, bytes], force: bool = False) -> None:
    """Write `files` into `out`, never into the list, never over a stranger's file, whole: the
    package is made in a folder beside `out` and put in place at once (renamed onto it); into
    an earlier package (`force`) its files are moved in one by one, each whole, once all of
    them are on disk. A failure leaves `out` as it was."""
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
    listing = MANIFEST_HEADER + "".join(f"{name}\n" for name in sorted(files))
    # the manifest first: files a crash leaves behind are still known as ours next time
    package = {MANIFEST: listing.encode("utf-8"), **dict(sorted(files.items()))}
    made = _made_beside(target, package)
    try:
        if present:
            for name in package:
                os.replace(made / name, target / name)
        else:
            os.replace(made, target)  # (onto an empty folder too: it is replaced)
    except OSError as err:
        raise CuratorError(
            f"{out}: cannot put the package in place: {err.strerror or err}; "
            + ("the files not listed above are as they were" if present else "nothing was written")
        ) from err
    finally:
        if made.exists():
            shutil.rmtree(made, ignore_errors=True)


def _made_beside(target: Path, package: Mapping[str, bytes]) -> Path:
    """A folder beside `target` holding the package, on disk: named as the atomic writer's
    temp files are (one a killed publish left is removed here, as theirs are); readable by
    everyone, whatever the umask (a package is public)."""
    folder = target.parent / temp_name()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        for left in _left_beside(target.parent):
            shutil.rmtree(left, ignore_errors=True)
        folder.mkdir()
        folder.chmod(0o755)
        failed = [
            err for err in write_many((folder / n, d, None) for n, d in package.items()) if err
        ]
        if failed:
            raise failed[0]
        for name in package:
            (folder / name).chmod(0o644)
    except BaseException as err:
        shutil.rmtree(folder, ignore_errors=True)
        if isinstance(err, OSError) and not isinstance(err, CuratorError):
            raise WriteFailed(folder, err) from err
        raise
    return folder


def _left_beside(parent: Path) -> list[Path]:
    """Package folders killed publishes left in `parent` (their process is gone)."""
    with os.scandir(parent) as entries:
        return [
            Path(e.path)
            for e in entries
            if is_temp(e.name) and e.is_dir(follow_symlinks=False) and left_over(e)
        ]


def written_before(folder: Path) -> set[str]:
    """The files an earlier publish wrote in `folder`, from its manifest."""
    try:
        text = read_regular(folder / MANIFEST, MAX_MANIFEST).decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return set()
    return {line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"}
