"""Provenance from git history (docs/design.md §5): who committed each comment and each change
only the chair may make, whether any comment changed after it was added, who tagged each release.

Members and emails are taken from list.toml as it stood before each commit, so a commit cannot
vouch for itself by editing the member list; the commit that creates list.toml founds the list
and has nobody to answer to. What a member may change is `core.lifecycle` and `core.roles`, the
rules `status` and the other verbs follow. A merge answers for what it changed itself: git merges
its parents again and the difference from that is the merge's own. Signatures are reported; an
unsigned commit is a finding only when signatures are required, a bad signature always is. An SSH
signature is checked against the list's allowed_signers as it stood before the commit, for the
same reason (the commit that first declares keys: against the keys it declares).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

import tomli

from curator.core import lifecycle, records, roles
from curator.core.discussion import author_named
from curator.core.model import Control, Manifest, Member, Paragraph
from curator.core.problems import CuratorError
from curator.store.formats.layout import kind_of
from curator.store.formats.read import MAX_BYTES, parse_toml
from curator.store.git import plumbing

NO_OBJECT = "0" * 40
# the members' SSH signing keys, when the list declares them: git's allowed-signers format
SIGNERS = "allowed_signers"
READ_KINDS = ("comment", "control", "list")  # what verify reads of each change, to judge it
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
_FORMAT = _RECORD + "%x00".join(("%H", "%P", "%an", "%ae", "%s"))
_RECORD_START = re.compile(r"(?:\A|\n)\x1e")
_ANGLED = re.compile(r"<([^<>]*)>")


@dataclass(frozen=True)
class Finding:
    commit: str
    file: str
    # forged-author | comment-edited | chair-only | not-a-member | unreadable | unsigned |
    # octopus-merge | tag-not-chair | bad-signature | signer-mismatch
    code: str
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
    """One file in one commit: the object it was before (NO_OBJECT: absent; a merge's: what git
    made of its parents, or each parent's when that is gone) and after."""

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

    @property
    def octopus(self) -> bool:
        """A merge of more than two branches, which git cannot merge again to compare with."""
        return len(self.parents) > 2


@dataclass(frozen=True)
class Verification:
    span: str
    commits: tuple[Commit, ...]  # the commits that change a file of the list
    problems: tuple[Finding, ...]
    tags: tuple[str, ...] = ()
    skipped: int = 0  # the other commits in the span

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "problems": [p.as_json() for p in self.problems]}


@dataclass(frozen=True)
class Unreadable:
    reason: str


Data = Mapping[str, Any] | Unreadable | None  # a file's TOML; why it cannot be read; absent


def verify(
    root: Path, span: str | None, current: Manifest, require_signatures: bool = False
) -> Verification:
    """Walk the commits in `span` (A..B, or a revision and its history; default HEAD).
    `require_signatures`: a comment or a chair-only change not signed by its author's key is a
    finding too."""
    place = plumbing.place_of(root)
    span = span or "HEAD"
    commits, every = _history(place, span)
    tags = _tags(place.top, current.id, every)

    with (
        plumbing.BlobReader(place.top) as reader,
        tempfile.TemporaryDirectory(prefix="curator-keys-") as folder,
    ):
        keys = _Keys(place, reader, Path(folder))
        commits = keys.commits_checked(commits)
        tags = keys.tags_checked(tags)
        files = _Files(reader)
        files.read(
            name
            for commit in commits
            for name in (
                _manifest_name(commit, place),
                *(
                    n
                    for change in commit.changes
                    if _kind(change.path) in READ_KINDS
                    for n in (change.after, *change.before)
                ),
            )
        )
        files.read(f"{tag.commit}:{place.repo_path('list.toml')}" for tag in tags)
        commits = [_merged_again(commit, files, place) for commit in commits]

    manifests: dict[str, Manifest | None] = {}

    def manifest(name: str) -> Manifest | None:
        """list.toml at `name`; None where there was none (an unreadable one: the current)."""
        if name not in manifests:
            data = files.data(name)
            manifests[name] = None if data is None else _manifest(data) or current
        return manifests[name]

    problems: list[Finding] = []
    for commit in commits:
        problems.extend(_signature_findings(commit))
        if commit.octopus:
            problems.append(
                Finding(
                    commit.sha,
                    commit.changes[0].path,
                    "octopus-merge",
                    f"merges {len(commit.parents)} branches at once and changes the list: verify "
                    "checks what a merge of two branches changed; merge them one at a time",
                )
            )
            continue
        members = manifest(_manifest_name(commit, place))
        if members is not None:  # without a list.toml before it, the commit founds the list
            problems.extend(_Judge(commit, members, files).findings(require_signatures))
    for tag in tags:
        at = manifest(f"{tag.commit}:{place.repo_path('list.toml')}") or current
        problems.extend(_tag_findings(tag, at, require_signatures))
    return Verification(
        span,
        tuple(commits),
        tuple(problems),
        tuple(tag.name for tag in tags),
        len(every) - len(commits),
    )


