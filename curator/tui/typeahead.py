"""Keys typed right behind a key that moves the focus into a form (c, e, n): held while the
tab or the form is made, then handed to what has the focus — none lost, none taken for a
command. A fast typist or a paste sends them before the focus has moved."""

from __future__ import annotations

from textual import events
from textual.widget import Widget


class TypeAhead:
    def __init__(self) -> None:
        self.held: list[events.Key] | None = None  # None: not holding

    @property
    def holding(self) -> bool:
        return self.held is not None

    def hold(self) -> None:
        if self.held is None:
            self.held = []

    def keep(self, event: events.Key) -> None:
        assert self.held is not None
        self.held.append(events.Key(event.key, event.character))

    def release(self, target: Widget | None) -> None:
        """Hand the held keys to `target`, in order (dropped when there is none: the form
        they were typed for did not open)."""
        held, self.held = self.held or [], None
        if target is not None:
            for key in held:
                target.post_message(key)
