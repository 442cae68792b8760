"""The curator terminal app."""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from textual import work
from textual.app import App
from textual.filter import LineFilter
from textual.widgets import Input

from curator.core.problems import CuratorError, NotFound
from curator.store.setup.settings import load_settings, settings_path
from curator.tui import keys
from curator.tui.commands import CuratorCommands
from curator.tui.screens.main import MainScreen
from curator.tui.session import (
    AnswerRecorded,
    CommentPosted,
    ControlCreated,
    ControlSaved,
    ListReloaded,
    RosterChanged,
    Session,
    StatusChanged,
    Synced,
)
from curator.tui.text import InertLines
from curator.tui.typeahead import TypeAhead

INERT = InertLines()  # one for the app's life: each line drawn keeps what it made of it


# how someone the list does not know becomes a member here (the CLI says it in its options' words)
BE_KNOWN = (
    "start curator with --as MEMBER, set CURATOR_MEMBER, or set `git config user.email` to the "
    "email listed for you in list.toml"
)


class CuratorApp(App):
    CSS_PATH = "curator.tcss"
    TITLE = "curator"
    BINDINGS = keys.bindings("app")
    COMMANDS = App.COMMANDS | {CuratorCommands}

    POLL_SECONDS = 2.0
    POLL_SHARE = 0.05  # at most this share of the time goes to watching a large list's files
    REST_AFTER = 0.5  # seconds after the first screen a large list's discussion is read

    def __init__(self, root: Path, member: str | None = None) -> None:
        super().__init__()
        # what exists once the list is first read lives as long as the app (the modules, the
        # list): set aside from the collector, which would otherwise go through it all again
        # and again while the first screen is drawn and every keystroke is answered — and
        # first once the read's pause ends, to find nothing
        gc.disable()
        try:
            self.session = Session(root, member)
            gc.freeze()
        finally:
            gc.enable()
        self.next_poll = 0.0
        self.leaving = False
        self.typeahead = TypeAhead()
        self.settings = load_settings()
        self.keymap: dict[str, str] = {}  # the keys you set that are in force (binding ids)

    def apply_settings(self) -> None:
        """Your keymap and theme; a settings file that cannot be used is reported, and the
        defaults stay."""
        settings = self.settings
        for problem in settings.problems:
            self.notify(
                f"{problem.render()}\nUsing the default keys and theme.",
                title="Settings not applied",
                severity="error",
                timeout=20,
                markup=False,
            )
        if settings.theme and settings.theme not in self.available_themes:
            known = ", ".join(sorted(self.available_themes))
            self.notify(
                f"{settings_path()}: theme: unknown theme '{settings.theme}' (themes: {known})",
                title="Settings: theme not applied",
                severity="error",
                timeout=20,
                markup=False,
            )
        elif settings.theme:
            self.theme = settings.theme
        self.keymap = settings.keymap
        self.set_keymap(settings.keymap)

    def get_line_filters(self) -> Sequence[LineFilter]:
        """Textual's own filters, then InertLines: nothing from the list reaches the terminal
        as a control character."""
        return [*super().get_line_filters(), INERT]

    def notify(self, message: str, *, markup: bool = False, **options: Any) -> None:
        """A notification's message as plain text, whoever asks (a widget asks with markup on):
        messages carry paths, titles and problems, which are not markup."""
        super().notify(message, markup=False, **options)

    def on_mount(self) -> None:
        # nothing may write to the terminal while the app owns it
        logging.disable(logging.WARNING)
        self.apply_settings()
        self.refresh_header()
        self.session.listen(self)
        self.push_screen(MainScreen(self.session))
        # the table first; the rest a moment after the first screen is drawn: reading the
        # discussion holds the GIL, and `git status` over 10^5 files keeps both cores busy
        self.call_after_refresh(self.set_timer, self.REST_AFTER, self.after_first_screen)
        self.set_interval(self.POLL_SECONDS, self.watch_disk)

    def after_first_screen(self) -> None:
        self.count_uncommitted()
        self.read_rest()

    def on_unmount(self) -> None:
        self.session.stop_reading()
        logging.disable(logging.NOTSET)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # keys typed right behind `q` are already queued: an action they start once the app is
        # leaving would mount a pane or a screen on one being taken down (a MountError) or
        # start a sync nobody will see end
        if self.leaving:
            return False
        if action in keys.MAIN_ACTIONS and isinstance(self.screen, MainScreen):
            return self.screen.allows(action)
        return True

    async def action_quit(self) -> None:
        unsent = self.session.unsent_drafts()
        if unsent:
            from curator.tui.screens.confirm import ConfirmScreen

            question = f"Quit and lose the unsent draft on {', '.join(unsent)}?"
            self.push_screen(ConfirmScreen(question, "Quit", "Stay"), self.quit_if_confirmed)
            return
        self.leave()

    def quit_if_confirmed(self, confirmed: bool | None) -> None:
        if confirmed:
            self.leave()

    def leave(self) -> None:
        self.leaving = True
        self.session.stop_reading()  # the worker waiting on it would hold the exit up
        self.exit()

    def action_read(self) -> None:
        self.main.focus_tabs()

    def action_back_to_table(self) -> None:
        self.main.back_to_table()

    @property
    def main(self) -> MainScreen:
        return next(s for s in self.screen_stack if isinstance(s, MainScreen))

    def refresh_header(self, uncommitted: int | None = None) -> None:
        ws = self.session
        manifest = ws.loaded.manifest
        self.title = manifest.title if manifest else str(ws.root)
        who = ws.member.id if ws.member else "read-only: not a member"
        version = f"v{manifest.version}" if manifest and manifest.version else "unreleased"
        changes = "" if uncommitted is None else f" · {uncommitted} uncommitted"
        # who you act as first: a narrow terminal cuts the header's end
        self.sub_title = f"{who} · {version}{changes}"

    @work(thread=True, exclusive=True, group="git-status")
    def count_uncommitted(self) -> None:
        count = self.session.uncommitted()
        self.call_from_thread(self.refresh_header, count)

    @work(thread=True, exclusive=True, group="rest")
    def read_rest(self) -> None:
        """The discussion and public comments of a large list, read after the table shows."""
        ws = self.session
        generation = ws.generation
        try:
            rest = ws.read_rest()
        except CuratorError as err:
            self.call_from_thread(self.notify, err.message, title="Discussion", severity="error")
            return
        if rest is not None:
            self.call_from_thread(self.take_rest, rest, generation)

    def take_rest(self, rest, generation: int) -> None:
        # taken: the session announces it; stale: a file changed while the rest was read
        if self.session.take_rest(rest, generation) == "stale":
            self.action_reload()

    # -- what the session announces ---------------------------------------------------------
    def on_list_reloaded(self, event: ListReloaded) -> None:
        if event.whole:
            self.count_uncommitted()
            self.read_rest()

    def on_comment_posted(self, event: CommentPosted) -> None:
        self.notify(f"Posted {event.path}")

    def on_control_saved(self, event: ControlSaved) -> None:
        self.notify(f"Saved {event.path}")

    def on_control_created(self, event: ControlCreated) -> None:
        self.goto(event.control_id)
        self.notify(f"Created draft {event.control_id}")

    def on_status_changed(self, event: StatusChanged) -> None:
        self.notify(f"{event.control_id} is now {event.status}")

    def on_answer_recorded(self, event: AnswerRecorded) -> None:
        self.notify(f"Answered {event.path}")

    def on_synced(self, event: Synced) -> None:
        self.notify(event.summary, title="Synced")
        self.action_reload()

    @work(thread=True, exclusive=True, group="watch")
    def watch_disk(self) -> None:
        """Reload when files change on disk; drafts live in the session, so none is lost.
        Stat'ing 10^5 files takes a while: a large list is looked at less often."""
        if time.monotonic() < self.next_poll:
            return
        started = time.monotonic()
        changed = self.session.changed_on_disk()
        self.next_poll = time.monotonic() + (time.monotonic() - started) / self.POLL_SHARE
        if changed:
            self.call_from_thread(self.action_reload)

    # -- actions (the palette and the footer call these) ---------------------------------------
    def action_focus_filter(self) -> None:
        # at once, not after the queue (Widget.focus): keys typed right behind "/" are already
        # queued, and "q" among them must go to the filter, not quit
        self.main.set_focus(self.main.query_one("#filter"))

    def action_reload(self) -> None:
        self.session.reload()  # the screens follow what it announces

    async def action_tab(self, tab: str) -> None:
        await self.main.show_tab(tab)

    def action_toggle_dark(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"

    def action_help(self) -> None:
        from curator.tui.screens.help import HelpScreen

        self.push_screen(HelpScreen())

    def can_write(self) -> bool:
        """Writes by non-members are refused visibly, never silently, saying how to be known."""
        try:
            self.session.writer()
        except CuratorError as err:
            unknown = isinstance(err, NotFound) and err.field == "member"
            message = f"{err.message}: {BE_KNOWN}" if unknown else err.message
            self.notify(message, title="Read-only", severity="error")
            return False
        return True

    async def action_new_control(self) -> None:
        from curator.tui.screens.new_control import NewControlScreen

        if self.can_write():
            await self.push_screen(NewControlScreen(self.session))
        self.typeahead.release(self.screen.focused if self.screen is not self.main else None)

    async def action_edit_control(self) -> None:
        from curator.tui.screens.edit import EditScreen

        key = self.main.selected
        if key is None or key not in self.session.loaded.controls:
            self.typeahead.release(None)
            self.notify("Select a control to edit (broken files: use E).", severity="warning")
            return
        if self.can_write():
            await self.push_screen(EditScreen(self.session, key))
        self.typeahead.release(self.screen.focused if self.screen is not self.main else None)

    def action_edit_raw(self) -> None:
        """Open the selected file in $EDITOR, then re-validate it on return."""
        import os
        import shlex
        import subprocess

        key = self.main.selected
        if key is None or not self.can_write():
            return
        rel = key[1:] if key.startswith("!") else self.session.loaded.controls[key].file
        editor = shlex.split(os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi")
        with self.suspend():
            subprocess.run([*editor, str(self.session.root / rel)], check=False)
        self.action_reload()
        problems = [p for p in self.session.loaded.problems if p.file == rel]
        if problems:
            self.notify(
                "\n".join(p.render() for p in problems[:5]), title="Problems", severity="error"
            )
        else:
            self.notify(f"{rel} is valid")

    def action_members(self) -> None:
        from curator.tui.screens.roster import MembersScreen

        self.push_screen(MembersScreen(self.session))

    def action_items(self) -> None:
        from curator.tui.screens.roster import ItemsScreen

        self.push_screen(ItemsScreen(self.session))

    def on_roster_changed(self, event: RosterChanged) -> None:
        self.refresh_header()  # the roster may name you now, or give you another role

    def action_sync(self) -> None:
        if self.can_write():
            self.notify("Syncing: commit, pull, push…", title="Sync")
            self.run_sync()

    @work(thread=True, exclusive=True, group="sync")
    def run_sync(self) -> None:
        """Same function as `curator sync`; git runs in a thread so typing never blocks."""
        try:
            self.session.sync()  # announces Synced
        except CuratorError as err:
            self.call_from_thread(
                self.notify, err.message, title="Sync stopped", severity="error", timeout=15
            )
            self.call_from_thread(self.action_reload)  # what it did before it stopped

    async def action_compose(self) -> None:
        from curator.tui.widgets.discussion_pane import DiscussionPane

        try:
            await self.action_tab("discussion")
            self.main.query_one(DiscussionPane).start_composing()
        finally:
            self.typeahead.release(self.main.focused)

    def goto(self, control_id: str) -> None:
        self.session.filter.text = ""
        self.main.query_one("#filter", Input).value = ""
        self.main.refresh_rows(keep=control_id)


def run(root: Path, member: str | None = None) -> None:
    CuratorApp(root, member).run()
