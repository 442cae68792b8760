"""Problems are values: a stable code, a place and a plain message, collected and reported together."""

from __future__ import annotations

from dataclasses import dataclass

# what is reported without failing the check: things in the list's folders that are not list
# files (a README, an editor's backup, a hidden file, a temp file a killed write left)
NOTICES = frozenset({"not-a-list-file", "leftover-temp-file"})


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int | None
    key: str
    code: str
    message: str

    @property
    def notice(self) -> bool:
        """Reported, but not a problem of the list: `check` passes with it."""
        return self.code in NOTICES

    def render(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        key = f"{self.key}: " if self.key else ""
        return f"{where}: {'notice: ' if self.notice else ''}{key}{self.message}"

    def as_json(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "key": self.key,
            "code": self.code,
            "message": self.message,
        }


class CuratorError(Exception):
    """An expected failure the user can act on: printed as a message, never as a traceback."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
