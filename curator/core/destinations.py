"""Destinations and licensing: country groups, the Country Chart, a control's licence
requirements, review policies, licence exceptions, listed entities and licence decisions — and
what a control means for one destination (docs/design.md §3).

A control does not stop an export: a licence requirement for a destination does, and its review
policy decides what happens to the application. Weighing for a destination takes from the
catalogue weighing only which items a control captures, and by which paragraph (`captured`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from iso3166 import countries_by_alpha2

from curator.core import criteria
from curator.core.model import CatalogueItem, Parameter
from curator.core.problems import InputProblem, InvalidValue, Problem, closest

# the review policies a licence application can meet (15 CFR 742: "presumption of denial",
# "case-by-case review", "presumption of approval")
REVIEW_POLICIES = {
    "denial": "presumption of denial",
    "case-by-case": "case-by-case review",
    "approval": "presumption of approval",
}
# codes the EU and the UK use that are not ISO 3166 alpha-2
NOT_ISO = {"UK": "GB", "EL": "GR"}
GROUP_ID = re.compile(r"^[A-E]:[0-9]$")
TOO_LOOSE, TOO_TIGHT, BOTH, BALANCED = "too-loose", "too-tight", "both", "balanced"


# ---------------------------------------------------------------- the data


@dataclass(frozen=True)
class CountryGroup:
    id: str  # "D:5"
    title: str
    members: tuple[str, ...]
    as_of: str
    sources: tuple[str, ...]
    of_concern: bool = False  # a destination the committee weighs leaks to
    unconfirmed: tuple[str, ...] = ()  # members no source read confirms


@dataclass(frozen=True)
class ChartRow:
    """One country's row of the Commerce Country Chart: the reason columns marked X."""

    country: str
    columns: tuple[str, ...]
    notes: str = ""


@dataclass(frozen=True)
class Scope:
    """Which destinations: everywhere, or by group, country or chart column, less exclusions."""

    worldwide: bool = False
    groups: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    except_groups: tuple[str, ...] = ()
    except_countries: tuple[str, ...] = ()

    def holds(self, country: str, book: Destinations) -> bool:
        if country in self.except_countries or any(
            country in book.members(g) for g in self.except_groups
        ):
            return False
        return (
            self.worldwide
            or country in self.countries
            or any(country in book.members(g) for g in self.groups)
            or bool(set(self.columns) & set(book.columns_of(country)))
        )

    def words(self) -> str:
        named = [*self.groups, *self.countries, *(f"column {c}" for c in self.columns)]
        text = "worldwide" if self.worldwide else " or ".join(named) or "nowhere"
        excluded = [*self.except_groups, *self.except_countries]
        return text + (f", excluding {', '.join(excluded)}" if excluded else "")


@dataclass(frozen=True)
class Requirement:
    """A licence is required, for this reason, for these paragraphs, to these destinations (or
    to entities headquartered in `headquartered_in`, wherever they are); an application is
    reviewed under `review_policy`."""

    reason: str
    paragraphs: tuple[str, ...]  # labels ("a", "b.1"); empty: every paragraph
    scope: Scope
    review_policy: str
    headquartered_in: Scope | None = None
    policy_scope: Scope | None = None  # where `review_policy` applies; elsewhere `otherwise`
    otherwise: str = ""
    sources: tuple[str, ...] = ()
    unconfirmed: bool = False


@dataclass(frozen=True)
class LicenceException:
    """A licence exception (15 CFR 740) that lifts a requirement for some items and
    destinations, on conditions."""

    id: str  # "NAC"
    section: str  # "15 CFR 740.8"
    paragraphs: tuple[str, ...]
    scope: Scope
    when: criteria.Expr | None = None
    when_text: str = ""
    headquartered_in: Scope | None = None
    conditions: str = ""
    notice_days: int | None = None
    sources: tuple[str, ...] = ()
    unconfirmed: bool = False


@dataclass(frozen=True)
class Licensing:
    """A control's "License Requirements" and "License Exceptions" (licensing/<ID>.toml)."""

    control: str
    requirements: tuple[Requirement, ...]
    exceptions: tuple[LicenceException, ...]
    not_available: tuple[str, ...] = ()  # exceptions the entry marks N/A (LVS, GBS)
    file: str = ""


