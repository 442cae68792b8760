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


def problem_order(problem: Problem) -> tuple[str, int, str]:
    """The order problems are reported in: by file, line, key."""
    return (problem.file, problem.line or 0, problem.key)


def notices_only(found: Iterable[Problem | tuple]) -> bool:
    """Whether a file not used was left out only for notices (Problem.notice; a problem as a
    tuple too): a file that is not a list file is not a broken list file."""
    return all((p.code if isinstance(p, Problem) else p[3]) in NOTICES for p in found)


class CuratorError(Exception):
    """An expected failure the user can act on: printed as a message, never as a traceback.

    `field` names the input it concerns (a form's field, a command's argument), `column` where in
    that input, `suggestions` what was probably meant: the CLI and the TUI say where it was typed.
    `file` (and `line`) name the file it concerns, when it concerns one: the message then
    begins with `file:line: `. The kind of failure is the type (the subclasses below); how it
    is shown, and the CLI's exit code, is the interface's to choose (docs/design.md §7).
    """

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        column: int | None = None,
        suggestions: tuple[str, ...] = (),
        file: str | None = None,
        line: int | None = None,
    ) -> None:
        if file is not None:
            message = f"{file}:{line}: {message}" if line else f"{file}: {message}"
        super().__init__(message)
        self.message = message
        self.field = field
        self.column = column
        self.suggestions = suggestions
        self.file = file
        self.line = line


class InvalidValue(CuratorError):
    """A request that cannot be taken as it is asked: `value`, given for `field`, is not of the
    form the field takes or not one of its choices (`suggestions`), or is missing, or comes
    without the value it goes with. The asker's slip, not a fact of the list."""

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        value: str = "",
        column: int | None = None,
        suggestions: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message, field=field, column=column, suggestions=suggestions)
        self.value = value


class Unavailable(CuratorError):
    """What the request needs around the list is not there to use: git, a git repository.
    Nothing the list holds is wrong."""


class NotFound(CuratorError):
    """`value`, given for `field`, names nothing here (a control, a paragraph, a comment…);
    `suggestions` are the known names close to it."""

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        value: str = "",
        suggestions: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message, field=field, suggestions=suggestions)
        self.value = value


class NotAllowed(CuratorError):
    """Refused for who asks or for where things stand: a member's role, a control's status.
    `field` is "member" when it is the asker who may not (or is not known)."""


class Broken(CuratorError):
    """The list holds what stops this command: a file that does not read, or problems that
    must be fixed first. The list's check says what and where."""


class InvalidExpression(CuratorError):
    """A criteria expression given for `field` that does not read: `reason` at `column` of
    `value`. The message says which expression, without the text and its caret."""

    def __init__(self, message: str, *, field: str, value: str, column: int, reason: str) -> None:
        super().__init__(message, field=field, column=column)
        self.value = value
        self.reason = reason


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
    """A command refused for the problems it carries, each naming its field; nothing was
    written. `field` and `suggestions` are the first problem's."""

    def __init__(self, problems: tuple[InputProblem, ...]) -> None:
        first = problems[0] if problems else None
        super().__init__(
            "\n".join(p.render() for p in problems),
            field=first.field if first else None,
            suggestions=(first.suggestion,) if first and first.suggestion else (),
        )
        self.problems = problems


def close_to(value: str, known: Iterable[str], n: int = 3, cutoff: float = 0.6) -> tuple[str, ...]:
    """The known names `value` most likely meant, the likeliest first (none when none is close)."""
    import difflib  # only when something is refused: not on every command's start

    return tuple(difflib.get_close_matches(value, list(known), n=n, cutoff=cutoff))


def closest(value: str, known: Iterable[str]) -> str:
    """The known name `value` most likely meant, or "" when none is close."""
    found = close_to(value, known, n=1)
    return found[0] if found else ""
