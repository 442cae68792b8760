"""A new draft control: id, title, area; written by the same function as `curator new`."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from curator.core.ids import CONTROL_ID
from curator.core.problems import CuratorError
from curator.tui.session import Session


class NewControlScreen(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]
    FIELDS = ("id", "title", "area")  # as a refusal (CuratorError.field) names them

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        manifest = self.session.loaded.manifest
        areas = sorted(manifest.areas.values(), key=lambda a: a.title) if manifest else []
        with Vertical(id="new", classes="dialog"):
            yield Label("New draft control", classes="dialog-title")
            yield Input(placeholder="id, e.g. 3A091", id="n-id")
            yield Input(placeholder="title", id="n-title")
            yield Select([(Content(a.title), a.id) for a in areas], prompt="area", id="n-area")
            yield Static("", id="n-problem")
            with Horizontal(classes="buttons"):
                yield Button("Create", id="create", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_input_changed(self, event: Input.Changed) -> None:
        event.input.remove_class("-refused")
        if event.input.id == "n-id":
            ok = not event.value or CONTROL_ID.match(event.value)
            self.query_one("#n-problem", Static).update(
                "" if ok else "[red]id: digit, group A-E, three digits (e.g. 3A091)[/red]"
            )

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "cancel":
            self.dismiss(None)
            return
        area = self.query_one("#n-area", Select)
        control_id = self.query_one("#n-id", Input).value.strip()
        try:  # announces ControlCreated: the app selects it
            self.session.create_control(
                control_id,
                self.query_one("#n-title", Input).value,
                "" if area.is_blank() else str(area.value),
            )
        except CuratorError as err:  # shown under the form, the field it names marked
            self.query_one("#n-problem", Static).update(Content.styled(err.message, "red"))
            if err.field in self.FIELDS:
                field = self.query_one(f"#n-{err.field}")
                field.add_class("-refused")
                field.focus()
            return
        self.dismiss(control_id)