@dataclass(frozen=True)
class Decision:
    """A licence decision for an entity: a licence or general licence granted or denied, for
    some items and activities, in force from `start` up to (not including) `end`."""

    licence: str  # what it is an instance of, e.g. "temporary-general-licence"
    outcome: str  # "granted" or "denied"
    start: dt.date
    end: dt.date | None
    items: tuple[str, ...]  # control ids, or ("all",): every item subject to the EAR
    activities: tuple[str, ...]
    citation: str
    sources: tuple[str, ...] = ()
    unconfirmed: bool = False

    def in_force(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)

    def covers(self, control: str) -> bool:
        return "all" in self.items or control in self.items


@dataclass(frozen=True)
class Entity:
    """An end user on the Entity List: every item subject to the EAR needs a licence (when
    `all_items`), reviewed under `review_policy`, with no licence exception unless listed."""

    id: str
    name: str
    aliases: tuple[str, ...]
    country: str
    headquarters: str
    listed: dt.date
    citation: str
    all_items: bool
    review_policy: str
    exceptions: tuple[str, ...]
    footnotes: tuple[str, ...]
    decisions: tuple[Decision, ...]
    sources: tuple[str, ...] = ()
    file: str = ""

    def decisions_on(self, day: dt.date, control: str) -> tuple[Decision, ...]:
        return tuple(d for d in self.decisions if d.in_force(day) and d.covers(control))


@dataclass(frozen=True)
class Destinations:
    """Everything a list says about destinations: groups, the chart, licensing, entities."""

    groups: Mapping[str, CountryGroup] = field(default_factory=dict)
    chart: Mapping[str, ChartRow] = field(default_factory=dict)
    licensing: Mapping[str, Licensing] = field(default_factory=dict)
    entities: Mapping[str, Entity] = field(default_factory=dict)
    chart_as_of: str = ""

    def members(self, group: str) -> tuple[str, ...]:
        found = self.groups.get(group)
        return found.members if found else ()

    def columns_of(self, country: str) -> tuple[str, ...]:
        row = self.chart.get(country)
        return row.columns if row else ()

    def groups_of(self, country: str) -> tuple[str, ...]:
        return tuple(g for g in sorted(self.groups) if country in self.groups[g].members)

    def of_concern(self, country: str) -> bool:
        return any(self.groups[g].of_concern for g in self.groups_of(country))


# ---------------------------------------------------------------- from the files' data


def _tuple(data: Mapping[str, Any], key: str) -> tuple[str, ...]:
    return tuple(data.get(key, ()))


def scope_from(data: Mapping[str, Any]) -> Scope:
    return Scope(
        worldwide=bool(data.get("worldwide", False)),
        groups=_tuple(data, "groups"),
        countries=_tuple(data, "countries"),
        columns=_tuple(data, "columns"),
        except_groups=_tuple(data, "except_groups"),
        except_countries=_tuple(data, "except_countries"),
    )


def _optional_scope(data: Mapping[str, Any], key: str) -> Scope | None:
    return scope_from(data[key]) if key in data else None


def groups_from(data: Mapping[str, Any]) -> list[CountryGroup]:
    return [
        CountryGroup(
            id=g["id"],
            title=g["title"],
            members=tuple(g["members"]),
            as_of=data["as_of"],
            sources=tuple(g.get("sources", data.get("sources", ()))),
            of_concern=bool(g.get("of_concern", False)),
            unconfirmed=_tuple(g, "unconfirmed"),
        )
        for g in data.get("groups", ())
    ]


def chart_from(data: Mapping[str, Any]) -> list[ChartRow]:
    return [
        ChartRow(country=r["country"], columns=tuple(r["columns"]), notes=r.get("notes", ""))
        for r in data.get("countries", ())
    ]