def _tag_findings(tag: ReleaseTag, at: Manifest, require_signatures: bool) -> Iterable[Finding]:
    """A release tag judged as a chair-only change: made (annotated) by the chair, and with
    `require_signatures`, signed by the chair's key."""
    if not tag.tagger:
        yield Finding(
            tag.commit,
            "",
            "tag-not-chair",
            f"release tag {tag.name} is a lightweight tag with no tagger: the chair makes "
            "release tags with `curator release` (annotated)",
        )
        return
    if not roles.is_email_of(at.chair, tag.tagger):
        yield Finding(
            tag.commit,
            "",
            "tag-not-chair",
            f"release tag {tag.name} was made by <{tag.tagger}>, not the chair {_chair_text(at)}",
        )
    if tag.signature == "bad":
        yield Finding(
            tag.commit, "", "bad-signature", f"release tag {tag.name}'s signature does not verify"
        )
    elif tag.signature == "good" and not _is_signer(tag.signer, tag.tagger):
        yield Finding(
            tag.commit,
            "",
            "signer-mismatch",
            f"release tag {tag.name} is signed by {tag.signer}, not by its tagger <{tag.tagger}>: "
            "a signature vouches for its signer only",
        )
    elif require_signatures and tag.signature != "good":
        yield Finding(
            tag.commit,
            "",
            "unsigned",
            f"release tag {tag.name} is not signed by its tagger (signature {tag.signature}): "
            "signatures are required for releases (git config tag.gpgSign true)",
        )


# ---------------------------------------------------------------- judging a commit


def _signature_findings(commit: Commit) -> Iterable[Finding]:
    if commit.signature == "bad":
        yield Finding(commit.sha, "", "bad-signature", "the commit's signature does not verify")
    elif commit.signature == "good" and not _signed_by_author(commit):
        yield Finding(
            commit.sha,
            "",
            "signer-mismatch",
            f"signed by {commit.signer}, not by its author <{commit.email}>: a signature "
            "vouches for its signer only",
        )


