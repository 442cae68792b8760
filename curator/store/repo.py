"""What curator does to a list's git repository: releases, a control's history and `git-setup`
(the merge and diff drivers); `init` is in store.scaffold."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli

from curator.core import changelog, ids
from curator.core.diff import ControlChange, ListDiff, compare_controls, diff_lists
from curator.core.model import CatalogueItem, Control, ControlList
from curator.core.problems import CuratorError
from curator.core.records import control_from
from curator.store import drivers, git, identity
from curator.store.atomic import clean_stale_temps, current_digest, digest, write_atomic
from curator.store.load import load
from curator.store.schemas import shape
from curator.store.tomltext import canonical
from curator.store.write import render

CHANGELOG = "CHANGELOG.md"
ATTRIBUTES = "merge=curator diff=curator"
ATTRIBUTES_NOTE = "# curator: merge list files field by field and diff them readably"


# ---------------------------------------------------------------- release


@dataclass(frozen=True)
class Released:
    tag: str
    commit: str
    previous: str | None  # the release compared with
    section: str  # the CHANGELOG.md section written
    diff: ListDiff


def release(
    root: Path, version: str, member: str | None, message: str | None, today: dt.date
) -> Released:
    """Cut release `version` of the list in `root`: version in list.toml, a CHANGELOG.md
    section, a commit by the chair and the annotated tag `<list-id>/v<version>`."""
    place = git.place_of(root)
    if not git.has_commits(place.top):
        raise CuratorError("the repository has no commits yet: commit the list first")
    current = load(root)
    manifest = current.manifest
    if manifest is None:
        raise CuratorError("list.toml is missing or broken: run `curator check`")
    chair = identity.chair(manifest, root, member)
    key = git.version_key(version)
    identity.require_own_identity(chair, root)  # the commit and the tag bear git's identity
    clean_stale_temps(root)  # a killed write's temp file is not an uncommitted change
    dirty = git.dirty_paths(place)
    if dirty:
        shown = ", ".join(dirty[:5]) + (" …" if len(dirty) > 5 else "")
        raise CuratorError(
            f"the list folder has uncommitted changes ({shown}): commit or stash them first"
        )
    if current.problems:
        raise CuratorError(
            f"`curator check` finds {len(current.problems)} problem(s): fix them before a release"
        )
    tags = git.releases(place.top, manifest.id)
    if not tags and git.is_shallow(place.top):
        raise CuratorError(
            "this is a shallow clone without release tags, so the last release is unknown: "
            "run `git fetch --unshallow --tags` first"
        )
    latest = tags[-1] if tags else None
    if latest is not None and key <= latest.key:
        raise CuratorError(
            f"version {version} is not greater than the last release {latest.version} "
            f"(tag {latest.tag})"
        )
    tag = git.release_tag(manifest.id, version)
    previous = git.load_revision(place, latest.tag) if latest else ControlList(manifest=None)
    diff = diff_lists(previous, current, latest.tag if latest else "", version)
    section = changelog.section(diff, version, today.isoformat(), latest.tag if latest else None)

    manifest_path, log_path = root / "list.toml", root / CHANGELOG
    before = {p: p.read_bytes() if p.exists() else None for p in (manifest_path, log_path)}
    manifest_raw = before[manifest_path] or b""
    data = tomli.loads(manifest_raw.decode("utf-8"))
    data["version"] = version
    text = manifest_raw.decode("utf-8")
    old_log = before[log_path]
    new_log = changelog.prepend((old_log or b"").decode("utf-8"), section)
    author = (chair.name, chair.email) if chair.email else None
    subject = message or f"Release {manifest.id} {version}"
    written = {manifest_path: render("list", data, text).encode(), log_path: new_log.encode()}
    try:  # both files and the commit, or neither
        for path, new in written.items():
            write_atomic(path, new, digest(before[path]))
        commit = git.commit_files(
            place.top, [place.repo_path("list.toml"), place.repo_path(CHANGELOG)], subject, author
        )
    except CuratorError:
        _restore(before, written)
        raise
    git.annotated_tag(place.top, tag, f"{subject}\n\n{section}", author)
    return Released(tag, commit, latest.tag if latest else None, section, diff)


def _restore(before: dict[Path, bytes | None], written: dict[Path, bytes]) -> None:
    """Put back the files a release wrote when it could not finish; a file it did not get to
    write, or that someone changed since, is left alone."""
    for path, raw in before.items():
        ours = digest(written[path])
        if current_digest(path) != ours:
            continue
        if raw is None:
            path.unlink(missing_ok=True)
        else:
            write_atomic(path, raw, ours)


# ---------------------------------------------------------------- a control's history


@dataclass(frozen=True)
class ControlVersion:
    version: git.FileVersion
    control_id: str  # the id in this version (a rename changes it)
    change: ControlChange | None  # against the commit's parent; None when unreadable
    problem: str = ""  # why this version could not be read


def control_history(
    root: Path, control_id: str, catalogue: Mapping[str, CatalogueItem]
) -> list[ControlVersion]:
    """The committed versions of a control, newest first, following renames; each is compared
    with the file in its commit's parent (catalogue: the items newly captured and released)."""
    if not ids.is_control_id(control_id):
        raise CuratorError(f"'{control_id}' is not a valid control id (e.g. 3A090)", 2)
    place = git.place_of(root)
    versions = git.file_history(place.top, place.repo_path(f"controls/{control_id}.toml"))
    if not versions:
        raise CuratorError(f"{control_id} has no committed versions in this repository")
    found = []
    for version in versions:
        after, after_problem = _control_at(version.path, version.raw)
        before, before_problem = _control_at(version.previous_path, version.before)
        stem = version.path.rsplit("/", 1)[-1].removesuffix(".toml")
        problem = after_problem or before_problem
        if problem or (before is None and after is None):
            found.append(ControlVersion(version, stem, None, problem or "no readable version"))
            continue
        change = compare_controls(before, after, catalogue)
        found.append(ControlVersion(version, (after or before).id, change))
    return found


