"""The session: what the UI is looking at, outside any widget — the loaded list, the filter,
the acting member, drafts — and every write the UI makes.

Each write calls the same core/store function the CLI calls, so the UI holds no rule of its
own; then the session re-reads the list and announces what changed with a Textual message
(ListReloaded, CommentPosted, ControlSaved, …) to the screens and widgets that listen. Each
tab's text is built from what the session holds by curator.tui.views.
"""

from __future__ import annotations

import time
import weakref
from collections import defaultdict
from dataclasses import dataclass, field, replace
from functools import cached_property
from itertools import islice
from pathlib import Path
from typing import Any

from textual.message import Message
from textual.message_pump import MessagePump

from curator.core import destinations as places
from curator.core import discussion, public
from curator.core import weigh as weighing
from curator.core.catalogue import ItemFields
from curator.core.columns import Columns
from curator.core.criteria import ExprError
from curator.core.model import Comment, Control, ControlList, Member, PublicComment
from curator.core.problems import CuratorError, Problem, Refused
from curator.core.roster import RosterChange
from curator.store.formats.layout import DEFINITIONS
from curator.store.git import identity, plumbing, repo
from curator.store.git import sync as store_sync
from curator.store.index import background
from curator.store.index.cross_checks import Unchecked
from curator.store.index.load import load
from curator.store.index.source import files, signature
from curator.store.records import destinations as store_destinations
from curator.store.records import discussion as store_discussion
from curator.store.records import edit as store_edit
from curator.store.records import public as store_public
from curator.store.records import roster

BROKEN = "!"  # row keys of broken control files start with this
# from this many files on, the table is shown before the discussion and public comments are read
LAZY_FROM = 20_000


# -- what the session announces ---------------------------------------------------------------
class Announcement(Message, bubble=False):
    """Sent to each listener itself (`Session.announce`): it does not also bubble up from a
    screen to the app, which listens too and would handle it twice (each kind says so again:
    Textual sets `bubble` per class)."""


class ListReloaded(Announcement, bubble=False):
    """The list was read anew: `whole`, from disk (after a write, a change on disk); else the
    discussion and public comments of a large list were added to it."""

    def __init__(self, generation: int, whole: bool) -> None:
        super().__init__()
        self.generation, self.whole = generation, whole


class CommentPosted(Announcement, bubble=False):
    def __init__(self, control_id: str, path: str) -> None:
        super().__init__()
        self.control_id, self.path = control_id, path


class ControlSaved(Announcement, bubble=False):
    def __init__(self, control_id: str, path: str) -> None:
        super().__init__()
        self.control_id, self.path = control_id, path


class ControlCreated(Announcement, bubble=False):
    def __init__(self, control_id: str, path: str) -> None:
        super().__init__()
        self.control_id, self.path = control_id, path


class StatusChanged(Announcement, bubble=False):
    def __init__(self, control_id: str, status: str) -> None:
        super().__init__()
        self.control_id, self.status = control_id, status


class AnswerRecorded(Announcement, bubble=False):
    def __init__(self, tracking: str, path: str) -> None:
        super().__init__()
        self.tracking, self.path = tracking, path


class RosterChanged(Announcement, bubble=False):
    """A member added or removed, or a role set: who you are may have changed."""

    def __init__(self, member_id: str) -> None:
        super().__init__()
        self.member_id = member_id


class Synced(Announcement, bubble=False):
    """`sync` ended (posted from the thread it runs in)."""

    def __init__(self, summary: str) -> None:
        super().__init__()
        self.summary = summary


@dataclass(frozen=True)
class Draft:
    """An unsent comment: kept per control for as long as the app runs."""

    body: str = ""
    position: str = ""
    item: str = ""
    match: str = ""


@dataclass
class Filter:
    text: str = ""
    status: str = ""
    area: str = ""