class _Judge:
    """One commit judged against list.toml as it stood before it: what it changed, by whom."""

    def __init__(self, commit: Commit, manifest: Manifest, files: _Files) -> None:
        self.commit = commit
        self.manifest = manifest
        self.files = files
        self.who = roles.resolve_member(manifest, None, commit.email)  # in the role they act in
        self.acts: list[tuple[str, str]] = []  # (file, what): what rests on who committed it

    def findings(self, require_signatures: bool) -> list[Finding]:
        found: list[Finding] = []
        for change in self.commit.changes:
            kind = _kind(change.path)
            after = self.files.data(change.after) if kind in READ_KINDS else None
            if isinstance(after, Unreadable):
                found.append(
                    self.finding(
                        change,
                        "unreadable",
                        f"{after.reason}: verify cannot tell what this commit changed in it",
                    )
                )
                if kind != "comment":  # (whose a comment is, its name says)
                    continue
            if kind == "comment":
                found.extend(self.comment(change))
            elif kind == "control":
                found.extend(self.control(change))
            elif kind in ("list", "signers"):
                found.extend(self.chairs_file(change))
            elif not _writes(self.who):  # the catalogue, the public's comments
                found.append(self.not_a_member(change))
        if require_signatures and self.acts and not _signed_by_its_author(self.commit):
            file, what = self.acts[0]
            commit = self.commit
            how = f"signed by {commit.signer}" if commit.signer else f"signature {commit.signature}"
            found.append(
                Finding(
                    commit.sha,
                    file,
                    "unsigned",
                    f"{what}, in a commit not signed by its author ({how}): signatures are "
                    "required for comments and chair-only changes",
                )
            )
        return found

    def comment(self, change: Change) -> Iterable[Finding]:
        if change.deleted:
            yield self.finding(
                change,
                "comment-edited",
                "comment file deleted after it was added: comments are never removed",
            )
            return
        if not change.added:
            yield self.finding(
                change,
                "comment-edited",
                "comment file modified after it was added: comments are immutable; "
                "a correction is a new comment",
            )
            return
        self.acts.append((change.path, "a comment"))
        data = self.files.data(change.after)
        field = data.get("author") if isinstance(data, Mapping) else None
        named = author_named(change.path)
        authors = dict.fromkeys(a for a in (named, field) if a and isinstance(a, str))
        for author in authors:
            member = self.manifest.member(author)
            if member is None:
                yield self.finding(
                    change,
                    "forged-author",
                    f"comment by '{author}', who is not a member of the list, committed by "
                    f"<{self.commit.email}>",
                )
            elif not roles.is_email_of(member, self.commit.email):
                yield self.finding(
                    change,
                    "forged-author",
                    f"comment by {author} {_email_text(member)} was committed by {self.by}",
                )

    def control(self, change: Change) -> Iterable[Finding]:
        """What in the change only the chair may do (`lifecycle.reserved_changes`); a merge's
        change is the chair's only when it is so against every version it may have come from."""
        after = _control(self.files.data(change.after))
        by = self.who.id if self.who else ""
        against = [
            lifecycle.reserved_changes(_control(self.files.data(b)), after, by)
            for b in change.before
        ]
        reserved = against[0] if all(against) else ()
        if self.chair_acts:
            if reserved:
                self.acts.append((change.path, reserved[0]))
        elif reserved:
            yield self.finding(
                change,
                "chair-only",
                f"{'; '.join(reserved)}: committed by {self.by}; only the chair "
                f"{_chair_text(self.manifest)} may do this",
            )
        elif not _writes(self.who):
            yield self.not_a_member(change)

    def chairs_file(self, change: Change) -> Iterable[Finding]:
        """list.toml (members, roles, title, docket, parameters…) and the members' signing
        keys are the chair's to change: else a member could name themselves chair, or list
        their key under the chair's email, in one commit and act as the chair in the next."""
        if _kind(change.path) == "signers":
            what = "the members' signing keys"
        else:
            changed = _changed_keys(
                self.files.data(change.after), [self.files.data(b) for b in change.before]
            )
            if not changed:
                return  # the same data, laid out differently
            what = ", ".join(changed)
        after = _manifest(self.files.data(change.after))
        if self.chair_acts or (
            self.who is not None
            and after is not None
            and roles.settles(self.manifest, self.who, after.members)
        ):
            self.acts.append((change.path, f"a change to {what}"))
            return
        yield self.finding(
            change,
            "chair-only",
            f"{change.path} changed ({what}) in a commit by {self.by}; only the chair "
            f"{_chair_text(self.manifest)} may change it",
        )

    def not_a_member(self, change: Change) -> Finding:
        whom = (
            f"{self.who.id}, an observer (observers read but do not write)"
            if self.who is not None
            else "who is not a member of the list"
        )
        return self.finding(change, "not-a-member", f"changed by {self.by}, {whom}")

    def finding(self, change: Change, code: str, message: str) -> Finding:
        return Finding(self.commit.sha, change.path, code, message)

    @property
    def chair_acts(self) -> bool:
        return self.who is not None and self.who.role == "chair"

    @property
    def by(self) -> str:
        return f"{self.commit.author} <{self.commit.email}>"


def _changed_keys(after: object, befores: Sequence[object]) -> list[str]:
    """The top-level keys of list.toml this change set differently from every parent's."""
    found: list[str] = []
    for before in befores:
        if not isinstance(after, Mapping) or not isinstance(before, Mapping):
            return ["its contents"] if after != before else []
        found = sorted(k for k in {*after, *before} if after.get(k) != before.get(k))
        if not found:
            return []
    return found


def _writes(member: Member | None) -> bool:
    return member is not None and member.role != "observer"


def _signed_by_its_author(commit: Commit) -> bool:
    return commit.signature == "good" and _signed_by_author(commit)


def _signed_by_author(commit: Commit) -> bool:
    """The key that signed belongs to the author: git names it by the email its allowed-signers
    entry (SSH) or its user id (GPG, `Name <email>`) gives; a key git names no one for vouches
    for no one."""
    return _is_signer(commit.signer, commit.email)


