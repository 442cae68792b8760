"""New and changed catalogue items (docs/design.md §2): what a command gives for an item, checked
against the list's declared parameters before any file is written. Pure."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import iso3166

from curator.core.ids import is_slug
from curator.core.model import CatalogueItem, Parameter
from curator.core.problems import InputProblem, closest

MAX_NAME = 300  # item.schema.json: name and maker
MAX_SOURCE = 1000
NUMBER = re.compile(r"^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$")
GROUPED = re.compile(r"^[+-]?[0-9]{1,3}(?:[, _'][0-9]{3})+(?:\.[0-9]*)?$")  # 6,000 or 6 000
FLAGS = {"true": True, "false": False}
# codes people write that ISO 3166-1 does not assign: UK is exceptionally reserved at the United
# Kingdom's request (its code is GB); the European Commission writes EL for Greece (GR)
MISTAKEN_CODES = {"UK": "GB", "EL": "GR"}

Value = int | float | bool


@dataclass(frozen=True)
class ItemFields:
    """What a command gives for an item; None (or empty) leaves a field as it is."""

    name: str | None = None
    maker: str | None = None
    origin: str | None = None
    kind: str | None = None
    notes: str | None = None
    mass_market: bool | None = None
    params: tuple[str, ...] = ()  # NAME=VALUE, as typed
    sources: tuple[str, ...] = ()  # added to the item's


@dataclass(frozen=True)
class ItemDraft:
    """The item as it would be written, or the problems that stop it."""

    item: CatalogueItem
    problems: tuple[InputProblem, ...] = ()


def new_item(item_id: str, fields: ItemFields, parameters: Mapping[str, Parameter]) -> ItemDraft:
    """A new item from `fields`: it needs a valid id, a name and at least one source."""
    problems: list[InputProblem] = []
    if not is_slug(item_id):
        problems.append(
            InputProblem(
                "id",
                item_id,
                "bad-id",
                f"'{item_id}' is not a valid item id: lower-case letters, digits and hyphens, "
                "starting with a letter or digit, at most 64 characters",
            )
        )
    if fields.name is None:
        problems.append(InputProblem("name", "", "no-name", "an item needs a name"))
    if not fields.sources:
        problems.append(
            InputProblem(
                "source", "", "no-source", "an item needs at least one source for its figures"
            )
        )
    start = CatalogueItem(id=item_id, name="", mass_market=False)
    draft = edit_item(start, fields, parameters)
    return replace(draft, problems=(*problems, *draft.problems))


def edit_item(
    item: CatalogueItem, fields: ItemFields, parameters: Mapping[str, Parameter]
) -> ItemDraft:
    """`item` with `fields` applied: given parameters set, given sources added."""
    problems: list[InputProblem] = []
    for field, value in (("name", fields.name), ("maker", fields.maker)):
        if value is not None and (len(value) > MAX_NAME or not value.isprintable()):
            problems.append(
                InputProblem(
                    field,
                    value,
                    f"bad-{field}",
                    f"the {field} must be one line of at most {MAX_NAME} printable characters",
                )
            )
    if fields.name is not None and not fields.name.strip():
        problems.append(InputProblem("name", fields.name, "bad-name", "the name is empty"))
    if fields.origin is not None:
        problems.extend(origin_problems(fields.origin))
    if fields.kind is not None and not is_slug(fields.kind):
        problems.append(
            InputProblem(
                "kind",
                fields.kind,
                "bad-kind",
                f"'{fields.kind}' is not a kind: one lower-case word, hyphens allowed "
                "(e.g. ai-accelerator, quantum-computer)",
            )
        )
    sources = list(item.sources)
    for source in fields.sources:
        text = source.strip()
        if not text or len(text) > MAX_SOURCE or "\n" in text:
            problems.append(
                InputProblem(
                    "source",
                    source,
                    "bad-source",
                    f"a source is one line of 1 to {MAX_SOURCE} characters",
                )
            )
        elif text not in sources:
            sources.append(text)
    given = [t.strip() for t in fields.sources if t.strip()]
    cited = given[0] if given else (sources[0] if sources else "")
    params, param_problems = parse_params(fields.params, parameters)
    problems.extend(param_problems)
    changed = replace(
        item,
        name=item.name if fields.name is None else fields.name.strip(),
        maker=item.maker if fields.maker is None else fields.maker.strip(),
        origin=item.origin if fields.origin is None else fields.origin.strip().upper(),
        kind=item.kind if fields.kind is None else fields.kind,
        notes=item.notes if fields.notes is None else fields.notes.strip(),
        mass_market=item.mass_market if fields.mass_market is None else fields.mass_market,
        sources=tuple(sources),
        params={**item.params, **params},
        # a figure given anew cites the first source given with it (else the item's first);
        # one given again unchanged keeps its reference
        param_sources={
            **item.param_sources,
            **{
                name: cited
                for name, value in params.items()
                if cited and (item.params.get(name) != value or name not in item.param_sources)
            },
        },
    )
    return ItemDraft(changed, tuple(problems))


def origin_problems(origin: str) -> tuple[InputProblem, ...]:
    """An origin is an ISO 3166-1 alpha-2 code (any case)."""
    code = origin.strip().upper()
    if code in iso3166.countries_by_alpha2:
        return ()
    meant = MISTAKEN_CODES.get(code, "")
    if not meant:
        try:  # a name or an alpha-3 code: say its alpha-2 code
            meant = iso3166.countries.get(origin.strip()).alpha2
        except KeyError:
            meant = ""
    return (
        InputProblem(
            "origin",
            origin,
            "bad-origin",
            f"'{origin}' is not an ISO 3166-1 alpha-2 country code such as US, JP or NL",
            meant,
        ),
    )


def parse_params(
    assignments: Sequence[str], parameters: Mapping[str, Parameter]
) -> tuple[dict[str, Value], tuple[InputProblem, ...]]:
    """`NAME=VALUE` assignments as values of the list's declared parameters: numbers, or true and
    false for flags."""
    values: dict[str, Value] = {}
    problems: list[InputProblem] = []
    for assignment in assignments:
        name, equals, text = (part.strip() for part in assignment.partition("="))
        if not equals or not name or not text:
            problems.append(
                InputProblem(
                    "param",
                    assignment,
                    "bad-assignment",
                    f"'{assignment}' is not NAME=VALUE (e.g. tpp=4800)",
                )
            )
            continue
        parameter = parameters.get(name)
        if parameter is None:
            problems.append(_undeclared(name, parameters))
            continue
        if name in values:
            problems.append(
                InputProblem("param", assignment, "repeated", f"'{name}' is given twice")
            )
            continue
        value = _value(parameter, text)
        if isinstance(value, InputProblem):
            problems.append(value)
        else:
            values[name] = value
    return values, tuple(problems)


def _undeclared(name: str, parameters: Mapping[str, Parameter]) -> InputProblem:
    suggestion = closest(name, parameters)
    declared = "" if suggestion else f" (declared: {', '.join(sorted(parameters)) or 'none'})"
    return InputProblem(
        "param",
        name,
        "unknown-parameter",
        f"parameter '{name}' is not declared in list.toml{declared}",
        suggestion,
    )


def _value(parameter: Parameter, text: str) -> Value | InputProblem:
    name = parameter.name
    if parameter.is_flag:
        flag = FLAGS.get(text.lower())
        if flag is None:
            return InputProblem(
                "param",
                f"{name}={text}",
                "not-a-flag",
                f"'{name}' is a yes/no flag: give true or false, not '{text}'",
            )
        return flag
    if GROUPED.match(text):
        plain = re.sub(r"[, _']", "", text)
        return InputProblem(
            "param",
            f"{name}={text}",
            "grouped-number",
            f"'{text}' for '{name}': numbers take no thousands separators (write {plain})",
        )
    if not NUMBER.match(text):
        return InputProblem(
            "param",
            f"{name}={text}",
            "not-a-number",
            f"'{name}' is measured in {parameter.unit}: give a number, not '{text}'",
        )
    number = float(text) if any(c in text for c in ".eE") else int(text)
    if not math.isfinite(number):
        return InputProblem(
            "param", f"{name}={text}", "not-a-number", f"'{text}' for '{name}' is out of range"
        )
    return number
