"""Editing a control in a form, validated as you type by the same schema and parser as `check`."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from curator.core import lifecycle, records
from curator.core.model import PLURILATERAL, UNILATERAL, VISIBILITIES, Control
from curator.core.problems import CuratorError
from curator.store.atomic import ChangedOnDisk
from curator.store.edit import control_problems, read_for_edit, save_control
from curator.tui.state import Workspace

TEXTS = ("summary", "rationale", "impact")


class ConflictScreen(ModalScreen[str]):
    """The file changed on disk while you edited it: reload, overwrite, or keep editing."""

    BINDINGS = [Binding("escape", "dismiss('keep')", "Keep editing")]

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path

    def compose(self) -> ComposeResult:
        with Vertical(id="conflict", classes="dialog"):
            yield Label(f"{self.path} changed on disk since you opened it.")
            yield Label("Reload loses your edits; overwrite loses the other change.")
            with Horizontal(classes="buttons"):
                yield Button("Reload", id="reload", variant="primary")
                yield Button("Overwrite", id="overwrite", variant="error")
                yield Button("Keep editing", id="keep")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id)


class EditScreen(ModalScreen[bool]):
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="save"),
        Binding("escape", "cancel", "Cancel", id="cancel"),
    ]

    def __init__(self, workspace: Workspace, control_id: str) -> None:
        super().__init__()
        self.workspace = workspace
        self.control_id = control_id
        self.text, self.digest = read_for_edit(workspace.root, control_id)
        self.control: Control = workspace.loaded.controls[control_id]

    def compose(self) -> ComposeResult:
        c = self.control
        member = self.workspace.member
        statuses = (c.status, *lifecycle.allowed_transitions(c, member))
        with VerticalScroll(id="edit", classes="dialog"):
            yield Label(f"Edit {c.id}", classes="dialog-title")
            yield Label("Title")
            yield Input(c.title, id="f-title")
            with Horizontal(classes="row"):
                yield Select(
                    [(s, s) for s in statuses], value=c.status, allow_blank=False, id="f-status"
                )
                yield Select(
                    [(v, v) for v in VISIBILITIES],
                    value=c.visibility,
                    allow_blank=False,
                    id="f-visibility",
                )
                manifest = self.workspace.loaded.manifest
                declared = [*(manifest.regimes if manifest else ()), PLURILATERAL, UNILATERAL]
                if c.regime and c.regime not in declared:
                    declared.append(c.regime)  # an undeclared one (check reports it) stays
                yield Select(
                    [(r, r) for r in declared],
                    value=c.regime or Select.NULL,
                    prompt="regime",
                    id="f-regime",
                )
            yield Label("Reasons for control (comma-separated, e.g. NS1, AT1, RS)")
            yield Input(", ".join(c.reasons), id="f-reasons")
            for name in TEXTS:
                yield Label(name.capitalize())
                yield TextArea(getattr(c, name), id=f"f-{name}", classes="prose")
            for i, p in enumerate(c.items):
                yield Label(f"Paragraph {p.label}")
                yield TextArea(p.text, id=f"p-text-{i}", classes="prose")
                yield Input(p.match, placeholder="criteria, e.g. tpp >= 4800", id=f"p-match-{i}")
            yield Static("", id="problems")
            with Horizontal(classes="buttons"):
                yield Button("Save (ctrl+s)", id="save", variant="primary")
                yield Button("Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#f-title").focus()
        self.revalidate()

    # -- the form as data ---------------------------------------------------------------------
    def data(self) -> dict[str, Any]:
        base = records.control_to(self.control)

        def value(selector: str) -> Any:
            widget = self.query_one(selector)
            if isinstance(widget, TextArea):
                return widget.text
            if isinstance(widget, Select):
                return "" if widget.is_blank() else widget.value
            return widget.value

        base["title"] = value("#f-title")
        base["status"] = value("#f-status")
        base["visibility"] = value("#f-visibility")
        for key, found in (("regime", value("#f-regime")),):
            if found:
                base[key] = found
            else:
                base.pop(key, None)
        reasons = [r.strip() for r in value("#f-reasons").split(",") if r.strip()]
        if reasons:
            base["reasons"] = reasons
        else:
            base.pop("reasons", None)
        for name in TEXTS:
            text = value(f"#f-{name}")
            if text:
                base[name] = text
            else:
                base.pop(name, None)
        items = []
        for i, p in enumerate(self.control.items):
            item: dict[str, Any] = {"label": p.label}
            text, match = value(f"#p-text-{i}"), value(f"#p-match-{i}").strip()
            if text:
                item["text"] = text
            if match:
                item["match"] = match
            if p.amended_by and match == p.match:
                item["amended_by"] = p.amended_by
            items.append(item)
        if items:
            base["items"] = items
        return base

    def revalidate(self) -> list[str]:
        problems = control_problems(self.data(), self.workspace.loaded)
        status = self.query_one("#f-status", Select).value
        member = self.workspace.member
        if status != self.control.status and member is not None:
            try:
                lifecycle.check_transition(self.control, str(status), member)
            except Exception as err:  # CuratorError carries the reason
                problems.append(f"status: {getattr(err, 'message', err)}")
        if not problems and member is not None and member.role != "chair":
            # the rest of what only the chair may change (verify holds history to the same)
            kept = {**self.data(), "status": self.control.status}
            edited = records.control_from(kept, self.control.file)
            reserved = lifecycle.reserved_changes(self.control, edited, member.id)
            problems.extend(f"only the chair may do this: {what}" for what in reserved)
        self.query_one("#problems", Static).update(
            Content.styled("\n".join(f"✗ {p}" for p in problems), "red")
            if problems
            else Content.styled("✓ valid", "green")
        )
        self.query_one("#save", Button).disabled = bool(problems)
        return problems

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Select.Changed)
    def changed(self, event) -> None:
        event.stop()
        self.revalidate()

    # -- save ---------------------------------------------------------------------------------
    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def action_cancel(self) -> None:
        self.dismiss(False)

    def action_save(self, expected: str | None = None) -> None:
        try:
            self.workspace.writer()
        except Exception as err:
            self.notify(getattr(err, "message", str(err)), severity="error")
            return
        if self.revalidate():
            self.notify("Fix the problems shown before saving.", severity="error")
            return
        data = self.data()
        new_status = data["status"]
        data["status"] = self.control.status  # a status change goes through the lifecycle below
        try:
            save_control(self.workspace.root, data, expected or self.digest, self.text)
        except ChangedOnDisk:
            self.app.push_screen(ConflictScreen(self.control.file), self.resolve_conflict)
            return
        except CuratorError as err:  # the disk refused (full, read-only): keep the form open
            self.notify(err.message, severity="error")
            return
        if new_status != self.control.status:
            self.workspace.reload()
            try:
                self.workspace.change_status(
                    self.control_id, new_status, "Status changed in the editor."
                )
            except CuratorError as err:
                self.notify(err.message, severity="error")
        self.notify(f"Saved {self.control.file}")
        self.dismiss(True)

    def resolve_conflict(self, choice: str | None) -> None:
        if choice == "overwrite":
            _, current = read_for_edit(self.workspace.root, self.control_id)
            self.action_save(expected=current)
        elif choice == "reload":
            self.workspace.reload()
            self.dismiss(False)
            self.app.action_edit_control()
