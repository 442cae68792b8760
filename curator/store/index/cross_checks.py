"""How a load runs the cross-file checks of each file (the checks that look at other files: a
comment at its control, a control at the list's areas): every one (no `CrossChecks` given),
none (`Unchecked`: a list loaded in part), or only those whose inputs changed (`Watch`, the
incremental check's), noting which controls each looked at."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Set
from typing import TYPE_CHECKING, Any, Protocol

from curator.core.problems import Problem

if TYPE_CHECKING:
    from curator.core.model import Manifest, Outline

ALL = "#controls"  # a check that went through every control depends on all of them
# one file's cross-file checks: given a function that wraps what they are given of the
# controls (the id set or the records by id), their problems
CheckRun = Callable[[Callable[[Any], Any]], Iterable[Problem]]


class CrossChecks(Protocol):
    """What `load.build` is given to run each file's cross-file checks."""

    def built(self, manifest: Manifest | None, outlines: Mapping[str, Outline]) -> None:
        """Told once the definitions are built (each control's outline, by id), before their
        cross-file checks run."""
        ...

    def check(self, file: str, run: CheckRun) -> list[Problem]: ...

    def check_each(self, runs: Sequence[tuple[str, CheckRun]]) -> list[Problem]:
        """`check` of each (file, run), their problems in that order: the definitions' checks,
        given at once so that they can be shared out."""
        ...


class Watch:
    """For `load.build`: runs the cross-file checks of the files that need it, noting which
    controls each looked at; answers the others with what they reported last time."""

    def __init__(self, rerun: set[str], remembered: Mapping[str, str], found: Mapping) -> None:
        self.rerun = rerun
        self.remembered = remembered  # the files the last check saw
        self.found = found  # path: (broken, problems, checked) for files that had problems
        # per file checked: what it looked at (as remembered in "looked"), what it reported
        self.seen: dict[str, tuple[str, tuple[Problem, ...]]] = {}
        self._noting: _Noting | None = None  # given to one check after another (10^5 files)
        self._asked: set[str] = set()  # what the check running now asked of the controls

    def check(self, file: str, run: Callable[[Callable], Iterable[Problem]]) -> list[Problem]:
        if not self.needs_check(file):
            last = self.found.get(file)
            return [Problem(*p) for p in last[2]] if last else []
        asked: set[str] = set()
        self._asked = asked
        reported = list(run(self._noted))
        self.seen[file] = (_dependency_ids(asked), tuple(reported))
        return reported

    def built(self, manifest: Manifest | None, outlines: Mapping[str, Outline]) -> None:
        pass

    def check_each(self, runs: Sequence[tuple[str, CheckRun]]) -> list[Problem]:
        return [p for file, run in runs for p in self.check(file, run)]

    def needs_check(self, file: str) -> bool:
        """Whether `check` runs the file's checks (else it answers from memory)."""
        return file not in self.remembered or file in self.rerun

    def _noted(self, controls: Any) -> Any:
        """`controls` as a check is given them, noting what it asks of them."""
        noting = self._noting
        if noting is None or noting.inner is not controls:
            noting = self._noting = _seen(controls, self._asked)
        else:  # (a check holds on to it only while it runs)
            noting.seen = self._asked
        return noting


class Unchecked(Watch):
    """For a list loaded in part (a diff's changed controls): cross-file checks would report
    references to the files left out, so none is run; each file's own problems still are."""

    def __init__(self) -> None:
        super().__init__(set(), {}, {})

    def check(self, file: str, run: Callable[[Callable], Iterable[Problem]]) -> list[Problem]:
        return []

    def check_each(self, runs: Sequence[tuple[str, CheckRun]]) -> list[Problem]:
        return []


def _dependency_ids(ids: Set[str]) -> str:
    """What a file's checks looked at, as "looked" remembers it: the control ids (or ALL),
    sorted, between NULs (most look at one: that id, as it is)."""
    if len(ids) == 1:
        (only,) = ids
        return only
    return "\0".join(sorted(ids))


def _seen(controls: Any, seen: set[str]) -> Any:
    if type(controls) is dict:  # (the controls by id, for 10^5 comment files: no ABC check)
        return _SeenMap(controls, seen)
    return _SeenIds(controls, seen) if isinstance(controls, Set) else _SeenMap(controls, seen)


class _Noting:
    """What a check is given of the controls, noting which ids it asked about (ALL: it went
    through every one)."""

    def __init__(self, inner: Any, seen: set[str]) -> None:
        self.inner, self.seen = inner, seen

    def __contains__(self, key: object) -> bool:
        self.seen.add(str(key))
        return key in self.inner

    def __iter__(self) -> Iterator:
        self.seen.add(ALL)
        return iter(self.inner)

    def __len__(self) -> int:
        self.seen.add(ALL)
        return len(self.inner)


class _SeenMap(_Noting, Mapping):
    """The controls by id."""

    def __getitem__(self, key: Any) -> Any:
        self.seen.add(str(key))
        return self.inner[key]

    def get(self, key: Any, default: Any = None) -> Any:
        # (Mapping's own goes through __getitem__ and a KeyError: 10^5 comment files ask once)
        self.seen.add(key if type(key) is str else str(key))
        return self.inner.get(key, default)


class _SeenIds(_Noting, Set):
    """The control ids."""
