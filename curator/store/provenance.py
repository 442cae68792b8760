"""Provenance from git history (docs/design.md §5): who committed each comment and each chair-only
change, whether any comment changed after it was added, and who tagged each release.

Members and emails are taken from list.toml as it stood before each commit, so a commit cannot
vouch for itself by editing the member list; the commit that creates list.toml founds the list
and has nobody to answer to. Signatures are reported; an unsigned commit is not
a finding, a bad signature is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli

from curator.core import lifecycle, records
from curator.core.model import Manifest, Member
from curator.store import git
from curator.store.source import kind_of

NO_OBJECT = "0" * 40
SIGNATURES = {
    "G": "good",
    "U": "good",  # good, from a key not marked trusted
    "B": "bad",
    "N": "none",
    "X": "expired",
    "Y": "expired",
    "R": "revoked",
    "E": "unverifiable",  # no key or no gpg to check with
}
# A name, an email or a subject is anyone's to choose and may hold any character but NUL and a
# newline: fields are split at NUL, and a record starts only at the start of a line, so no
# field can shift the others (a name holding "chair@example.org" as the email) or fake a commit.
_RECORD = "\x1e"
_FIELD = "\x00"
_FORMAT = _RECORD + "%x00".join(("%H", "%P", "%an", "%ae", "%G?", "%GS", "%s"))
_RECORD_START = re.compile(r"(?:\A|\n)\x1e")
_ANGLED = re.compile(r"<([^<>]*)>")


@dataclass(frozen=True)
class Finding:
    commit: str
    file: str
    code: str  # forged-author | comment-edited | chair-only | tag-not-chair | bad-signature
    message: str

    def as_json(self) -> dict[str, str]:
        return {
            "commit": self.commit,
            "file": self.file,
            "code": self.code,
            "message": self.message,
        }

    def render(self) -> str:
        where = f"{self.commit[:12]} {self.file}" if self.file else self.commit[:12]
        return f"{where}: {self.code}: {self.message}"


@dataclass(frozen=True)
class Change:
    """One file in one commit: its blob in each parent (NO_OBJECT: absent) and after."""

    path: str  # inside the list
    before: tuple[str, ...]
    after: str

    @property
    def added(self) -> bool:
        return all(b == NO_OBJECT for b in self.before)

    @property
    def deleted(self) -> bool:
        return self.after == NO_OBJECT


@dataclass(frozen=True)
class Commit:
    sha: str
    parents: tuple[str, ...]
    author: str
    email: str
    signature: str  # good | none | bad | expired | revoked | unverifiable
    subject: str
    changes: tuple[Change, ...] = ()
    signer: str = ""  # who signed, as git names the key: an email or `Name <email>`


@dataclass(frozen=True)
class Verification:
    span: str
    commits: tuple[Commit, ...]
    problems: tuple[Finding, ...]
    tags: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "problems": [p.as_json() for p in self.problems]}


def verify(root: Path, span: str | None, current: Manifest) -> Verification:
    """Walk the commits in `span` (A..B, or a revision and its history; default HEAD)."""
    place = git.place_of(root)
    span = span or "HEAD"
    commits = _commits(place, span)
    tags = _tags(place.top, current.id, {c.sha for c in commits})

    wanted: set[str] = set()
    for commit in commits:
        watched = [c for c in commit.changes if kind_of(c.path) in ("comment", "control", "list")]
        if watched:
            wanted.add(_manifest_name(commit, place))
        for change in watched:
            wanted.add(change.after)
            if kind_of(change.path) in ("control", "list"):
                wanted.update(change.before)
    wanted.update(f"{target}:{place.repo_path('list.toml')}" for _, _, target in tags)
    wanted = {name for name in wanted if not name.startswith(NO_OBJECT)}
    with git.BlobReader(place.top) as reader:
        objects = reader.read(sorted(wanted))

    manifests: dict[str, Manifest | None] = {}

    def manifest(name: str) -> Manifest | None:
        """list.toml at `name`; None where there was none (an unreadable one: the current)."""
        if name not in manifests:
            raw = objects.get(name)
            manifests[name] = None if raw is None else _manifest(raw) or current
        return manifests[name]

    problems: list[Finding] = []
    for commit in commits:
        if commit.signature == "bad":
            problems.append(
                Finding(commit.sha, "", "bad-signature", "the commit's signature does not verify")
            )
        elif commit.signature == "good" and not _signed_by_author(commit):
            problems.append(
                Finding(
                    commit.sha,
                    "",
                    "signer-mismatch",
                    f"signed by {commit.signer}, not by its author <{commit.email}>: a "
                    "signature vouches for its signer only",
                )
            )
        members = manifest(_manifest_name(commit, place)) if commit.changes else None
        if members is not None:  # without a list.toml before it, the commit founds the list
            problems.extend(_commit_findings(commit, members, objects))
    for tag, email, target in tags:
        chair = (manifest(f"{target}:{place.repo_path('list.toml')}") or current).chair
        if not email:
            problems.append(
                Finding(
                    target,
                    "",
                    "tag-not-chair",
                    f"release tag {tag} is a lightweight tag with no tagger: the chair makes "
                    "release tags with `curator release` (annotated)",
                )
            )
        elif not _same_email(email, chair):
            problems.append(
                Finding(
                    target,
                    "",
                    "tag-not-chair",
                    f"release tag {tag} was made by <{email}>, not the chair {_who(chair)}",
                )
            )
    return Verification(span, tuple(commits), tuple(problems), tuple(t for t, _, _ in tags))


def _commit_findings(
    commit: Commit, manifest: Manifest, objects: Mapping[str, bytes | None]
) -> Iterable[Finding]:
    for change in commit.changes:
        kind = kind_of(change.path)
        if kind == "comment":
            yield from _comment_findings(commit, change, manifest, objects)
        elif kind == "control":
            yield from _control_findings(commit, change, manifest, objects)
        elif kind == "list":
            yield from _roster_findings(commit, change, manifest, objects)


def _comment_findings(
    commit: Commit, change: Change, manifest: Manifest, objects: Mapping[str, bytes | None]
) -> Iterable[Finding]:
    if change.deleted:
        yield Finding(
            commit.sha,
            change.path,
            "comment-edited",
            "comment file deleted after it was added: comments are never removed",
        )
        return
    if not change.added:
        yield Finding(
            commit.sha,
            change.path,
            "comment-edited",
            "comment file modified after it was added: comments are immutable; "
            "a correction is a new comment",
        )
        return
    named = change.path.rsplit("/", 1)[-1].removesuffix(".toml").split("-", 3)[-1]
    authors = dict.fromkeys(a for a in (named, _field(_blob(objects, change.after), "author")) if a)
    for author in authors:
        member = manifest.member(author)
        if member is None:
            yield Finding(
                commit.sha,
                change.path,
                "forged-author",
                f"comment by '{author}', who is not a member of the list, committed by "
                f"<{commit.email}>",
            )
        elif not _same_email(commit.email, member):
            yield Finding(
                commit.sha,
                change.path,
                "forged-author",
                f"comment by {author} {_who(member)} was committed by {commit.author} "
                f"<{commit.email}>",
            )


def _control_findings(
    commit: Commit, change: Change, manifest: Manifest, objects: Mapping[str, bytes | None]
) -> Iterable[Finding]:
    if change.deleted:
        return
    after = _field(_blob(objects, change.after), "status")
    if after not in lifecycle.CHAIR_ONLY:
        return
    before = [_field(_blob(objects, b), "status") for b in change.before]
    if after in before:
        return  # it already had this status in a parent: this commit did not set it
    chair = manifest.chair
    if _same_email(commit.email, chair):
        return
    was = " or ".join(b or "absent" for b in before) or "absent"
    yield Finding(
        commit.sha,
        change.path,
        "chair-only",
        f"status {was} → {after} committed by {commit.author} <{commit.email}>; "
        f"only the chair {_who(chair)} may set {after}",
    )


def _roster_findings(
    commit: Commit, change: Change, manifest: Manifest, objects: Mapping[str, bytes | None]
) -> Iterable[Finding]:
    """Who is a member, in which role, with which email is the chair's to change: else a member
    could name themselves chair in one commit and act as the chair in the next."""
    after = _roster(_manifest(_blob(objects, change.after)))
    if after in [_roster(_manifest(_blob(objects, b))) for b in change.before]:
        return  # the members are as in a parent: this commit did not change them
    if _same_email(commit.email, manifest.chair):
        return
    yield Finding(
        commit.sha,
        change.path,
        "chair-only",
        f"the members (ids, roles, emails) changed in a commit by {commit.author} "
        f"<{commit.email}>; only the chair {_who(manifest.chair)} may change them",
    )


def _roster(manifest: Manifest | None) -> tuple[tuple[str, str, str], ...] | None:
    if manifest is None:
        return None
    return tuple(sorted((m.id, m.role, m.email.lower()) for m in manifest.members))


def _signed_by_author(commit: Commit) -> bool:
    """The key that signed belongs to the author: git names it by the email its allowed-signers
    entry (SSH) or its user id (GPG, `Name <email>`) gives; no name given: nothing to compare."""
    if not commit.signer:
        return True
    found = _ANGLED.search(commit.signer)
    signer = (found.group(1) if found else commit.signer).strip().lower()
    return signer == commit.email.lower()


# ---------------------------------------------------------------- reading git


def _commits(place: git.ListPlace, span: str) -> list[Commit]:
    """The commits in `span`, parents before children, with the list's files each changed."""
    if span == "HEAD" and not git.has_commits(place.top):
        return []  # a repository with no commits yet has no history to check
    ends = span.split("..", 1)
    for end in ends:
        git.resolve(place.top, end or "HEAD")  # an unknown revision is a usage error
    out = git.run(
        place.top,
        "log",
        "--reverse",
        "--topo-order",
        "-c",  # a merge shows only what it changed itself, not what it brought in
        "--raw",
        "--no-renames",
        "--no-abbrev",
        f"--format={_FORMAT}",
        "--end-of-options",
        span,
        "--",
    ).stdout.decode("utf-8", "replace")
    commits = []
    for record in _RECORD_START.split(out)[1:]:
        header, _, body = record.partition("\n")
        sha, parents, author, email, signature, signer, subject = header.split(_FIELD, 6)
        changes = tuple(
            change
            for line in body.splitlines()
            if line.startswith(":")
            for change in [_change(line, place.prefix)]
            if change is not None
        )
        commits.append(
            Commit(
                sha=sha,
                parents=tuple(parents.split()),
                author=author,
                email=email,
                signature=SIGNATURES.get(signature, "unverifiable"),
                subject=subject,
                changes=changes,
                signer=signer,
            )
        )
    return commits