def licensing_from(
    data: Mapping[str, Any], file: str, parameters: Mapping[str, Parameter] | None = None
) -> Licensing:
    """A licensing file's record; an exception's `when` is parsed here (`criteria.ExprError`)."""
    requirements = tuple(
        Requirement(
            reason=r["reason"],
            paragraphs=_tuple(r, "paragraphs"),
            scope=scope_from(r["destinations"]),
            review_policy=r["review_policy"],
            headquartered_in=_optional_scope(r, "headquartered_in"),
            policy_scope=_optional_scope(r, "policy_destinations"),
            otherwise=r.get("otherwise_policy", ""),
            sources=_tuple(r, "sources"),
            unconfirmed=bool(r.get("unconfirmed", False)),
        )
        for r in data.get("requirements", ())
    )
    exceptions = tuple(
        LicenceException(
            id=e["id"],
            section=e["section"],
            paragraphs=_tuple(e, "paragraphs"),
            scope=scope_from(e["destinations"]),
            when=criteria.parse(e["when"], parameters) if "when" in e else None,
            when_text=e.get("when", ""),
            headquartered_in=_optional_scope(e, "headquartered_in"),
            conditions=e.get("conditions", ""),
            notice_days=e.get("notice_days"),
            sources=_tuple(e, "sources"),
            unconfirmed=bool(e.get("unconfirmed", False)),
        )
        for e in data.get("exceptions", ())
    )
    return Licensing(
        control=data["control"],
        requirements=requirements,
        exceptions=exceptions,
        not_available=_tuple(data, "not_available"),
        file=file,
    )


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def entity_from(data: Mapping[str, Any], file: str) -> Entity:
    decisions = tuple(
        Decision(
            licence=d["licence"],
            outcome=d["outcome"],
            start=_date(d["from"]),
            end=_date(d["until"]) if "until" in d else None,
            items=tuple(d["items"]),
            activities=_tuple(d, "activities"),
            citation=d["citation"],
            sources=_tuple(d, "sources"),
            unconfirmed=bool(d.get("unconfirmed", False)),
        )
        for d in data.get("decisions", ())
    )
    return Entity(
        id=data["id"],
        name=data["name"],
        aliases=_tuple(data, "aliases"),
        country=data["country"],
        headquarters=data.get("headquarters", data["country"]),
        listed=_date(data["listed"]),
        citation=data["citation"],
        all_items=data["licence_requirement"] == "all-items-subject-to-the-EAR",
        review_policy=data["review_policy"],
        exceptions=_tuple(data, "licence_exceptions"),
        footnotes=_tuple(data, "footnotes"),
        decisions=decisions,
        sources=_tuple(data, "sources"),
        file=file,
    )


# ---------------------------------------------------------------- checks


def country_problem(code: str, file: str, key: str) -> Problem | None:
    """An unknown ISO 3166 alpha-2 code, with the code probably meant."""
    if code in countries_by_alpha2:
        return None
    meant = NOT_ISO.get(code) or closest(code, countries_by_alpha2)
    hint = f" (did you mean '{meant}'?)" if meant else ""
    return Problem(
        file, None, key, "unknown-country", f"'{code}' is not an ISO 3166 alpha-2 code{hint}"
    )


def check_destinations(
    groups: Sequence[tuple[str, CountryGroup]],
    chart: Sequence[tuple[str, ChartRow]],
    book: Destinations,
    controls: Mapping[str, Sequence[str]],
) -> list[Problem]:
    """Cross-file checks. `groups` and `chart`: every definition as read, with its file (a
    group defined twice appears twice); `controls`: each control's paragraph labels."""
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for i, (file, group) in enumerate(groups):
        key = f"groups[{_index(groups, i)}]"
        if group.id in seen:
            problems.append(
                Problem(
                    file,
                    None,
                    f"{key}.id",
                    "duplicate-group",
                    f"group '{group.id}' is defined twice (also in {seen[group.id]})",
                )
            )
        seen.setdefault(group.id, file)
        for j, code in enumerate(group.members):
            problems += _some(country_problem(code, file, f"{key}.members[{j}]"))
    rows: dict[str, str] = {}
    for i, (file, row) in enumerate(chart):
        key = f"countries[{_index(chart, i)}]"
        problems += _some(country_problem(row.country, file, f"{key}.country"))
        if row.country in rows:
            problems.append(
                Problem(
                    file,
                    None,
                    f"{key}.country",
                    "duplicate-country",
                    f"'{row.country}' has two rows in the country chart",
                )
            )
        rows.setdefault(row.country, file)
    for licensing in book.licensing.values():
        problems += _check_licensing(licensing, book, controls)
    for entity in book.entities.values():
        problems += _check_entity(entity)
    return problems


