"""The History tab: versions of the control from git; pick one to see what changed since."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import DataTable, Static

from curator.tui.state import Workspace
from curator.tui.text import plain
from curator.tui.widgets.control_pane import ControlPaneMixin


class HistoryPane(ControlPaneMixin, Vertical):
    def __init__(self, workspace: Workspace, **kwargs) -> None:
        super().__init__(**kwargs)
        self.bind_workspace(workspace)
        self.versions: list = []

    def compose(self) -> ComposeResult:
        yield DataTable(id="versions", cursor_type="row", zebra_stripes=True)
        yield Static("", id="version-diff")

    def on_mount(self) -> None:
        self._columns([])

    def _columns(self, authors: list[str]) -> None:
        """The table's columns, each as wide as its longest entry: laid out once per fill, so
        they stand still as the rows arrive."""
        table = self.query_one("#versions", DataTable)
        table.clear(columns=True)
        widths = (8, 10, max([6, *map(len, authors)]), 8, 10)
        for title, width in zip(
            ("commit", "date", "author", "change", "effect"), widths, strict=True
        ):
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
        versions, message = self.workspace.history(control_id)
        self.app.call_from_thread(self.fill, control_id, versions, message)

    def fill(self, control_id: str, versions: list, message: str) -> None:
        if control_id != self.control_id:
            return
        self.versions = versions
        table = self.query_one("#versions", DataTable)
        self._columns([v.version.author for v in versions])
        for i, v in enumerate(versions):
            change = v.change
            table.add_row(
                *plain(
                    v.version.short,
                    v.version.date[:10],
                    v.version.author,
                    change.change if change else v.problem,
                    (change.effect or "") if change else "",
                ),
                key=str(i),
            )
        self.query_one("#version-diff", Static).update(Content(message))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id != "versions" or event.row_key.value is None:
            return
        version = self.versions[int(event.row_key.value)]
        self.query_one("#version-diff", Static).update(
            Content(self.workspace.since(self.control_id or "", version))
        )