def _is_signer(signer: str, email: str) -> bool:
    """Whether `signer`, as git names a key (an email, or `Name <email>`), is `email`."""
    found = _ANGLED.search(signer)
    named = (found.group(1) if found else signer).strip().lower()
    return bool(named) and named == email.lower()


def _status(code: str, signer: str) -> str:
    """A signature's status from git's one-letter code (%G?). A good signature by an SSH key
    that the allowed signers do not list is "U" with no one named: anyone can make a key, so
    a signature git names no signer for is unverifiable, not good."""
    if code in ("G", "U") and not signer:
        return "unverifiable"
    return SIGNATURES.get(code, "unverifiable")


def _email_text(member: Member) -> str:
    return f"<{member.email}>" if member.email else f"{member.id} (no email listed)"


def _chair_text(manifest: Manifest) -> str:
    if manifest.chair is not None:
        return _email_text(manifest.chair)
    if manifest.chairs:
        named = ", ".join(c.id for c in manifest.chairs)
        return f"(none acts: list.toml names {len(manifest.chairs)} chairs, {named})"
    return "(none is listed)"


# ---------------------------------------------------------------- reading files


class _Files:
    """The files verify reads, each read and parsed once: what a commit's changes were."""

    def __init__(self, reader: plumbing.BlobReader) -> None:
        self.reader = reader
        self.raw: dict[str, bytes | plumbing.TooLarge | None] = {}
        self.parsed: dict[str, Data] = {}

    def read(self, names: Iterable[str]) -> None:
        """Read these objects: blob ids, or `<commit>:<path>` (NO_OBJECT…: absent)."""
        new = sorted({n for n in names if not n.startswith(NO_OBJECT) and n not in self.raw})
        self.raw.update(self.reader.read_within(new, MAX_BYTES))

    def keep(self, name: str, data: Data) -> str:
        """Hold `data` (a file's TOML, or None: absent) as `name`; the name to ask it by."""
        if data is None:
            return NO_OBJECT
        self.parsed[name] = data
        return name

    def data(self, name: str) -> Data:
        """The file's TOML; None where it is absent; why not when it cannot be read."""
        if name in self.parsed:
            return self.parsed[name]
        if name.startswith(NO_OBJECT) or (":" in name and self.raw.get(name) is None):
            return None  # (a path a commit does not hold)
        raw = self.raw.get(name)
        self.parsed[name] = _parsed(raw)
        if isinstance(raw, bytes):
            self.raw[name] = b""  # parsed: its bytes are let go (10^5 comments)
        return self.parsed[name]


def _parsed(raw: bytes | plumbing.TooLarge | None) -> Mapping[str, Any] | Unreadable:
    if raw is None:
        return Unreadable("missing from this repository")
    if isinstance(raw, plumbing.TooLarge):
        return Unreadable(f"{raw.size:,} bytes, over the {MAX_BYTES:,} a list file may hold")
    try:
        return parse_toml(raw.decode("utf-8"), raw)
    except UnicodeDecodeError:
        return Unreadable("not UTF-8 text")
    except tomli.TOMLDecodeError as err:
        return Unreadable(f"not valid TOML ({getattr(err, 'msg', err)})")
    except RecursionError:
        return Unreadable("not valid TOML (nested too deeply)")


def _manifest(data: object) -> Manifest | None:
    if not isinstance(data, Mapping):
        return None
    try:
        return records.manifest_from(data)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


_CONTROL_TEXT = {f.name for f in fields(Control)} - {"file", "items"}
_PARAGRAPH_TEXT = {f.name for f in fields(Paragraph)}


def _control(data: object) -> Control | None:
    """A control file's control; None where the file is absent or cannot be read. One that
    does not fit the schema is read as far as its fields are text, lists and paragraphs."""
    if not isinstance(data, Mapping):
        return None
    try:
        return records.control_from(data)
    except (KeyError, TypeError, ValueError, AttributeError):
        pass
    known: dict[str, Any] = {
        k: tuple(v) if isinstance(v, list) else v
        for k, v in data.items()
        if k in _CONTROL_TEXT and isinstance(v, str | list)
    }
    items = data.get("items")
    paragraphs = tuple(
        _paragraph_text(p)
        for p in (items if isinstance(items, list) else ())
        if isinstance(p, Mapping)
    )
    return replace(Control("", "", "", ""), **known, items=paragraphs)


