"""The Discussion tab: the thread, the ballot, and a compose box whose draft is never lost."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Input, Markdown, Select, Static, TextArea

from curator.core.model import POSITIONS
from curator.core.problems import CuratorError
from curator.tui.session import Draft, Session
from curator.tui.views import discussion
from curator.tui.widgets.control_pane import ControlPaneMixin


class DiscussionPane(ControlPaneMixin, Vertical):
    BINDINGS = [Binding("ctrl+s", "post", "Post", tooltip="Post the comment you are writing")]

    def __init__(self, session: Session, **kwargs) -> None:
        super().__init__(**kwargs)
        self.bind_session(session)

    def compose(self) -> ComposeResult:
        yield Static("", id="ballot")
        with VerticalScroll(id="thread-scroll"):
            yield Markdown("", id="thread")
        # on a short terminal the thread has the room until you write (c): see the stylesheet
        yield Static("c: write a comment", id="compose-hint")
        with Vertical(id="compose"):
            yield TextArea("", id="c-body", classes="prose")
            with Horizontal(classes="row"):
                yield Select([(p, p) for p in POSITIONS], prompt="no position", id="c-position")
                yield Select([], prompt="no amendment", id="c-item")
                yield Button("Post", id="c-post", variant="primary")
            yield Input(placeholder="amended criteria for the chosen paragraph", id="c-match")
            yield Static("", id="c-problem")

    # -- showing --------------------------------------------------------------------------------
    def show_control(self, control_id: str | None) -> None:
        if control_id != self.control_id:
            self.keep_draft()
        if not self.needs_redraw(control_id):
            return
        ws = self.session
        control = ws.control(control_id)
        if control is None:
            self.query_one("#thread", Markdown).update("")
            self.query_one("#ballot", Static).update("")
            return
        self.query_one("#c-item", Select).set_options(
            [(f"amend {p.label}", p.label) for p in control.items]
        )
        thread = discussion.thread_page(control, ws.thread(control.id, bodies=True), ws.loaded)
        self.query_one("#thread", Markdown).update(thread)
        self.query_one("#ballot", Static).update(discussion.ballot_line(ws.ballot(control.id)))
        self.restore_draft()

    # -- the draft lives in the session, not in the widgets --------------------------------
    def read_form(self) -> Draft:
        position = self.query_one("#c-position", Select)
        item = self.query_one("#c-item", Select)
        return Draft(
            body=self.query_one("#c-body", TextArea).text,
            position="" if position.is_blank() else str(position.value),
            item="" if item.is_blank() else str(item.value),
            match=self.query_one("#c-match", Input).value,
        )

    def keep_draft(self) -> None:
        if self.control_id is not None and self.is_mounted:
            self.session.drafts[self.control_id] = self.read_form()

    def restore_draft(self) -> None:
        draft = self.session.drafts.get(self.control_id or "", Draft())
        self.query_one("#c-body", TextArea).text = draft.body
        self.query_one("#c-position", Select).value = draft.position or Select.NULL
        self.query_one("#c-item", Select).value = draft.item or Select.NULL
        self.query_one("#c-match", Input).value = draft.match
        self.query_one("#c-problem", Static).update("")

    def start_composing(self) -> None:
        self.add_class("-composing")
        self.refresh_bindings()
        self.screen.set_focus(self.query_one("#c-body", TextArea))

    def on_descendant_focus(self, event) -> None:
        self.set_class(self.query_one("#compose") in event.widget.ancestors, "-composing")
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Post only a comment on screen: on a short terminal the box is hidden until you
        write (c), and a draft kept there is not posted unseen."""
        if action == "post":
            return self.query_one("#compose").display
        return True

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self.keep_draft()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "c-match":
            event.stop()
            self.keep_draft()

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        if event.select.id == "c-item":  # the criteria box is there when a paragraph is amended
            self.set_class(not event.select.is_blank(), "-amending")
        self.keep_draft()

    # -- posting --------------------------------------------------------------------------------
    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "c-post":
            event.stop()
            self.post()

    def action_post(self) -> None:
        self.post()

    def post(self) -> None:
        if self.control_id is None:  # (a broken file's row: no control to comment on)
            self.app.notify("Select a control to comment on.", severity="warning")
            return
        self.keep_draft()
        try:
            self.session.post(self.control_id, self.read_form())  # announces CommentPosted
        except CuratorError as err:
            self.query_one("#c-problem", Static).update(Content.styled(err.message, "red"))
            self.app.notify(err.message.splitlines()[0], severity="error")
