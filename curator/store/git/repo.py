"""What curator does to a list's git repository: releases, a control's history and `git-setup`
(the merge and diff drivers); `init` is in store.setup.scaffold."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import tomli

from curator.core import changelog, ids
from curator.core.diff import ControlChange, ListDiff, compare_controls, diff_lists
from curator.core.model import CatalogueItem, Control, ControlList
from curator.core.problems import CuratorError, InvalidValue
from curator.core.records import control_from
from curator.store.formats.atomic import clean_stale_temps, digest, write_atomic
from curator.store.formats.files import read_regular_or_none
from curator.store.formats.write import render
from curator.store.git import drivers, identity, plumbing, revisions
from curator.store.index.cache import blob_id
from curator.store.index.load import load

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
    section, a commit by the chair and the annotated tag `<list-id>/v<version>` — all of them
    or none (`_Pending`): a commit refused (a hook, a full disk) or a tag refused puts back
    what was written and committed; a release stopped part way (killed) is put back, or, once
    committed, tagged, by the next `release`."""
    place = plumbing.place_of(root)
    if not plumbing.has_commits(place.top):
        raise CuratorError("the repository has no commits yet: commit the list first")
    current = load(root)
    manifest = current.manifest
    if manifest is None:
        raise CuratorError("list.toml is missing or broken: run `curator check`")
    chair = identity.chair(manifest, root, member)
    author = (chair.name, chair.email) if chair.email else None
    key = plumbing.version_key(version)
    identity.require_own_identity(chair, root)  # the commit and the tag bear git's identity
    tag = plumbing.release_tag(manifest.id, version)
    plumbing.check_tag_name(place.top, tag)
    clean_stale_temps(root)  # a killed write's temp file is not an uncommitted change
    pending = _Pending.of(place, manifest.id)
    if pending is not None:
        if pending.resume(tag, author):
            current = load(root)  # as committed
            return _released(
                place, current, tag, plumbing.resolve(place.top, "HEAD"), pending.section
            )
        current = load(root)  # as it was before
    dirty = plumbing.dirty_paths(place)
    if dirty:
        shown = ", ".join(dirty[:5]) + (" …" if len(dirty) > 5 else "")
        raise CuratorError(
            f"the list folder has uncommitted changes ({shown}): commit or stash them first"
        )
    if current.problems:
        raise CuratorError(
            f"`curator check` finds {len(current.problems)} problem(s): fix them before a release"
        )
    latest = _latest(place, manifest.id)
    if latest is not None and key <= latest.key:
        raise CuratorError(
            f"version {version} is not greater than the last release {latest.version} "
            f"(tag {latest.tag})"
        )
    previous = revisions.load_revision(place, latest.tag) if latest else ControlList(manifest=None)
    diff = diff_lists(previous, current, latest.tag if latest else "", version)
    section = changelog.section(diff, version, today.isoformat(), latest.tag if latest else None)

    manifest_path, log_path = root / "list.toml", root / CHANGELOG
    before = {p: read_regular_or_none(p) for p in (manifest_path, log_path)}
    text = (before[manifest_path] or b"").decode("utf-8")
    data = tomli.loads(text)
    data["version"] = version
    new_log = changelog.prepend((before[log_path] or b"").decode("utf-8"), section)
    written = {manifest_path: render("list", data, text).encode(), log_path: new_log.encode()}
    subject = message or f"Release {manifest.id} {version}"
    head = plumbing.resolve(place.top, "HEAD")
    blobs = {
        place.repo_path(p.relative_to(root).as_posix()): blob_id(b) for p, b in written.items()
    }
    pending = _Pending(place, manifest.id, tag, head, subject, section, blobs)
    pending.start()
    try:
        for path, new in written.items():
            write_atomic(path, new, digest(before[path]))
        commit = plumbing.commit_files(place.top, list(blobs), subject, author)
    except CuratorError as err:
        raise pending.undone(f"the release commit was not made: {err.message}") from err
    try:
        plumbing.annotated_tag(place.top, tag, pending.tag_message, author)
    except CuratorError as err:
        raise pending.undone(f"the tag {tag} was refused: {err.message}", commit) from err
    pending.finish()
    return Released(tag, commit, latest.tag if latest else None, section, diff)


