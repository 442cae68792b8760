"""A list's destinations and licensing files, read beside its other files.

destinations/country-groups.toml, destinations/country-chart.toml, licensing/<CONTROL-ID>.toml
and entities/<id>.toml are read here, validated by their schemas, checked against each other
and the controls (core.destinations), and formatted canonically. They stay outside the list's
model and its incremental check, which never read these folders: `check`, `fmt` and
`weigh --to` read them through this module.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from curator.core import destinations as core
from curator.core.criteria import ExprError
from curator.core.model import Control, Parameter
from curator.core.problems import Problem
from curator.store.formats import read as reader
from curator.store.formats import write
from curator.store.formats.layout import BESIDE, beside_files
from curator.store.git import plumbing, revisions
from curator.store.index.source import read_file

FIXED = {
    "destinations/country-groups.toml": "country-groups",
    "destinations/country-chart.toml": "country-chart",
}
PER_RECORD = {"licensing": "licensing", "entities": "entity"}


def kind_of(path: str) -> str | None:
    """The kind of a destinations or licensing file, from its path inside the list."""
    if path in FIXED:
        return FIXED[path]
    parts = path.split("/")
    if len(parts) == 2 and parts[1].endswith(".toml"):
        return PER_RECORD.get(parts[0])
    return None


@dataclass(frozen=True)
class Loaded:
    book: core.Destinations
    problems: tuple[Problem, ...]
    usable: tuple[str, ...]  # files read cleanly: the ones `fmt` may rewrite
    files: int

    @property
    def broken(self) -> tuple[str, ...]:
        """The files that could not be used."""
        return tuple(sorted({p.file for p in self.problems} - set(self.usable)))


def load(
    root: Path,
    controls: Mapping[str, Control] | None = None,
    parameters: Mapping[str, Parameter] | None = None,
) -> Loaded:
    """Read and check every destinations and licensing file in folder `root`. A broken file
    is reported and left out; the others still load. `controls`: checked against, when
    given."""
    return _build(
        [(rel, partial(read_file, str(root / rel))) for rel in beside_files(root)],
        controls,
        parameters,
    )


def load_revision(place: plumbing.ListPlace, revision: str) -> Loaded:
    """The destinations and licensing files as they were at `revision` (not checked: what
    `diff` compares with)."""
    commit = plumbing.resolve(place.top, revision)
    found = [f for f in revisions.tree_files(place, commit, BESIDE) if f.path != "list.toml"]
    return _build([(f.path, partial(_blob, place, f.blob)) for f in found], None, None)


def _blob(place: plumbing.ListPlace, blob: str) -> bytes:
    return plumbing.run(place.top, "cat-file", "blob", blob).stdout


def _build(
    files: Sequence[tuple[str, Callable[[], bytes]]],
    controls: Mapping[str, Control] | None,
    parameters: Mapping[str, Parameter] | None,
) -> Loaded:
    problems: list[Problem] = []
    groups: list[tuple[str, core.CountryGroup]] = []
    chart: list[tuple[str, core.ChartRow]] = []
    licensing: dict[str, core.Licensing] = {}
    entities: dict[str, core.Entity] = {}
    usable: list[str] = []
    chart_as_of = ""
    raws: dict[str, bytes] = {}
    for rel, fetch in files:
        kind = kind_of(rel)
        if kind is None:
            message = "not a destinations file: expected country-groups.toml or country-chart.toml"
            problems.append(Problem(rel, None, "", "unknown-file", message))
            continue
        try:
            raw = raws[rel] = fetch()
        except OSError as err:
            problems.append(Problem(rel, None, "", "unreadable", f"cannot read: {err.strerror}"))
            continue
        result = reader.read(kind, rel, raw)
        if result.data is None:
            problems += result.problems
            continue
        data = result.data
        stem = rel.rsplit("/", 1)[1].removesuffix(".toml")
        named = data.get("control", data.get("id", stem))
        if kind in PER_RECORD.values() and named != stem:
            key = "control" if kind == "licensing" else "id"
            message = f"'{named}' does not match the file name '{stem}'"
            problems.append(_located(Problem(rel, None, key, "id-mismatch", message), raw))
            continue
        if kind == "country-groups":
            groups += [(rel, g) for g in core.groups_from(data)]
        elif kind == "country-chart":
            chart += [(rel, r) for r in core.chart_from(data)]
            chart_as_of = data["as_of"]
        elif kind == "licensing":
            try:
                licensing[stem] = core.licensing_from(data, rel, parameters)
            except ExprError as err:
                index = _failing_when(data, parameters)
                message = f"column {err.column}: {err.message}"
                found = Problem(rel, None, f"exceptions[{index}].when", "bad-criteria", message)
                problems.append(_located(found, raw))
                continue
        else:
            entities[stem] = core.entity_from(data, rel)
        usable.append(rel)
    book = core.Destinations(
        groups={g.id: g for _, g in reversed(groups)},  # the first definition stands
        chart={r.country: r for _, r in reversed(chart)},
        licensing=licensing,
        entities=entities,
        chart_as_of=chart_as_of,
    )
    if controls is not None:
        labels = {cid: [i.label for i in c.items] for cid, c in controls.items()}
        crossed = core.check_destinations(groups, chart, book, labels)
        problems += [_located(p, raws[p.file]) for p in crossed]
    return Loaded(book, tuple(sorted(problems)), tuple(usable), len(files))


def load_beside(root: Path) -> Loaded:
    """`load`, checked against the list's controls and parameters as they are on disk."""
    from curator.store.formats.layout import DEFINITIONS
    from curator.store.index.load import load as load_list

    definitions = load_list(root, folders=DEFINITIONS)
    return load(root, definitions.controls, definitions.parameters)


def _failing_when(data: Mapping, parameters: Mapping[str, Parameter] | None) -> int:
    from curator.core import criteria

    for i, exc in enumerate(data.get("exceptions", ())):
        try:
            if "when" in exc:
                criteria.parse(exc["when"], parameters)
        except ExprError:
            return i
    return 0


def _located(problem: Problem, raw: bytes) -> Problem:
    return reader.locate(problem, raw.decode("utf-8", "replace"))


def unformatted(root: Path, names: Sequence[str]) -> list[write.Reformat]:
    """The files among `names` (read cleanly) whose bytes are not canonical."""
    changes = []
    for rel in names:
        before = read_file(str(root / rel))
        after = write.canonical_text(kind_of(rel) or "", before.decode("utf-8")).encode("utf-8")
        if after != before:
            changes.append(write.Reformat(rel, before, after))
    return changes