def _change(line: str, prefix: str) -> Change | None:
    """A `--raw` line (`:` one parent, `::` combined for a merge) for a file in the list."""
    meta, _, path = line.partition("\t")
    if not path.startswith(prefix):
        return None
    parents = len(meta) - len(meta.lstrip(":"))
    fields = meta.lstrip(":").split()
    blobs = fields[parents + 1 : 2 * parents + 2]
    return Change(path[len(prefix) :], tuple(blobs[:-1]), blobs[-1])


def _tags(top: Path, list_id: str, in_span: set[str]) -> list[tuple[str, str, str]]:
    """Release tags of the list on commits in the span: (name, tagger email or '' for a
    lightweight tag, commit)."""
    out = git.run(
        top,
        "for-each-ref",
        "--format=%(refname:strip=2)%00%(taggeremail)%00%(*objectname)%00%(objectname)",
        f"refs/tags/{git.release_tag(list_id, '*')}",
    ).stdout.decode("utf-8", "replace")
    found = []
    for line in filter(None, out.split("\n")):  # an email may hold U+2028: not splitlines()
        name, email, peeled, target = line.split(_FIELD)
        commit = peeled or target
        if commit in in_span:
            found.append((name, email.strip().strip("<>"), commit))
    return found


def _manifest_name(commit: Commit, place: git.ListPlace) -> str:
    """list.toml as it stood before the commit (a root commit has none before it)."""
    base = commit.parents[0] if commit.parents else NO_OBJECT
    return f"{base}:{place.repo_path('list.toml')}"


def _blob(objects: Mapping[str, bytes | None], name: str) -> bytes | None:
    return None if name == NO_OBJECT else objects.get(name)


def _manifest(raw: bytes | None) -> Manifest | None:
    data = _toml(raw)
    if data is None:
        return None
    try:
        return records.manifest_from(data)
    except (KeyError, TypeError, ValueError):
        return None


def _field(raw: bytes | None, key: str) -> str:
    data = _toml(raw)
    value = data.get(key) if data else None
    return value if isinstance(value, str) else ""


def _toml(raw: bytes | None) -> Mapping[str, Any] | None:
    if raw is None:
        return None
    try:
        return tomli.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomli.TOMLDecodeError):
        return None


def _same_email(email: str, member: Member | None) -> bool:
    return member is not None and bool(member.email) and member.email.lower() == email.lower()


def _who(member: Member | None) -> str:
    if member is None:
        return "(none is listed)"
    return f"<{member.email}>" if member.email else f"{member.id} (no email listed)"