def _index(pairs: Sequence[tuple[str, Any]], i: int) -> int:
    """The position of definition `i` within its own file."""
    file = pairs[i][0]
    return sum(1 for f, _ in pairs[:i] if f == file)


def _some(problem: Problem | None) -> list[Problem]:
    return [problem] if problem else []


def _scope_problems(scope: Scope | None, book: Destinations, file: str, key: str) -> list[Problem]:
    if scope is None:
        return []
    found: list[Problem] = []
    for name, values in (("groups", scope.groups), ("except_groups", scope.except_groups)):
        for j, group in enumerate(values):
            if group not in book.groups:
                meant = closest(group, book.groups)
                hint = f" (did you mean '{meant}'?)" if meant else ""
                found.append(
                    Problem(
                        file,
                        None,
                        f"{key}.{name}[{j}]",
                        "unknown-group",
                        f"no country group '{group}' in destinations/{hint}",
                    )
                )
    for name, values in (
        ("countries", scope.countries),
        ("except_countries", scope.except_countries),
    ):
        for j, code in enumerate(values):
            found += _some(country_problem(code, file, f"{key}.{name}[{j}]"))
    return found


def _check_licensing(
    licensing: Licensing, book: Destinations, controls: Mapping[str, Sequence[str]]
) -> list[Problem]:
    file = licensing.file
    if licensing.control not in controls:
        meant = closest(licensing.control, controls)
        hint = f" (did you mean '{meant}'?)" if meant else ""
        return [
            Problem(
                file,
                None,
                "control",
                "unknown-control",
                f"no control '{licensing.control}'{hint}",
            )
        ]
    labels = controls[licensing.control]
    found: list[Problem] = []
    parts = [("requirements", r) for r in licensing.requirements] + [
        ("exceptions", e) for e in licensing.exceptions
    ]
    counts: Counter[str] = Counter()
    for kind, part in parts:
        key = f"{kind}[{counts[kind]}]"
        counts[kind] += 1
        for j, label in enumerate(part.paragraphs):
            if label not in labels:
                meant = closest(label, labels)
                hint = f" (did you mean '{meant}'?)" if meant else ""
                found.append(
                    Problem(
                        file,
                        None,
                        f"{key}.paragraphs[{j}]",
                        "unknown-paragraph",
                        f"{licensing.control} has no paragraph '{label}'{hint}",
                    )
                )
        found += _scope_problems(part.scope, book, file, f"{key}.destinations")
        found += _scope_problems(part.headquartered_in, book, file, f"{key}.headquartered_in")
        if isinstance(part, Requirement):
            found += _scope_problems(part.policy_scope, book, file, f"{key}.policy_destinations")
    return found


def _check_entity(entity: Entity) -> list[Problem]:
    file = entity.file
    found = _some(country_problem(entity.country, file, "country"))
    found += _some(country_problem(entity.headquarters, file, "headquarters"))
    by_licence: dict[str, list[tuple[int, Decision]]] = defaultdict(list)
    for i, decision in enumerate(entity.decisions):
        if decision.end is not None and decision.end <= decision.start:
            found.append(
                Problem(
                    file,
                    None,
                    f"decisions[{i}].until",
                    "bad-dates",
                    f"ends {decision.end} on or before it starts ({decision.start})",
                )
            )
        for j, earlier in by_licence[decision.licence]:
            if _overlap(earlier, decision):
                found.append(
                    Problem(
                        file,
                        None,
                        f"decisions[{i}].from",
                        "overlapping-decisions",
                        f"'{decision.licence}' from {decision.start} overlaps decisions[{j}] "
                        f"({earlier.start} to {earlier.end or 'open'})",
                    )
                )
        by_licence[decision.licence].append((i, decision))
    return found


def _overlap(a: Decision, b: Decision) -> bool:
    far = dt.date.max
    return a.start < (b.end or far) and b.start < (a.end or far)


# ---------------------------------------------------------------- naming a destination


