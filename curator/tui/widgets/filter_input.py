"""The filter box: an Input that gives way at once to the table when Enter is pressed."""

from __future__ import annotations

from textual import events
from textual.widgets import Input


class FilterInput(Input):
    """Enter moves the focus to the controls table now, while the key is handled, not when the
    Submitted message comes round: the keys typed right behind Enter (a fast typist, a paste,
    a loaded machine) are already queued here, and they are the table's — "q" must quit, not
    end up in the filter. They are handed on to whatever has the focus."""

    def __init__(self, table_id: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.table_id = table_id

    async def _on_key(self, event: events.Key) -> None:
        focused = self.screen.focused
        if focused is not None and focused is not self:
            event.stop()
            event.prevent_default()
            focused.post_message(events.Key(event.key, event.character))
            return
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self.screen.set_focus(self.screen.query_one(f"#{self.table_id}"))
            await self.action_submit()
            return
        await super()._on_key(event)