def _control_at(repo_path: str, raw: bytes | None) -> tuple[Control | None, str]:
    """A control from one version of its file, or why it cannot be read."""
    if raw is None:
        return None, ""
    rel = "controls/" + repo_path.rsplit("/", 1)[-1]
    result = git.SHARED_CACHE.read("control", rel, raw)
    if result.data is None:
        return None, result.problems[0].render() if result.problems else f"{rel}: cannot be read"
    return control_from(result.data, rel), ""


def control_in(version: ControlVersion) -> Control | None:
    """The control as it stood in `version` (None when deleted or unreadable there)."""
    raw = version.version.raw
    if raw is None:
        return None
    rel = "controls/" + version.version.path.rsplit("/", 1)[-1]
    result = git.SHARED_CACHE.read("control", rel, raw)
    return control_from(result.data, rel) if result.data is not None else None


# ---------------------------------------------------------------- git-setup


@dataclass(frozen=True)
class Setup:
    attributes: Path
    added_lines: tuple[str, ...]
    registration: drivers.Registration  # what git runs for list files


def attribute_lines(prefix: str) -> list[str]:
    """The .gitattributes lines: every list under lists/, and this list wherever it sits."""
    patterns = ["lists/**/list.toml", "lists/**/controls/*.toml", "lists/**/catalogue/*.toml"]
    if not prefix.startswith("lists/"):
        patterns += [f"/{prefix}list.toml", f"/{prefix}controls/*.toml"]
        patterns += [f"/{prefix}catalogue/*.toml"]
    return [f"{pattern} {ATTRIBUTES}" for pattern in patterns]


def git_setup(root: Path, interpreter: str = sys.executable) -> Setup:
    """Register the merge driver and the readable diff for the repository of list `root`, run
    by `interpreter` (by default the one running this)."""
    place = git.place_of(root)
    path = place.top / ".gitattributes"
    raw = path.read_bytes() if path.exists() else None
    lines = (raw or b"").decode("utf-8").splitlines()
    wanted = attribute_lines(place.prefix)
    patterns = {line.split()[0]: i for i, line in enumerate(lines) if line.strip()}
    added: list[str] = []
    for line in wanted:
        pattern = line.split()[0]
        if pattern in patterns:
            lines[patterns[pattern]] = line  # the pattern's attributes become curator's
        else:
            if not added and ATTRIBUTES_NOTE not in lines:
                lines += ([""] if lines and lines[-1].strip() else []) + [ATTRIBUTES_NOTE]
            lines.append(line)
            added.append(line)
    new = ("\n".join(lines) + "\n").encode("utf-8")
    if new != raw:
        write_atomic(path, new, digest(raw))
    return Setup(path, tuple(added), drivers.register(place.top, interpreter))


def readable(raw: bytes) -> str:
    """A list file for `git diff`: canonical TOML with comments dropped, or the text as it is
    when it cannot be read (a conflict, a syntax error)."""
    text = raw.decode("utf-8", "replace")
    try:
        data = tomli.loads(text)
        return canonical(data, shape(_kind_of_data(data)))
    except (tomli.TOMLDecodeError, TypeError, RecursionError):
        return text


def _kind_of_data(data: dict[str, Any]) -> str:
    """Which kind of list file this data is, from its keys (textconv gets no file name)."""
    if "tracking_number" in data:
        return "public-comment"
    if "author" in data and "at" in data:
        return "comment"
    if "members" in data or "parameters" in data or "areas" in data:
        return "list"
    if "status" in data or "items" in data:
        return "control"
    return "item"