@dataclass(frozen=True)
class Destination:
    """What `--to` names: a country, a country group (each member weighed), or an entity."""

    kind: str  # "country", "group" or "entity"
    id: str
    countries: tuple[str, ...]
    entity: Entity | None = None

    @property
    def title(self) -> str:
        if self.entity is not None:
            return f"{self.entity.name} ({self.entity.country}, Entity List)"
        return self.id


def destination_named(text: str, book: Destinations) -> Destination:
    """The destination `text` names; an `InputProblem` (field "to") when it names nothing."""
    if text in book.entities:
        entity = book.entities[text]
        return Destination("entity", text, (entity.country,), entity)
    if text in book.groups:
        return Destination("group", text, book.groups[text].members)
    code = text.upper()
    if len(text) == 2 and code in countries_by_alpha2:
        return Destination("country", code, (code,))
    known = [*book.groups, *book.entities]
    if GROUP_ID.match(text.upper()):
        meant = closest(text.upper(), book.groups)
        message = f"no country group '{text}' in this list"
    elif len(text) == 2:
        meant = NOT_ISO.get(code) or closest(code, countries_by_alpha2)
        message = f"'{text}' is not an ISO 3166 alpha-2 country code"
    else:
        meant = closest(text, known)
        message = f"'{text}' is not a country code, a country group or an entity of this list"
    raise DestinationUnknown(InputProblem("to", text, "unknown-destination", message, meant))


class DestinationUnknown(InvalidValue):
    """A destination that names no country, group or entity (field "to"): `problem` says
    which kind it was taken for, and what was probably meant."""

    def __init__(self, problem: InputProblem) -> None:
        super().__init__(
            problem.render(),
            field=problem.field,
            value=problem.value,
            suggestions=(problem.suggestion,) if problem.suggestion else (),
        )
        self.problem = problem


# ---------------------------------------------------------------- weighing for a destination


def captured(weighing: Any) -> tuple[tuple[str, str], ...]:
    """What licensing takes from the catalogue weighing (core.weigh): the captured items and
    the paragraph that captures each, as (item id, paragraph name such as "3A090.a.1")."""
    return tuple(weighing.captured)


@dataclass(frozen=True)
class Licence:
    """What one item needs to reach one country (or entity)."""

    required: bool
    reasons: tuple[str, ...] = ()
    policy: str = ""  # a REVIEW_POLICIES key
    exception: str = ""  # the licence exception that applies instead, if any
    decisions: tuple[str, ...] = ()  # licence decisions in force that cover it
    unconfirmed: bool = False  # rests on a requirement, exception or decision marked so

    def words(self) -> str:
        if not self.required:
            return "no licence required"
        text = f"licence required ({', '.join(self.reasons)}; {REVIEW_POLICIES[self.policy]})"
        if self.exception:
            text += f"; exception {self.exception} applies"
        if self.decisions:
            text += f"; in force: {', '.join(self.decisions)}"
        return text + (" [unconfirmed]" if self.unconfirmed else "")

    @property
    def unlicensed(self) -> bool:
        """Whether the item can go without an individual licence (none needed, an exception
        or a general licence in force)."""
        return not self.required or bool(self.exception) or bool(self.decisions)


def _label(paragraph: str, control: str) -> str:
    return paragraph.removeprefix(control).removeprefix(".")


def _covers(paragraphs: Sequence[str], label: str) -> bool:
    return not paragraphs or any(label == p or label.startswith(p + ".") for p in paragraphs)


def _reaches(scope: Scope, hq: Scope | None, country: str, entity: Entity | None, book) -> bool:
    if scope.holds(country, book):
        return True
    return hq is not None and entity is not None and hq.holds(entity.headquarters, book)


