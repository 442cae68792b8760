"""What every per-control tab shares: the session, and knowing when to redraw."""

from __future__ import annotations

from curator.tui.session import Session


class ControlPaneMixin:
    """Redraw only when the selected control or the loaded list (its generation) changed."""

    DEFAULT_CLASSES = "control-pane"

    def bind_session(self, session: Session) -> None:
        self.session = session
        self.control_id: str | None = None
        self.generation = -1

    def show_control(self, control_id: str | None) -> None:
        """Show the control `control_id` (None: no control selected)."""
        raise NotImplementedError

    def needs_redraw(self, control_id: str | None) -> bool:
        if control_id == self.control_id and self.session.generation == self.generation:
            return False
        self.control_id, self.generation = control_id, self.session.generation
        return True