def _paragraph_text(data: Mapping[str, Any]) -> Paragraph:
    """What can be made of a paragraph that is not one: its texts."""
    text: dict[str, Any] = {
        k: v for k, v in data.items() if k in _PARAGRAPH_TEXT and isinstance(v, str)
    }
    return replace(Paragraph(""), **text)


# ---------------------------------------------------------------- reading git


def _kind(path: str) -> str | None:
    return "signers" if path == SIGNERS else kind_of(path)


def _history(place: plumbing.ListPlace, span: str) -> tuple[list[Commit], set[str]]:
    """The commits in `span` that change the list, parents before children, with the list's
    files each changed (a merge: what it changed itself, against git's own merge of its
    parents); and the ids of every commit in the span. Their signatures are not checked yet
    (`_Keys.commits_checked`)."""
    if span == "HEAD" and not plumbing.has_commits(place.top):
        return [], set()  # a repository with no commits yet has no history to check
    ends = span.split("..", 1)
    for end in ends:
        plumbing.resolve(place.top, end or "HEAD")  # an unknown revision is a usage error
    done = plumbing.run(
        place.top,
        "log",
        "--reverse",
        "--topo-order",
        "--diff-merges=remerge",
        "--raw",
        "--no-renames",
        "--no-abbrev",
        f"--format={_FORMAT}",
        "--end-of-options",
        span,
        "--",
        check=False,
    )
    if done.returncode != 0:
        error = done.stderr.decode("utf-8", "replace").strip()
        if "diff-merges" in error:
            raise CuratorError(
                "verify needs git 2.36 or later, which can merge a merge's parents again to "
                "see what the merge changed itself; this git is older (git --version)"
            )
        raise CuratorError(f"git log: {error}")
    out = done.stdout.decode("utf-8", "replace")
    commits: list[Commit] = []
    every: set[str] = set()
    for record in _RECORD_START.split(out)[1:]:
        header, _, body = record.partition("\n")
        sha, parents, author, email, subject = header.split(_FIELD, 4)
        every.add(sha)
        commit = Commit(
            sha=sha,
            parents=tuple(parents.split()),
            author=author,
            email=email,
            signature="none",
            subject=subject,
            changes=_changes(body, place.prefix),
        )
        if commit.octopus:  # git does not merge these again: what they hold, against the first
            raw = plumbing.run(
                place.top,
                *("diff-tree", "-r", "--raw", "--no-renames", "--no-abbrev"),
                *(commit.parents[0], commit.sha),
            ).stdout.decode("utf-8", "replace")
            commit = replace(commit, changes=_changes(raw, place.prefix))
        if commit.changes:
            commits.append(commit)
    return commits, every


def _changes(raw: str, prefix: str) -> tuple[Change, ...]:
    return tuple(
        change
        for line in raw.splitlines()
        if line.startswith(":")
        for change in [_change(line, prefix)]
        if change is not None
    )


def _change(line: str, prefix: str) -> Change | None:
    """A `--raw` line (`:old-mode new-mode old new status`) for a file of the list."""
    meta, _, path = line.partition("\t")
    if not path.startswith(prefix) or _kind(path[len(prefix) :]) is None:
        return None
    parts = meta.lstrip(":").split()
    return Change(path[len(prefix) :], (parts[2],), parts[3])


def _merged_again(commit: Commit, files: _Files, place: plumbing.ListPlace) -> Commit:
    """A merge's changes against the files as git merged them from its parents. Where git
    merged a file into new text, that text is gone once git has compared it (or it conflicted):
    the file is merged again here, key by key from the merge base, and a key both parents
    changed differently may have been either's (see `_merged`)."""
    if len(commit.parents) != 2:
        return commit
    gone = [
        c
        for c in commit.changes
        if _kind(c.path) in READ_KINDS
        and c.before[0] != NO_OBJECT
        and not isinstance(files.data(c.before[0]), Mapping)
    ]
    if not gone:
        return commit
    base = _merge_base(place.top, commit.parents)
    sides = {
        c.path: [f"{rev}:{place.repo_path(c.path)}" for rev in (base, *commit.parents)]
        for c in gone
    }
    files.read(name for names in sides.values() for name in names)
    changes = []
    for change in commit.changes:
        if change.path in sides:
            merged = _merged(*(files.data(name) for name in sides[change.path]))
            name = f"{commit.sha} merged {change.path}"
            before = tuple(files.keep(f"{name} {i}", data) for i, data in enumerate(merged))
            change = replace(change, before=before)
        changes.append(change)
    return replace(commit, changes=tuple(changes))