def licence_for(
    control: str,
    paragraph: str,
    params: Mapping[str, float | bool],
    country: str,
    book: Destinations,
    entity: Entity | None = None,
    day: dt.date | None = None,
) -> Licence:
    """Whether an item captured by `paragraph` needs a licence to `country` (or to `entity`),
    under which review policy, and which exception lifts it. An entity listed for all items
    needs a licence whatever the control says, under its own policy, with no exception but
    those its listing allows; licence decisions in force on `day` are named."""
    licensing = book.licensing.get(control)
    label = _label(paragraph, control)
    reasons: list[str] = []
    policies: list[str] = []
    unconfirmed = False
    if licensing is not None:
        for req in licensing.requirements:
            if _covers(req.paragraphs, label) and _reaches(
                req.scope, req.headquartered_in, country, entity, book
            ):
                reasons.append(req.reason)
                unconfirmed |= req.unconfirmed
                policy = req.review_policy
                if req.policy_scope is not None and not req.policy_scope.holds(country, book):
                    policy = req.otherwise or policy
                policies.append(policy)
    # a listing requires a licence for every captured item: one for all items subject to
    # the EAR, or one for items on the CCL, which captured items are
    if entity is not None:
        reasons.append("Entity List")
        policies.append(entity.review_policy)
    if not reasons:
        return Licence(False)
    policy = min(policies, key=list(REVIEW_POLICIES).index)  # the strictest applies
    exception = ""
    if licensing is not None and (entity is None or entity.exceptions):
        for exc in licensing.exceptions:
            if entity is not None and exc.id not in entity.exceptions:
                continue
            if (
                _covers(exc.paragraphs, label)
                and _reaches(exc.scope, exc.headquartered_in, country, entity, book)
                and (exc.when is None or criteria.evaluate(exc.when, params) is True)
            ):
                exception = exc.id
                unconfirmed |= exc.unconfirmed
                break
    granted = (
        tuple(d for d in entity.decisions_on(day, control) if d.outcome == "granted")
        if entity is not None and day is not None
        else ()
    )
    unconfirmed |= any(d.unconfirmed for d in granted)
    decisions = tuple(d.licence for d in granted)
    reasons_once = tuple(dict.fromkeys(reasons))
    return Licence(True, reasons_once, policy, exception, decisions, unconfirmed)


@dataclass(frozen=True)
class ItemForDestination:
    item: str
    name: str
    paragraph: str
    of_concern: bool
    by_country: Mapping[str, Licence]

    def summary(self) -> str:
        """The licence picture across the destination's countries, in words."""
        counts = Counter(lic.words() for lic in self.by_country.values())
        if len(counts) == 1:
            return next(iter(counts))
        return "; ".join(f"{n} × {words}" for words, n in counts.most_common())


@dataclass(frozen=True)
class DestinationWeighing:
    control: str
    destination: Destination
    items: tuple[ItemForDestination, ...]
    leaks: tuple[tuple[str, str], ...]  # (item, country) of concern that go without a licence
    tight: tuple[tuple[str, str], ...]  # (item, country) licensed though not of concern
    day: dt.date | None = None

    @property
    def verdict(self) -> str:
        if self.leaks:
            return BOTH if self.tight else TOO_LOOSE
        return TOO_TIGHT if self.tight else BALANCED

    def verdict_text(self) -> str:
        parts = []
        if self.leaks:
            item, where = self.leaks[0]
            parts.append(
                f"{len(self.leaks)} item×destination pair(s) of concern go without an "
                f"individual licence, e.g. {item} to {where}"
            )
        if self.tight:
            item, where = self.tight[0]
            parts.append(
                f"{len(self.tight)} pair(s) need a licence though the item is not of concern "
                f"or the destination is a partner, e.g. {item} to {where}"
            )
        return "; ".join(parts) or "licences are required where, and only where, they matter"

    def as_json(self) -> dict[str, object]:
        return {
            "control": self.control,
            "to": {
                "kind": self.destination.kind,
                "id": self.destination.id,
                "countries": list(self.destination.countries),
            },
            "on": self.day.isoformat() if self.day else None,
            "items": [
                {
                    "item": i.item,
                    "paragraph": i.paragraph,
                    "of_concern": i.of_concern,
                    "destinations": {
                        country: {
                            "licence_required": lic.required,
                            "reasons": list(lic.reasons),
                            "review_policy": lic.policy or None,
                            "exception": lic.exception or None,
                            "decisions": list(lic.decisions),
                            "unconfirmed": lic.unconfirmed,
                        }
                        for country, lic in i.by_country.items()
                    },
                }
                for i in self.items
            ],
            "leaks": [{"item": i, "to": c} for i, c in self.leaks],
            "too_tight": [{"item": i, "to": c} for i, c in self.tight],
            "verdict": self.verdict,
        }


