"""What every per-control tab shares: the workspace, and knowing when to redraw."""

from __future__ import annotations

from curator.tui.state import Workspace


class ControlPaneMixin:
    """Redraw only when the selected control or the loaded list (its generation) changed."""

    DEFAULT_CLASSES = "control-pane"

    def bind_workspace(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.control_id: str | None = None
        self.generation = -1

    def needs_redraw(self, control_id: str | None) -> bool:
        if control_id == self.control_id and self.workspace.generation == self.generation:
            return False
        self.control_id, self.generation = control_id, self.workspace.generation
        return True