_ABSENT = object()


def _merged(base: Data, ours: Data, theirs: Data) -> list[Data]:
    """Two versions of a file merged key by key from their base: one result, or, where both
    changed a key differently, two (each side's value kept). Where a side deleted the file or
    cannot be read, each side's version."""
    if not isinstance(ours, Mapping) or not isinstance(theirs, Mapping):
        return [ours, theirs]
    base = base if isinstance(base, Mapping) else {}
    toward_ours: dict[str, Any] = {}
    toward_theirs: dict[str, Any] = {}
    for key in {*base, *ours, *theirs}:
        was, one, other = (d.get(key, _ABSENT) for d in (base, ours, theirs))
        if one == was:
            chosen = (other, other)
        elif other in (was, one):
            chosen = (one, one)
        else:
            chosen = (one, other)
        for merged, value in zip((toward_ours, toward_theirs), chosen, strict=True):
            if value is not _ABSENT:
                merged[key] = value
    return [toward_ours] if toward_ours == toward_theirs else [toward_ours, toward_theirs]


def _merge_base(top: Path, parents: Sequence[str]) -> str:
    """The commit the two parents last shared; NO_OBJECT when they share none."""
    done = plumbing.run(top, "merge-base", *parents, check=False)
    return done.stdout.decode().strip() or NO_OBJECT


def _signers_config(signers: Path | None) -> dict[str, str]:
    """git configured to check SSH signatures against the list's own allowed signers."""
    if signers is None:
        return {}
    count = int(os.environ.get("GIT_CONFIG_COUNT", "0") or 0)
    return {
        "GIT_CONFIG_COUNT": str(count + 1),
        f"GIT_CONFIG_KEY_{count}": "gpg.ssh.allowedSignersFile",
        f"GIT_CONFIG_VALUE_{count}": str(signers.resolve()),
    }


@dataclass(frozen=True)
class ReleaseTag:
    name: str
    tagger: str  # the tagger's email; "" for a lightweight tag
    commit: str  # the commit it names
    signed: bool = False  # it carries a signature (checked: `signature`)
    signature: str = "none"  # as a commit's: good | none | bad | expired | revoked | unverifiable
    signer: str = ""


def _tags(top: Path, list_id: str, in_span: set[str]) -> list[ReleaseTag]:
    """Release tags of the list on commits in the span, their signatures not checked yet."""
    out = plumbing.run(
        top,
        "for-each-ref",
        "--format=%(refname:strip=2)%00%(taggeremail)%00%(*objectname)%00%(objectname)%00"
        "%(if)%(contents:signature)%(then)signed%(end)",
        f"refs/tags/{plumbing.release_tag(list_id, '*')}",
    ).stdout.decode("utf-8", "replace")
    found = []
    for line in filter(None, out.split("\n")):  # an email may hold U+2028: not splitlines()
        name, email, peeled, target, signed = line.split(_FIELD)
        tagger = email.strip().strip("<>")
        commit = peeled or target
        if commit in in_span:
            # (a lightweight tag is refused whatever it points at)
            found.append(ReleaseTag(name, tagger, commit, bool(signed and tagger)))
    return found