def recorded_concern(item: CatalogueItem) -> bool:
    """Whether the committee's concern record holds the item of concern (no record: not)."""
    return item.concern is not None and item.concern.of_concern


def weigh_for(
    control: str,
    captures: Iterable[tuple[str, str]],
    catalogue: Mapping[str, CatalogueItem],
    destination: Destination,
    book: Destinations,
    partners: Sequence[str],
    day: dt.date | None = None,
) -> DestinationWeighing:
    """What a control's captured items need to reach `destination`, and the verdict there:
    too loose where an item of concern reaches a destination of concern (an entity is one)
    with no individual licence; too tight where an individual licence (no exception, no
    general licence) is required for an item not of concern, or to a partner."""
    entity = destination.entity
    rows: list[ItemForDestination] = []
    leaks: list[tuple[str, str]] = []
    tight: list[tuple[str, str]] = []
    for item_id, paragraph in captures:
        item = catalogue[item_id]
        by_country = {
            country: licence_for(control, paragraph, item.params, country, book, entity, day)
            for country in destination.countries
        }
        of_concern = recorded_concern(item)
        rows.append(ItemForDestination(item_id, item.name, paragraph, of_concern, by_country))
        for country, lic in by_country.items():
            where = destination.id if entity is not None else country
            concern = entity is not None or book.of_concern(country)
            if of_concern and concern and lic.unlicensed:
                leaks.append((item_id, where))
            if not lic.unlicensed and (not of_concern or country in partners) and entity is None:
                tight.append((item_id, where))
    return DestinationWeighing(control, destination, tuple(rows), tuple(leaks), tuple(tight), day)


@dataclass(frozen=True)
class Matrix:
    """Items × country groups: for each, whether members need a licence and under what."""

    control: str
    groups: tuple[str, ...]
    rows: tuple[tuple[str, str, tuple[str, ...]], ...]  # (item, paragraph, a cell per group)

    def as_json(self) -> dict[str, object]:
        return {
            "control": self.control,
            "groups": list(self.groups),
            "items": [
                {"item": item, "paragraph": p, "cells": dict(zip(self.groups, cells, strict=True))}
                for item, p, cells in self.rows
            ],
        }


def cell(licences: Sequence[Licence]) -> str:
    """A matrix cell: "—" (no member needs a licence), the policy (with the exception, if
    one applies) when all members agree, else "mixed"."""
    if not any(lic.required for lic in licences):
        return "—"
    words = {_short(lic) for lic in licences}
    if len(words) == 1 and all(lic.required for lic in licences):
        return words.pop()
    return "mixed"


def _state(lic: Licence) -> str:
    return _short(lic) if lic.required else "no licence"


def _short(lic: Licence) -> str:
    if not lic.required:
        return "—"
    return lic.policy + (f" ({lic.exception})" if lic.exception else "")


def matrix(
    control: str,
    captures: Iterable[tuple[str, str]],
    catalogue: Mapping[str, CatalogueItem],
    book: Destinations,
) -> Matrix:
    groups = tuple(sorted(book.groups))
    rows = []
    for item_id, paragraph in captures:
        params = catalogue[item_id].params
        cells = tuple(
            cell([licence_for(control, paragraph, params, c, book) for c in book.members(g)])
            for g in groups
        )
        rows.append((item_id, paragraph, cells))
    return Matrix(control, groups, tuple(rows))


# ---------------------------------------------------------------- the entry's tables


def _paragraph_words(control: str, labels: Sequence[str]) -> str:
    if not labels:
        return "entire entry"
    return " and ".join(f"{control}.{label}" for label in labels)


def requirement_rows(licensing: Licensing) -> tuple[tuple[str, str], ...]:
    """The "License Requirements" table of a CCL entry: (control(s), destinations and review
    policy), one row per requirement, in the entry's words."""
    rows = []
    for req in licensing.requirements:
        where = "Worldwide" if req.scope.worldwide else f"To or within {req.scope.words()}"
        if req.headquartered_in is not None:
            where += f"; to entities headquartered in {req.headquartered_in.words()}"
        policy = REVIEW_POLICIES[req.review_policy]
        if req.policy_scope is not None:
            other = REVIEW_POLICIES[req.otherwise or req.review_policy]
            policy = f"{policy} for {req.policy_scope.words()}; {other} otherwise"
        flag = " (unconfirmed)" if req.unconfirmed else ""
        rows.append(
            (
                f"{req.reason} applies to {_paragraph_words(licensing.control, req.paragraphs)}",
                f"{where}. Review: {policy}{flag}.",
            )
        )
    return tuple(rows)