def _latest(place: plumbing.ListPlace, list_id: str) -> plumbing.Release | None:
    """The list's last release, which the next one is compared with."""
    tags = plumbing.releases(place.top, list_id)
    if not tags and plumbing.is_shallow(place.top):
        raise CuratorError(
            "this is a shallow clone without release tags, so the last release is unknown: "
            "run `git fetch --unshallow --tags` first"
        )
    return tags[-1] if tags else None


def _released(
    place: plumbing.ListPlace, current: ControlList, tag: str, commit: str, section: str
) -> Released:
    """What a release finished by a later run did: its commit tagged (`current`: the list as
    committed, compared with the release before it)."""
    assert current.manifest is not None
    found = [r for r in plumbing.releases(place.top, current.manifest.id) if r.tag != tag]
    latest = found[-1] if found else None
    previous = revisions.load_revision(place, latest.tag) if latest else ControlList(manifest=None)
    version = tag.rsplit("/v", 1)[-1]
    diff = diff_lists(previous, current, latest.tag if latest else "", version)
    return Released(tag, commit, latest.tag if latest else None, section, diff)


@dataclass(frozen=True)
class _Pending:
    """A release under way, noted in the repository's git folder (not in the list: it is no
    change of the list) before anything is written, and dropped once tagged: the HEAD it
    started from, the tag and its message, and the blob id of each file it writes. A run
    that finds one left (the release was killed) puts its files back, or, when its commit was
    made, tags it."""

    place: plumbing.ListPlace
    list_id: str
    tag: str
    head: str
    subject: str
    section: str
    blobs: Mapping[str, str]  # repository path: the blob id of what the release writes there

    @property
    def tag_message(self) -> str:
        return f"{self.subject}\n\n{self.section}"

    @staticmethod
    def note_of(place: plumbing.ListPlace, list_id: str) -> Path:
        where = plumbing.text(place.top, "rev-parse", "--git-path", f"curator-release-{list_id}")
        return place.top / where

    @classmethod
    def of(cls, place: plumbing.ListPlace, list_id: str) -> _Pending | None:
        """The release of this list a run left under way, if any."""
        note = read_regular_or_none(cls.note_of(place, list_id))
        if note is None:
            return None
        try:
            kept = json.loads(note)
            fields = (kept["tag"], kept["head"], kept["subject"], kept["section"])
            return cls(place, list_id, *fields, dict(kept["blobs"]))
        except (ValueError, KeyError, TypeError):
            raise CuratorError(
                f"{cls.note_of(place, list_id)} (a release under way) cannot be read: "
                "remove it, then run `git status` to see what the release left"
            ) from None

    def start(self) -> None:
        note = {
            "tag": self.tag,
            "head": self.head,
            "subject": self.subject,
            "section": self.section,
            "blobs": self.blobs,
        }
        write_atomic(self.note_of(self.place, self.list_id), json.dumps(note).encode())

    def finish(self) -> None:
        self.note_of(self.place, self.list_id).unlink(missing_ok=True)

    def resume(self, tag: str, author: tuple[str, str] | None) -> bool:
        """Finish what a killed run left: tag its commit (True), or put its files back (False:
        the release is to be made afresh)."""
        top = self.place.top
        head = plumbing.resolve(top, "HEAD")
        parent = plumbing.run(top, "rev-parse", "--verify", "--quiet", "HEAD^", check=False)
        if parent.stdout.decode().strip() == self.head and self._committed(head):
            if tag != self.tag:
                raise CuratorError(
                    f"the release {self.tag} was stopped after its commit, before its tag: "
                    f"run `curator release {self.tag.rsplit('/v', 1)[-1]}` to finish it first"
                )
            tagged = plumbing.run(
                top, "rev-parse", "--verify", "--quiet", f"{tag}^{{commit}}", check=False
            )
            if tagged.stdout.decode().strip() != head:  # (else stopped right after the tag)
                plumbing.annotated_tag(top, self.tag, self.tag_message, author)
            self.finish()
            return True
        if head == self.head:  # not committed: what it wrote goes back
            self._put_back(self.head)
        self.finish()  # (HEAD moved on since: nothing of it is left to finish)
        return False

    def undone(self, why: str, commit: str | None = None) -> CuratorError:
        """After a refusal: the commit (if made) and the files put back as they were; the
        error to raise, saying `why` and whether that worked."""
        try:
            if commit is not None:
                undo = ("update-ref", "-m", "curator: release undone", "HEAD", self.head, commit)
                plumbing.run(self.place.top, *undo)
            self._put_back(self.head)
        except CuratorError as stuck:
            return CuratorError(
                f"{why}; what it wrote could not be put back yet ({stuck.message}): "
                "`curator release` puts it back first when run again"
            )
        self.finish()
        return CuratorError(f"{why}; nothing was released, the list is as it was")

    def _committed(self, commit: str) -> bool:
        """Whether `commit` holds exactly the files this release wrote."""
        asked = [f"{commit}:{path}" for path in self.blobs]
        found = (
            plumbing.run(self.place.top, "rev-parse", *asked, check=False).stdout.decode().split()
        )
        return found == list(self.blobs.values())

    def _put_back(self, head: str) -> None:
        """The files as `head` has them, in the working tree and the index — unless changed
        since the release wrote them (then left alone, and the run stops)."""
        top = self.place.top
        for repo_path, written in self.blobs.items():
            path = top / repo_path
            now = read_regular_or_none(path)
            shown = plumbing.run(top, "cat-file", "blob", f"{head}:{repo_path}", check=False)
            then = shown.stdout if shown.returncode == 0 else None
            if now == then:
                continue
            if now is None or blob_id(now) != written:
                raise CuratorError(
                    f"{repo_path} was changed after the release wrote it; not undone"
                )
            if then is None:
                path.unlink()
            else:
                write_atomic(path, then, digest(now))
        plumbing.run(top, "reset", "--quiet", head, "--", *self.blobs, env=plumbing.LITERAL)


