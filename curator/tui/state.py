"""What the UI is looking at, outside any widget: the loaded list, the filter, the acting member.

Widgets read from a Workspace and call its verbs; every verb calls the same core/store
function the CLI calls, so the UI never holds a rule of its own.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field, replace
from functools import cached_property
from itertools import islice
from pathlib import Path

from curator.core import destinations as places
from curator.core import diff, discussion, public
from curator.core import weigh as weighing
from curator.core.columns import Columns
from curator.core.criteria import ExprError
from curator.core.model import Comment, Control, ControlList, Member, PublicComment
from curator.core.problems import CuratorError, Problem, Refused
from curator.store.formats.layout import DEFINITIONS
from curator.store.git import identity, plumbing, repo
from curator.store.git import sync as store_sync
from curator.store.index import background
from curator.store.index.cross_checks import Unchecked
from curator.store.index.load import load
from curator.store.index.source import files, signature
from curator.store.records import destinations as store_destinations
from curator.store.records import discussion as store_discussion
from curator.store.records import public as store_public
from curator.tui import text
from curator.tui.widgets.control_table import Row

BROKEN = "!"  # row keys of broken control files start with this
# from this many files on, the table is shown before the discussion and public comments are read
LAZY_FROM = 20_000

VERDICT_MARK = {
    weighing.TOO_LOOSE: "loose",
    weighing.TOO_TIGHT: "tight",
    weighing.BOTH: "both",
    weighing.BALANCED: "ok",
}


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
class Workspace:
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

    def __post_init__(self) -> None:
        self.root = Path(self.root)
        self.reload()

    # -- loading ------------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the list. A large one is first read in part — its controls and catalogue,
        without the cross-file checks — so that the table shows at once; `read_rest` and
        `take_rest` then add its discussion and public comments (store.index.background), without their
        bodies: `thread` and `public_comment` read those of what is shown."""
        # what was said is kept meanwhile: threads do not empty for the seconds a re-read takes
        said = self.loaded if self.light else None
        # listed, not stat'ed, and only as far as needed to tell
        self.complete = next(islice(files(self.root), LAZY_FROM, None), None) is None
        self.light = False
        if self.complete:
            self.seen = signature(self.root)
            self.loaded = load(self.root)
        else:
            self.read_at = time.time_ns()
            self.loaded = load(self.root, folders=DEFINITIONS, watch=Unchecked())
            if said is not None:
                self.loaded = replace(
                    self.loaded, comments=said.comments, public_comments=said.public_comments
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
        """Add the rest read by `read_rest`: "taken"; "outdated" if the workspace was reloaded
        since; "stale" if a file changed after the controls were read (reload, then)."""
        if self.complete or generation != self.generation:
            return "outdated"
        said, seen = found
        if seen[1] >= self.read_at:
            return "stale"
        self.loaded = replace(
            said,
            manifest=self.loaded.manifest,
            controls=self.loaded.controls,
            catalogue=self.loaded.catalogue,
        )
        self.seen, self.complete, self.light = seen, True, True
        self._loaded_anew()
        return "taken"

    def _loaded_anew(self) -> None:
        self.generation += 1
        for name in ("_haystack", "_threads", "_verdicts", "_table", "_bodies", "destinations"):
            self.__dict__.pop(name, None)

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

    def row(self, key: str) -> Row:
        if key.startswith(BROKEN):
            path = key[1:]
            problem = self.loaded.broken[path][0]
            name = path.removeprefix("controls/").removesuffix(".toml")
            return Row(key, (name, f"broken: {problem.message}", "broken", "", ""), broken=True)
        c = self.loaded.controls[key]
        return Row(key, (c.id, c.title, c.status, c.area, self.mark(key)))

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

    def ballot_line(self, control_id: str) -> str:
        b = self.ballot(control_id)
        held = ", ".join(f"{m}: {p}" for m, p in b.positions) or "no positions yet"
        loose, tight = b.balance["too-loose"], b.balance["too-tight"]
        return f"Ballot — {held} · no record: {len(b.no_record)} · too loose {loose} / too tight {tight}"

    def thread_markdown(self, control_id: str) -> str:
        control = self.loaded.controls[control_id]
        notes = {}
        for comment in self.thread(control_id):
            effect = discussion.amendment_effect(
                control, comment, self.loaded.manifest, self.loaded.catalogue
            )
            if effect is None:
                continue
            if effect.change is None:
                notes[comment.file] = effect.problem
            else:
                c = effect.change
                notes[comment.file] = (
                    f"what-if: newly captured {', '.join(c.newly_captured) or 'none'}; "
                    f"released {', '.join(c.released) or 'none'}; "
                    f"verdict {c.verdict_before} → {c.verdict_after}"
                    + (" (applied)" if effect.applied else "")
                )
        return text.thread_markdown(self.thread(control_id, bodies=True), notes)

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
                self._loaded_anew()
        return path

    def history(self, control_id: str) -> tuple[list[repo.ControlVersion], str]:
        """Versions of a control from git, newest first, and a line saying what was found."""
        try:
            plumbing.place_of(self.root)
        except CuratorError:
            return [], "This list is not in a git repository, so it has no history yet."
        try:
            versions = repo.control_history(self.root, control_id, dict(self.loaded.catalogue))
        except CuratorError as err:
            return [], err.message
        if not versions:
            return [], "No committed versions yet."
        return (
            versions,
            f"{len(versions)} versions; select one to compare it with the current text.",
        )

    def since(self, control_id: str, version: repo.ControlVersion) -> str:
        """What changed from `version` to the current text: fields, effect, items, witness."""
        current = self.loaded.controls.get(control_id)
        then = repo.control_in(version)
        if current is None or then is None:
            return version.problem or "This version cannot be compared."
        change = diff.compare_controls(then, current, self.loaded.catalogue)
        if not change.fields and change.change == "modified":
            return f"{version.version.short}: same as the current text."
        lines = [
            f"From {version.version.short} ({version.version.date[:10]}, {version.version.author}) to now:",
            f"fields changed: {', '.join(change.fields) or 'none'}",
            f"effect: {change.effect or 'no change in scope'}",
        ]
        if change.newly_captured:
            lines.append(f"newly captured: {', '.join(change.newly_captured)}")
        if change.released:
            lines.append(f"released: {', '.join(change.released)}")
        if change.witness:
            lines.append(change.witness)
        return "\n".join(lines)

    def change_status(self, control_id: str, new: str, reason: str) -> str:
        """Move a control through its lifecycle (same function as `curator status`)."""
        return store_discussion.change_status(
            self.root, self.loaded, self.writer(), control_id, new, reason
        )

    def public_comments(self, control_id: str | None) -> tuple:
        """Public comments on a control (or the whole docket), unanswered first (for a large
        list without their bodies: `public_comment` gives one in full)."""
        return public.list_comments(self.loaded, control_id)

    def public_comment(self, comment: PublicComment) -> PublicComment:
        """One public comment with its body."""
        return background.with_bodies(self.root, [comment])[0] if self.light else comment

    def answer(self, tracking: str, action: str, response: str) -> str:
        """Record the committee's answer (same function as `curator comments answer`)."""
        if action not in public.ACTIONS:
            raise CuratorError(f"choose an action: {', '.join(public.ACTIONS)}")
        if not response.strip():
            raise CuratorError("write the response before answering")
        return store_public.answer(self.root, tracking, action, response, self.writer()).file

    def sync(self) -> str:
        """Commit, pull and push as the acting member (same function as `curator sync`)."""
        self.writer()
        assert self.loaded.manifest is not None
        return store_sync.sync(self.root, self.loaded.manifest, self.member_id, None).summary()

    def mark(self, control_id: str) -> str:
        balance = self.ballot(control_id).balance
        loose, tight = balance["too-loose"], balance["too-tight"]
        votes = f" {loose}/{tight}" if loose or tight else ""
        return (VERDICT_MARK.get(self.verdict(control_id), "·") + votes).strip()

    def control(self, control_id: str | None) -> Control | None:
        return self.loaded.controls.get(control_id) if control_id else None