def exception_rows(licensing: Licensing) -> tuple[tuple[str, str], ...]:
    """The "List Based License Exceptions" of a CCL entry: (exception, when it applies)."""
    rows = [(name, "N/A") for name in licensing.not_available]
    for exc in licensing.exceptions:
        text = f"Yes, for {_paragraph_words(licensing.control, exc.paragraphs)}"
        if exc.when_text:
            text += f" if {exc.when_text}"
        text += f", to {exc.scope.words()} ({exc.section})"
        if exc.notice_days is not None:
            text += f"; notice {exc.notice_days} days before export"
        if exc.unconfirmed:
            text += " (unconfirmed)"
        rows.append((exc.id, text))
    return tuple(rows)


def licensing_view(licensing: Licensing) -> dict[str, list[dict[str, str]]]:
    """A control's licensing as published: the CCL entry's two tables, as rows."""
    return {
        "licence_requirements": [
            {"controls": a, "destinations": b} for a, b in requirement_rows(licensing)
        ],
        "licence_exceptions": [{"exception": a, "text": b} for a, b in exception_rows(licensing)],
    }


# ---------------------------------------------------------------- changes of policy


def strictness(licence: Licence) -> int:
    """How hard it is for an item to reach a destination: no licence, an exception, then the
    review policies from approval to denial."""
    if not licence.required:
        return 0
    if licence.exception:
        return 1
    return 2 + (len(REVIEW_POLICIES) - 1 - list(REVIEW_POLICIES).index(licence.policy))


@dataclass(frozen=True)
class PolicyChange:
    """How a control's licensing changed between two versions of the list: tightened,
    loosened or mixed, with a witness pair (item, destination) each way."""

    control: str
    effect: str  # "tightened", "loosened" or "mixed"
    tighter: tuple[str, str, str, str] | None  # (item, country, before, after)
    looser: tuple[str, str, str, str] | None

    def witness(self) -> str:
        parts = []
        for pair in (self.tighter, self.looser):
            if pair is not None:
                item, country, before, after = pair
                parts.append(f"{item} to {country}: {before} → {after}")
        return "; ".join(parts)

    def as_json(self) -> dict[str, object]:
        def pair(found):
            if found is None:
                return None
            item, country, before, after = found
            return {"item": item, "to": country, "before": before, "after": after}

        return {
            "control": self.control,
            "effect": self.effect,
            "tighter": pair(self.tighter),
            "looser": pair(self.looser),
        }


def policy_changes(
    old: Destinations,
    new: Destinations,
    captures: Mapping[str, Sequence[tuple[str, str]]],
    catalogue: Mapping[str, CatalogueItem],
) -> tuple[PolicyChange, ...]:
    """Every control whose licence picture changed between `old` and `new` (groups moved,
    requirements, review policies or exceptions changed), judged on each captured item (by
    control: `captures`) to every ISO 3166 country: the first pair made stricter and the first
    made less strict are its witnesses."""
    countries = sorted(countries_by_alpha2)
    found = []
    for control in sorted(captures):
        if control not in old.licensing and control not in new.licensing:
            continue
        tighter = looser = None
        for item, paragraph in captures[control]:
            params = catalogue[item].params
            for country in countries:
                before = licence_for(control, paragraph, params, country, old)
                after = licence_for(control, paragraph, params, country, new)
                step = strictness(after) - strictness(before)
                pair = (item, country, _state(before), _state(after))
                if step > 0 and tighter is None:
                    tighter = pair
                elif step < 0 and looser is None:
                    looser = pair
            if tighter and looser:
                break
        if tighter or looser:
            effect = "mixed" if tighter and looser else ("tightened" if tighter else "loosened")
            found.append(PolicyChange(control, effect, tighter, looser))
    return tuple(found)
