"""The History tab: versions of the control from git; pick one to see what changed since."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import DataTable, Static

from curator.core.problems import CuratorError
from curator.tui.session import Session
from curator.tui.text import plain
from curator.tui.views import history
from curator.tui.widgets.control_pane import ControlPaneMixin


class HistoryPane(ControlPaneMixin, Vertical):
    def __init__(self, session: Session, **kwargs) -> None:
        super().__init__(**kwargs)
        self.bind_session(session)
        self.versions: list = []

    def compose(self) -> ComposeResult:
        yield DataTable(id="versions", cursor_type="row", zebra_stripes=True)
        yield Static("", id="version-diff")

    def on_mount(self) -> None:
        self._columns([])

    def _columns(self, versions: list) -> None:
        """The table's columns, each as wide as its longest entry: laid out once per fill, so
        they stand still as the rows arrive."""
        table = self.query_one("#versions", DataTable)
        table.clear(columns=True)
        for title, width in zip(history.COLUMNS, history.column_widths(versions), strict=True):
            table.add_column(title, width=width)

    def show_control(self, control_id: str | None) -> None:
        if not self.needs_redraw(control_id):
            return
        self.query_one("#versions", DataTable).clear()
        self.query_one("#version-diff", Static).update("Reading history…" if control_id else "")
        if control_id is not None:
            self.load_history(control_id)

    @work(thread=True, exclusive=True, group="history")
    def load_history(self, control_id: str) -> None:
        """git log runs in a thread: typing never waits for history."""
        if not self.session.in_git:
            versions, message = [], history.NOT_IN_GIT
        else:
            try:
                versions = self.session.history(control_id)
            except CuratorError as err:
                versions, message = [], err.message
            else:
                message = history.found_line(versions)
        self.app.call_from_thread(self.fill, control_id, versions, message)

    def fill(self, control_id: str, versions: list, message: str) -> None:
        if control_id != self.control_id:
            return
        self.versions = versions
        table = self.query_one("#versions", DataTable)
        self._columns(versions)
        for i, v in enumerate(versions):
            table.add_row(*plain(*history.version_row(v)), key=str(i))
        self.query_one("#version-diff", Static).update(Content(message))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id != "versions" or event.row_key.value is None:
            return
        version = self.versions[int(event.row_key.value)]
        loaded = self.session.loaded
        current = loaded.controls.get(self.control_id or "")
        then = self.session.version_of(version)
        self.query_one("#version-diff", Static).update(
            Content(history.since(version, then, current, loaded.catalogue))
        )