@dataclass
class Session:
    root: Path
    member_id: str | None = None
    loaded: ControlList = field(init=False)
    seen: tuple[int, int, int] = field(init=False, default=(0, 0, 0))
    complete: bool = field(init=False, default=True)  # False: discussion not read yet
    light: bool = field(init=False, default=False)  # comments held without their bodies
    read_at: int = field(init=False, default=0)  # ns: when a read in part began
    reader: background.Reader | None = field(init=False, default=None)  # the rest being read
    generation: int = field(init=False, default=0)  # bumped on every reload
    drafts: dict[str, Draft] = field(default_factory=dict)
    filter: Filter = field(default_factory=Filter)
    listeners: weakref.WeakSet[MessagePump] = field(init=False, default_factory=weakref.WeakSet)

    def __post_init__(self) -> None:
        self.root = Path(self.root)
        self.reload()

    # -- announcing ---------------------------------------------------------------------------
    def listen(self, listener: MessagePump) -> None:
        """`listener` (a screen, a widget, the app) gets every announcement from now on, for as
        long as it exists."""
        self.listeners.add(listener)

    def announce(self, kind: type[Message], *args: Any) -> None:
        """A message of `kind` to each listener (a message is handled once: one each). Safe
        from a worker thread."""
        for listener in list(self.listeners):
            listener.post_message(kind(*args))

    # -- loading ------------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the list. A large one is first read in part — its controls and catalogue,
        without the cross-file checks — so that the table shows at once; `read_rest` and
        `take_rest` then add its discussion and public comments (store.index.background), without their
        bodies: `thread` and `public_comment` read those of what is shown."""
        # the comments read before are kept meanwhile: threads do not empty while a re-read runs
        earlier = self.loaded if self.light else None
        # listed, not stat'ed, and only as far as needed to tell
        self.complete = next(islice(files(self.root), LAZY_FROM, None), None) is None
        self.light = False
        if self.complete:
            self.seen = signature(self.root)
            self.loaded = load(self.root)
        else:
            self.read_at = time.time_ns()
            self.loaded = load(self.root, folders=DEFINITIONS, watch=Unchecked())
            if earlier is not None:
                self.loaded = replace(
                    self.loaded, comments=earlier.comments, public_comments=earlier.public_comments
                )
                self.light = True
        self._loaded_anew()

    def read_rest(self) -> tuple[ControlList, tuple[int, int, int]] | None:
        """The rest of a list loaded in part, and the signature it was read at (a process of
        its own does the reading; safe in a worker thread)."""
        if self.complete:
            return None
        self.stop_reading()  # a read begun before a reload is of no use any more
        self.reader = reader = background.Reader(self.root)
        return reader.result()

    def unsent_drafts(self) -> list[str]:
        """The controls with a comment written and not posted, in id order."""
        return sorted(cid for cid, d in self.drafts.items() if d.body.strip() or d.match.strip())

    def stop_reading(self) -> None:
        """End a read of the rest that is under way (quitting does not wait for it)."""
        if self.reader is not None:
            self.reader.stop()

    def take_rest(self, found: tuple[ControlList, tuple[int, int, int]], generation: int) -> str:
        """Add the rest read by `read_rest`: "taken"; "outdated" if the list was reloaded
        since; "stale" if a file changed after the controls were read (reload, then)."""
        if self.complete or generation != self.generation:
            return "outdated"
        rest, seen = found
        if seen[1] >= self.read_at:
            return "stale"
        self.loaded = replace(
            rest,
            manifest=self.loaded.manifest,
            controls=self.loaded.controls,
            catalogue=self.loaded.catalogue,
        )
        self.seen, self.complete, self.light = seen, True, True
        self._loaded_anew(whole=False)
        return "taken"

    def _loaded_anew(self, whole: bool = True) -> None:
        self.generation += 1
        cached = (
            "_haystack",
            "_threads",
            "_verdicts",
            "_table",
            "_bodies",
            "destinations",
            "member",
        )
        for name in cached:
            self.__dict__.pop(name, None)
        self.announce(ListReloaded, self.generation, whole)

    @cached_property
    def destinations(self) -> places.Destinations:
        """The list's destinations and licensing files (a broken one is left out: `check`
        reports it)."""
        return store_destinations.load(self.root).book

    def changed_on_disk(self) -> bool:
        """Whether files changed since the last load (another terminal's pull, an editor).
        Not asked while a large list is still being read: `read_rest` takes the signature
        before it reads, so a change meanwhile is seen on the next look."""
        return self.complete and signature(self.root) != self.seen

    def uncommitted(self) -> int | None:
        """How many files in the list have uncommitted changes; None outside git."""
        try:
            return len(plumbing.dirty_paths(plumbing.place_of(self.root)))
        except CuratorError:
            return None

    @property
    def title(self) -> str:
        m = self.loaded.manifest
        return (
            f"{m.title} — v{m.version}" if m and m.version else (m.title if m else str(self.root))
        )

    @cached_property
    def member(self) -> Member | None:
        if self.loaded.manifest is None:
            return None
        try:
            return identity.acting(self.loaded.manifest, self.root, self.member_id)
        except Refused:  # named by an id list.toml no longer has (`curator` checks it first)
            return None

    def writer(self) -> Member:
        """The acting member if they may write; the refusal says how to be recognised."""
        if self.loaded.manifest is None:
            raise CuratorError("list.toml is broken: fix it before writing")
        return identity.writer(self.loaded.manifest, self.root, self.member_id)

    # -- rows ---------------------------------------------------------------------------------
    @cached_property
    def _haystack(self) -> dict[str, str]:
        out = {}
        for cid, c in self.loaded.controls.items():
            parts = [cid, c.title, c.summary, *(p.text + " " + p.match for p in c.items)]
            out[cid] = " ".join(parts).lower()
        return out

    def broken_controls(self) -> dict[str, tuple[Problem, ...]]:
        return {
            path: found
            for path, found in self.loaded.broken.items()
            if path.startswith("controls/")
        }

    def visible(self) -> list[str]:
        """Row keys that pass the filter: controls by id, then broken control files."""
        needle = self.filter.text.strip().lower()
        status, area = self.filter.status, self.filter.area
        keys = []
        haystack = self._haystack if needle else {}  # built at the first filtering
        for cid in sorted(self.loaded.controls):
            c = self.loaded.controls[cid]
            if status and c.status != status:
                continue
            if area and c.area != area:
                continue
            if needle and needle not in haystack[cid]:
                continue
            keys.append(cid)
        if not status and not area:
            keys += [
                BROKEN + path
                for path in sorted(self.broken_controls())
                if not needle or needle in path.lower()
            ]
        return keys

    @property
    def row_count(self) -> int:
        return len(self.loaded.controls) + len(self.broken_controls())

    # -- balance ------------------------------------------------------------------------------
    @cached_property
    def _threads(self) -> dict[str, list[Comment]]:
        out: dict[str, list[Comment]] = defaultdict(list)
        for comment in self.loaded.comments:
            out[comment.control].append(comment)
        for thread in out.values():
            thread.sort(key=discussion.comment_order)
        return out

    @cached_property
    def _verdicts(self) -> dict[str, str]:
        return {}

    @cached_property
    def _bodies(self) -> dict[str, list[Comment]]:
        return {}

    def thread(self, control_id: str, bodies: bool = False) -> list[Comment]:
        """A control's comments in order; with `bodies`, what they say too (a large list's
        comments are held without it and read from their files when shown)."""
        found = self._threads.get(control_id, [])
        if not (bodies and self.light and found):
            return found
        if control_id not in self._bodies:
            self._bodies[control_id] = background.with_bodies(self.root, found)
        return self._bodies[control_id]

    @cached_property
    def _table(self) -> Columns:
        return Columns.of(self.loaded.catalogue)

    def verdict(self, control_id: str) -> str:
        """The weigh verdict of a control's own text, computed once per load (at once over
        the catalogue's columns: a fraction of a millisecond a row)."""
        if control_id not in self._verdicts:
            control = self.loaded.controls[control_id]
            try:
                found = weighing.criteria_of(control, self.loaded.parameters)
                setting = weighing.setting_of(control, self.loaded.manifest)
            except (ExprError, CuratorError):
                found = ()
            self._verdicts[control_id] = (
                weighing.verdict(found, self._table, setting) if found else ""
            )
        return self._verdicts[control_id]

    def ballot(self, control_id: str) -> discussion.Ballot:
        members = self.loaded.manifest.members if self.loaded.manifest else ()
        control = self.loaded.controls[control_id]
        return discussion.ballot(control, members, self.thread(control_id))

    def post(self, control_id: str, draft: Draft) -> str:
        """Write the draft as a comment (same function as `curator comment`); clears the draft."""
        author = self.writer()
        path = store_discussion.post_comment(
            self.root,
            self.loaded,
            author,
            control_id,
            draft.body,
            draft.position,
            draft.item or None,
            draft.match if draft.item else None,
        )
        self.drafts.pop(control_id, None)
        if self.light:  # a large list's discussion is re-read apart: show this one at once
            posted = background.comment_at(self.root, path, control_id)
            if posted is not None:
                comments = (*self.loaded.comments, replace(posted, body=""))
                self.loaded = replace(self.loaded, comments=comments)
        self.reload()
        self.announce(CommentPosted, control_id, path)
        return path

    @property
    def in_git(self) -> bool:
        try:
            plumbing.place_of(self.root)
        except CuratorError:
            return False
        return True

    def history(self, control_id: str) -> list[repo.ControlVersion]:
        """Versions of a control from git, newest first (CuratorError: git could not say)."""
        return repo.control_history(self.root, control_id, dict(self.loaded.catalogue))

    def version_of(self, version: repo.ControlVersion) -> Control | None:
        """The control as it stood in `version` (None: deleted or unreadable there)."""
        return repo.control_in(version)

    def change_status(self, control_id: str, new: str, reason: str) -> str:
        """Move a control through its lifecycle (same function as `curator status`)."""
        path = store_discussion.change_status(
            self.root, self.loaded, self.writer(), control_id, new, reason
        )
        self.reload()
        self.announce(StatusChanged, control_id, new)
        return path

    def create_control(self, control_id: str, title: str, area: str) -> str:
        """A new draft control (same function as `curator new`)."""
        path = store_edit.create_control(
            self.root, self.loaded, control_id, title, area, self.writer()
        )
        self.reload()
        rel = path.relative_to(self.root).as_posix()
        self.announce(ControlCreated, control_id, rel)
        return rel

    def save_control(self, data: dict[str, Any], expected: str, previous: str) -> str:
        """Write a control edited in a form, canonical, keeping the comments of `previous`
        (the file as opened); refuses with ChangedOnDisk if the file is no longer `expected`."""
        self.writer()
        path = store_edit.save_control(self.root, data, expected, previous)
        self.reload()
        rel = path.relative_to(self.root).as_posix()
        self.announce(ControlSaved, str(data["id"]), rel)
        return rel

    def public_comments(self, control_id: str | None) -> tuple:
        """Public comments on a control (or the whole docket), unanswered first (for a large
        list without their bodies: `public_comment` gives one in full)."""
        return public.list_comments(self.loaded, control_id)

    def public_comment(self, comment: PublicComment) -> PublicComment:
        """One public comment with its body."""
        return background.with_bodies(self.root, [comment])[0] if self.light else comment

    # -- the roster and the catalogue (the functions of `curator member` and `curator item`) --
    def _roster_changed(self, done: RosterChange, member_id: str) -> RosterChange:
        self.reload()
        self.announce(RosterChanged, member_id)
        return done

    def add_member(self, member: Member) -> RosterChange:
        return self._roster_changed(roster.add_member(self.root, self.member_id, member), member.id)

    def set_role(self, member_id: str, role: str) -> RosterChange:
        done = roster.set_role(self.root, self.member_id, member_id, role)
        return self._roster_changed(done, member_id)

    def remove_member(self, member_id: str) -> RosterChange:
        done = roster.remove_member(self.root, self.member_id, member_id)
        return self._roster_changed(done, member_id)

    def create_item(self, item_id: str, fields: ItemFields) -> Path:
        path = store_edit.create_item(self.root, self.member_id, item_id, fields)
        self.reload()
        return path

    def change_item(self, item_id: str, fields: ItemFields) -> Path | None:
        """The item with `fields` changed; None when nothing changed."""
        path = store_edit.change_item(self.root, self.member_id, item_id, fields)
        self.reload()
        return path

    def answer(self, tracking: str, action: str, response: str) -> str:
        """Record the committee's answer (same function as `curator comments answer`, which
        refuses an unknown action or an empty response)."""
        path = store_public.answer(self.root, tracking, action, response, self.writer()).file
        self.reload()
        self.announce(AnswerRecorded, tracking, path)
        return path

    def sync(self) -> str:
        """Commit, pull and push as the acting member (same function as `curator sync`); runs
        in a worker thread, so it announces Synced and leaves the re-read to the app."""
        self.writer()
        assert self.loaded.manifest is not None
        summary = store_sync.sync(self.root, self.loaded.manifest, self.member_id, None).summary()
        self.announce(Synced, summary)
        return summary

    def control(self, control_id: str | None) -> Control | None:
        return self.loaded.controls.get(control_id) if control_id else None
