"""Problems are values: a stable code, a place and a plain message, collected and reported together."""

from __future__ import annotations

from collections.abc import Iterable
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
    """An expected failure the user can act on: printed as a message, never as a traceback.

    `field` names the input it concerns (a form's field, a command's argument), `column` where in
    that input, `suggestions` what was probably meant: the CLI and the TUI say where it was typed.
    """

    def __init__(
        self,
        message: str,
        exit_code: int = 1,
        *,
        field: str | None = None,
        column: int | None = None,
        suggestions: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
        self.field = field
        self.column = column
        self.suggestions = suggestions


@dataclass(frozen=True)
class InputProblem:
    """A value given to a command that cannot be used: the field it was given for, the value,
    why not, and what was probably meant. The CLI and TUI say where it was typed."""

    field: str
    value: str
    code: str
    message: str
    suggestion: str = ""

    def render(self) -> str:
        return self.message + (f" (did you mean '{self.suggestion}'?)" if self.suggestion else "")


class Refused(CuratorError):
    """A command refused for the problems it carries; nothing was written."""

    def __init__(self, problems: tuple[InputProblem, ...]) -> None:
        super().__init__("\n".join(p.render() for p in problems))
        self.problems = problems


def closest(value: str, known: Iterable[str]) -> str:
    """The known name `value` most likely meant, or "" when none is close."""
    import difflib  # only when something is refused: not on every command's start

    found = difflib.get_close_matches(value, list(known), n=1)
    return found[0] if found else ""