class _Keys:
    """The list's allowed_signers as it stood at any revision, as files git is pointed at:
    an SSH signature vouches for a member only by a key declared before the change it signs,
    so a commit cannot vouch for itself by adding a key (as list.toml's members are taken
    from before each commit)."""

    def __init__(
        self, place: plumbing.ListPlace, reader: plumbing.BlobReader, folder: Path
    ) -> None:
        self.place, self.reader, self.folder = place, reader, folder
        self.written: dict[bytes, Path] = {}

    def at(self, revisions: Iterable[str]) -> dict[str, bytes | None]:
        """allowed_signers at each revision (None: there was none)."""
        names = {r: f"{r}:{self.place.repo_path(SIGNERS)}" for r in revisions}
        found = self.reader.read(sorted(set(names.values())))
        return {r: found.get(name) for r, name in names.items()}

    def file(self, keys: bytes | None) -> Path | None:
        """A file holding `keys` for git; None (no keys declared): git's own configuration."""
        if keys is None:
            return None
        if keys not in self.written:
            path = self.folder / f"allowed_signers.{len(self.written)}"
            path.write_bytes(keys)
            self.written[keys] = path
        return self.written[keys]

    def commits_checked(self, commits: list[Commit]) -> list[Commit]:
        """Each signed commit's signature checked, once, against the keys as they stood
        before it (one `git log` per version of the keys)."""
        objects = self.reader.read([c.sha for c in commits], kind=b"commit")
        signed = [c for c in commits if _carries_signature(objects.get(c.sha))]
        if not signed:
            return commits
        before = self.at(c.parents[0] for c in signed if c.parents)
        own = self.at(c.sha for c in signed)
        by_keys: dict[bytes | None, list[str]] = defaultdict(list)
        for commit in signed:
            keys = before.get(commit.parents[0]) if commit.parents else None
            by_keys[own[commit.sha] if keys is None else keys].append(commit.sha)
        found: dict[str, tuple[str, str]] = {}
        for keys, shas in by_keys.items():
            found.update(_signatures(self.place.top, shas, self.file(keys)))
        return [
            replace(c, signature=found[c.sha][0], signer=found[c.sha][1]) if c.sha in found else c
            for c in commits
        ]

    def tags_checked(self, tags: list[ReleaseTag]) -> list[ReleaseTag]:
        """Each signed tag's signature checked against the keys in the commit it releases."""
        keys = self.at(t.commit for t in tags if t.signed)
        out = []
        for tag in tags:
            if tag.signed:
                signers = self.file(keys[tag.commit])
                signature, signer = _tag_signature(self.place.top, tag.name, signers)
                tag = replace(tag, signature=signature, signer=signer)
            out.append(tag)
        return out


def _carries_signature(commit: bytes | None) -> bool:
    """Whether a commit object holds a signature (a `gpgsig` header, SHA-1 or SHA-256)."""
    return commit is not None and b"\ngpgsig" in commit.partition(b"\n\n")[0]


def _signatures(top: Path, shas: Sequence[str], signers: Path | None) -> dict[str, tuple[str, str]]:
    """(status, signer) of each commit's signature, checked against `signers`."""
    done = plumbing.run(
        top,
        *("log", "--no-walk=unsorted", "--stdin", f"--format={_RECORD}%H%x00%G?%x00%GS"),
        stdin="".join(f"{sha}\n" for sha in shas).encode("ascii"),
        env=_signers_config(signers),
    )
    found = {}
    for record in _RECORD_START.split(done.stdout.decode("utf-8", "replace"))[1:]:
        sha, code, signer = record.rstrip("\n").split(_FIELD, 2)
        found[sha] = (_status(code, signer), signer)
    return found


# what `git verify-tag --raw` says of a signature, in the C locale: SSH (git's own words) and
# GPG (its status lines)
_SSH_SIGNER = re.compile(r'^Good "git" signature for (.+?) with \S+ key ', re.MULTILINE)
_GPG_SIGNER = re.compile(r"^\[GNUPG:\] GOODSIG \S+ (.+)$", re.MULTILINE)
_TAG_STATUSES = (
    ("EXPSIG", "expired"),
    ("EXPKEYSIG", "expired"),
    ("REVKEYSIG", "revoked"),
    ("BADSIG", "bad"),
    ("incorrect signature", "bad"),
)


def _tag_signature(top: Path, name: str, signers: Path | None) -> tuple[str, str]:
    """(status, signer) of a signed tag, as `_status` gives a commit's: good only when git
    verifies it and names the key's owner; bad only when it says the signature is wrong (no
    key to check with, a key no one is named for, no gpg: unverifiable)."""
    done = plumbing.run(
        top,
        *("verify-tag", "--raw", f"refs/tags/{name}"),
        env={**_signers_config(signers), "LC_ALL": "C"},
        check=False,
    )
    said = done.stderr.decode("utf-8", "replace")
    if done.returncode == 0:
        named = _SSH_SIGNER.search(said) or _GPG_SIGNER.search(said)
        return ("good", named.group(1).strip()) if named else ("unverifiable", "")
    for words, status in _TAG_STATUSES:
        if words in said:
            return status, ""
    return "unverifiable", ""


def _manifest_name(commit: Commit, place: plumbing.ListPlace) -> str:
    """list.toml as it stood before the commit (a root commit has none before it)."""
    base = commit.parents[0] if commit.parents else NO_OBJECT
    return f"{base}:{place.repo_path('list.toml')}"
