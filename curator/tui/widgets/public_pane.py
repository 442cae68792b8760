"""The Public tab: public comments on the selected control, or the whole docket; read, answer."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, DataTable, Markdown, Select, Static, Switch, TextArea

from curator.core import public
from curator.core.problems import CuratorError
from curator.tui.session import Session
from curator.tui.text import plain
from curator.tui.views import public as public_view
from curator.tui.widgets.control_pane import ControlPaneMixin


class PublicPane(ControlPaneMixin, Vertical):
    # a table of 50,000 rows takes seconds to fill; unanswered comments come first, so the
    # first rows are the ones that need the committee
    SHOWN_AT_MOST = 1000

    def __init__(self, session: Session, **kwargs) -> None:
        super().__init__(**kwargs)
        self.bind_session(session)
        self.shown: dict[str, public.PublicComment] = {}
        self.whole_docket = False

    def compose(self) -> ComposeResult:
        with Horizontal(classes="row"):
            yield Switch(False, id="p-docket")
            yield Static("whole docket (off: comments on this control)", id="p-scope")
        yield DataTable(id="p-list", cursor_type="row", zebra_stripes=True)
        yield Static("", id="p-count")
        with VerticalScroll(id="p-read"):
            yield Markdown("", id="p-body")
        with Horizontal(classes="row"):
            yield Select([(a, a) for a in public.ACTIONS], prompt="action", id="p-action")
            yield Button("Answer", id="p-answer", variant="primary")
        yield TextArea("", id="p-response", classes="prose")
        yield Static("", id="p-problem")

    def on_mount(self) -> None:
        self.query_one("#p-list", DataTable).add_columns(*public_view.COLUMNS)

    def show_control(self, control_id: str | None) -> None:
        if self.needs_redraw(control_id) or self.whole_docket:
            self.fill()

    def fill(self) -> None:
        if self.whole_docket:
            everything = self.session.public_comments(None)
        elif self.control_id is None:  # no control selected (a file that cannot be read)
            everything = ()
        else:
            everything = self.session.public_comments(self.control_id)
        found = everything[: self.SHOWN_AT_MOST]
        self.shown = {c.tracking_number: c for c in found}
        table = self.query_one("#p-list", DataTable)
        table.clear()
        for c in found:
            table.add_row(*plain(*public_view.comment_row(c)), key=c.tracking_number)
        self.query_one("#p-body", Markdown).update("" if found else public_view.NONE_HERE)
        self.query_one("#p-count", Static).update(public_view.count_line(found, len(everything)))

    def on_switch_changed(self, event: Switch.Changed) -> None:
        self.whole_docket = event.value
        self.fill()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id != "p-list" or event.row_key.value is None:
            return
        c = self.session.public_comment(self.shown[event.row_key.value])
        self.query_one("#p-body", Markdown).update(public_view.comment_markdown(c))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id != "p-answer":
            return
        event.stop()
        table = self.query_one("#p-list", DataTable)
        action = self.query_one("#p-action", Select)
        problem = self.query_one("#p-problem", Static)
        if not self.shown or table.cursor_row < 0:
            problem.update("[red]Select a comment first.[/red]")
            return
        tracking = list(self.shown)[table.cursor_row]
        try:
            self.session.answer(  # announces AnswerRecorded
                tracking,
                "" if action.is_blank() else str(action.value),
                self.query_one("#p-response", TextArea).text,
            )
        except CuratorError as err:
            problem.update(Content.styled(err.message, "red"))
            return
        problem.update("")
        self.query_one("#p-response", TextArea).text = ""
