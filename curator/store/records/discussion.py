"""Writing the discussion: comment files, status changes and applied amendments.

Comment files are immutable: each is created once, never overwritten, at
`discussion/<CONTROL-ID>/<UTC-stamp>-<member>.toml`; a second comment by the same member in the
same second gets `.2`, `.3` … after the stamp. Control files are rewritten in canonical form and
only if their bytes are still the ones that were read.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import tomli

from curator.core import discussion, lifecycle, records
from curator.core.ids import CONTROL_ID, SLUG_ID
from curator.core.lookup import control_named
from curator.core.model import Comment, Control, ControlList, Member
from curator.core.problems import CuratorError
from curator.store.formats import validate
from curator.store.formats.atomic import ChangedOnDisk, digest, write_atomic
from curator.store.formats.files import read_regular
from curator.store.formats.write import control_path, render
from curator.store.records.edit import save_control

MAX_SAME_SECOND = 1000  # comments by one member in one second before we stop trying


def stamp(at: dt.datetime) -> str:
    """The file-name stamp of a moment: 2026-11-28T012200Z (UTC)."""
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H%M%SZ")


def now() -> dt.datetime:
    """The current moment to the second, which is what a comment records."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def comment_path(root: Path, control_id: str, when: str, member_id: str, sequence: int) -> Path:
    """Where a comment goes; both ids are checked before they become part of the path."""
    if not CONTROL_ID.match(control_id):
        raise CuratorError(f"'{control_id}' is not a valid control id")
    if not SLUG_ID.match(member_id):
        raise CuratorError(f"'{member_id}' is not a valid member id")
    suffix = "" if sequence == 1 else f".{sequence}"
    path = root / "discussion" / control_id / f"{when}{suffix}-{member_id}.toml"
    if not path.resolve().is_relative_to(root.resolve()):
        raise CuratorError(f"'{control_id}' would leave the list folder")
    return path


def write_comment(root: Path, control_id: str, data: dict[str, Any]) -> str:
    """Create the comment file (never overwriting one); returns its path inside the list."""
    text = render("comment", data).encode("utf-8")
    when = stamp(data["at"])
    for sequence in range(1, MAX_SAME_SECOND + 1):
        path = comment_path(root, control_id, when, data["author"], sequence)
        if path.exists():
            continue
        try:
            write_atomic(path, text, expected=None)
        except ChangedOnDisk:
            continue  # someone took this name a moment ago: take the next
        return path.relative_to(root).as_posix()
    raise CuratorError(f"more than {MAX_SAME_SECOND} comments in one second: try again")


def post_comment(
    root: Path,
    loaded: ControlList,
    author: Member,
    control_id: str,
    body: str,
    position: str = "",
    amend_item: str | None = None,
    amend_match: str | None = None,
    amend_text: str | None = None,
) -> str:
    """Check and write a member's comment on a control; returns the new file's path."""
    control = control_named(loaded.controls, control_id)
    data = discussion.new_comment(
        control,
        loaded.parameters,
        author,
        now(),
        body,
        position,
        amend_item,
        amend_match,
        amend_text=amend_text,
    )
    return write_comment(root, control.id, data)


def change_status(
    root: Path, loaded: ControlList, member: Member, control_id: str, new: str, reason: str = ""
) -> str:
    """Move a control to `new` if the lifecycle and the member's role allow it, and record the
    reason as a comment with the transition; returns the comment's path."""
    control = control_named(loaded.controls, control_id)
    lifecycle.check_transition(control, new, member)

    def set_status(fields: dict[str, Any]) -> None:
        fields["status"] = new

    # the comment first: a new file is the one write that can be undone without a trace, and
    # a run stopped between the two leaves a comment the next run finishes (check reports it
    # meanwhile: transition-not-applied)
    left = discussion.unfinished_move(loaded.comments, control, new, member.id)
    if left is not None:
        rewrite_control(root, control, set_status)
        return left.file
    data = discussion.new_comment(
        control, loaded.parameters, member, now(), reason, transition=(control.status, new)
    )
    path = write_comment(root, control.id, data)
    try:
        rewrite_control(root, control, set_status)
    except BaseException:
        written = root / path
        written.unlink(missing_ok=True)
        for folder in (written.parent, written.parent.parent):
            with contextlib.suppress(OSError):
                folder.rmdir()  # only if this comment made it and left it empty
        raise
    return path


def apply_amendment(root: Path, loaded: ControlList, comment_file: str) -> tuple[Comment, bool]:
    """Put a comment's amendment into its paragraph and record where it came from.

    Returns the comment and whether anything changed (False: it was already applied). Who may
    do this is the caller's check (the chair, curator.core.roles)."""
    comment = comment_named(root, loaded, comment_file)
    amendment = comment.amendment
    if amendment is None:
        raise CuratorError(f"{comment.file} proposes no amendment")
    control = control_named(loaded.controls, comment.control)
    after = discussion.amended_paragraph(control, loaded.parameters, amendment, loaded.controls)
    paragraph = control.paragraph(amendment.item)
    if paragraph is not None and (paragraph.match, paragraph.text, paragraph.amended_by) == (
        after.match,
        after.text,
        comment.file,
    ):
        return comment, False

    def set_match(fields: dict[str, Any]) -> None:
        for item in fields.get("items", []):
            if item.get("label") == amendment.item:
                item["match"] = after.match
                if after.text:
                    item["text"] = after.text
                item["amended_by"] = comment.file

    rewrite_control(root, control, set_match)
    return comment, True


def comment_named(root: Path, loaded: ControlList, given: str) -> Comment:
    """The loaded comment a user names by path: relative to the working folder or the list."""
    base = root.resolve()
    discussion_folder = base / "discussion"
    for candidate in (Path(given), root / given):
        path = candidate.resolve()
        if path.is_file() and path.is_relative_to(discussion_folder):
            rel = path.relative_to(base).as_posix()
            found = next((c for c in loaded.comments if c.file == rel), None)
            if found is not None:
                return found
            if rel in loaded.broken:
                raise CuratorError(f"{rel} is broken: run `curator check`")
    raise CuratorError(f"{given}: not a comment file of this list (discussion/<ID>/<file>.toml)")


def rewrite_control(root: Path, control: Control, change: Callable[[dict[str, Any]], None]) -> None:
    """Apply `change` to the control file's data and write it back canonically, provided the file
    still says what the loaded control said."""
    path = control_path(root, control.id)
    raw = read_regular(path)
    try:
        text = raw.decode("utf-8")
        fields = tomli.loads(text)
        # compared as loaded: the list's dates read as the ISO text a loaded control holds
        unchanged = records.control_from(validate.json_view(fields), control.file) == control
    except (UnicodeDecodeError, tomli.TOMLDecodeError, TypeError, KeyError):
        unchanged = False
    if not unchanged:
        raise ChangedOnDisk(path)
    change(fields)
    save_control(root, fields, digest(raw), text)