# ---------------------------------------------------------------- a control's history


@dataclass(frozen=True)
class ControlVersion:
    version: plumbing.FileVersion
    control_id: str  # the id in this version (a rename changes it)
    change: ControlChange | None  # against the commit's parent; None when unreadable
    problem: str = ""  # why this version could not be read


def control_history(
    root: Path, control_id: str, catalogue: Mapping[str, CatalogueItem]
) -> list[ControlVersion]:
    """The committed versions of a control, newest first, following renames; each is compared
    with the file in its commit's parent (catalogue: the items newly captured and released)."""
    if not ids.is_control_id(control_id):
        raise InvalidValue(f"'{control_id}' is not a valid control id (e.g. 3A090)")
    place = plumbing.place_of(root)
    versions = plumbing.file_history(place.top, place.repo_path(f"controls/{control_id}.toml"))
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
        shown = after or before
        assert shown is not None  # (neither readable: a problem, above)
        found.append(ControlVersion(version, shown.id, change))
    return found


def _control_at(repo_path: str, raw: bytes | None) -> tuple[Control | None, str]:
    """A control from one version of its file, or why it cannot be read."""
    if raw is None:
        return None, ""
    rel = "controls/" + repo_path.rsplit("/", 1)[-1]
    result = revisions.SHARED_CACHE.read("control", rel, raw)
    if result.data is None:
        return None, result.problems[0].render() if result.problems else f"{rel}: cannot be read"
    return control_from(result.data, rel), ""


def control_in(version: ControlVersion) -> Control | None:
    """The control as it stood in `version` (None when deleted or unreadable there)."""
    raw = version.version.raw
    if raw is None:
        return None
    rel = "controls/" + version.version.path.rsplit("/", 1)[-1]
    result = revisions.SHARED_CACHE.read("control", rel, raw)
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
    place = plumbing.place_of(root)
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
