"""Two versions of a list compared control by control (docs/design.md §4).

Each changed control is added, removed, modified or renamed (a removed and an added control with
the same content apart from the id). For a change of criteria, the effect on the set of all
possible items is decided exactly by `scope.compare`; against the catalogue of the newer version
the items it newly captures and releases are listed. A change to wording only is editorial.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from curator.core import criteria, scope
from curator.core.criteria import Expr, ExprError
from curator.core.model import CatalogueItem, Control, ControlList
from curator.core.problems import Problem
from curator.core.records import control_to

if TYPE_CHECKING:  # numpy, imported by the first diff that judges the catalogue
    from curator.core.columns import Columns

ADDED = "added"
REMOVED = "removed"
MODIFIED = "modified"
RENAMED = "renamed"
EDITORIAL = "editorial"

# fields whose change alters no obligation: wording, references, bookkeeping
EDITORIAL_FIELDS = frozenset(
    {"title", "summary", "rationale", "impact", "sources", "related", "proposed_by"}
)
EDITORIAL_PARAGRAPH_FIELDS = frozenset({"text", "amended_by"})

# the order reviewers read effects in
EFFECT_ORDER = (
    scope.TIGHTENED,
    scope.LOOSENED,
    scope.MIXED,
    scope.EQUIVALENT,
    EDITORIAL,
    None,
)


@dataclass(frozen=True)
class ControlChange:
    id: str
    change: str  # added | removed | modified | renamed
    title: str
    fields: tuple[str, ...] = ()
    effect: str | None = None  # tightened | loosened | equivalent | mixed | editorial | None
    newly_captured: tuple[str, ...] = ()  # catalogue items of the newer version
    released: tuple[str, ...] = ()
    witness: str | None = None  # scope.Comparison.describe() when the scope changed
    previous_id: str = ""  # for a rename: the id before
    unreadable: str = ""  # why the criteria could not be compared, when they could not

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "change": self.change,
            "fields": list(self.fields),
            "effect": self.effect,
            "newly_captured": list(self.newly_captured),
            "released": list(self.released),
            "witness": self.witness,
        }


@dataclass(frozen=True)
class ListDiff:
    source: str  # how the older side was named: a tag, a commit, HEAD~1
    target: str  # the newer side, or "working tree"
    controls: tuple[ControlChange, ...] = ()
    list_fields: tuple[str, ...] = ()  # top-level keys of list.toml that changed
    catalogue: tuple[tuple[str, str], ...] = ()  # (item id, added|removed|modified)
    not_compared: tuple[str, ...] = ()  # control files broken on one side
    # files of the newer side that cannot be used and could be on the older one (a misnamed
    # control, a folder inside controls/): why, one problem each
    not_read: tuple[Problem, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "from": self.source,
            "to": self.target,
            "controls": [c.as_json() for c in self.controls],
        }

    def by_effect(self) -> list[tuple[str | None, tuple[ControlChange, ...]]]:
        """The changes grouped by effect, in reading order, empty groups left out."""
        groups = []
        for effect in EFFECT_ORDER:
            found = tuple(c for c in self.controls if c.effect == effect)
            if found:
                groups.append((effect, found))
        return groups


# ---------------------------------------------------------------- whole lists


def diff_lists(old: ControlList, new: ControlList, source: str, target: str) -> ListDiff:
    """Every control that differs between `old` and `new`, judged against `new`'s catalogue."""
    from curator.core import columns  # here, not at the top: it imports numpy

    catalogue = new.catalogue
    table = columns.Columns.of(catalogue)
    broken = _broken_controls(old) | _broken_controls(new)
    not_compared = broken & (set(old.controls) | set(new.controls))
    removed = {i: c for i, c in old.controls.items() if i not in new.controls and i not in broken}
    added = {i: c for i, c in new.controls.items() if i not in old.controls and i not in broken}
    changes: list[ControlChange] = []
    unclaimed: dict[str, list[Control]] = {}
    for control in removed.values():
        unclaimed.setdefault(_fingerprint(control), []).append(control)
    for new_id, control in list(added.items()):
        candidates = unclaimed.get(_fingerprint(control))
        if candidates:
            before = candidates.pop(0)
            del removed[before.id], added[new_id]
            changes.append(compare_controls(before, control, catalogue, table))
    changes.extend(compare_controls(None, c, catalogue, table) for c in added.values())
    changes.extend(compare_controls(c, None, catalogue, table) for c in removed.values())
    for control_id, control in new.controls.items():
        earlier = old.controls.get(control_id)
        if earlier is not None and earlier != control and _content(earlier) != _content(control):
            changes.append(compare_controls(earlier, control, catalogue, table))
    return ListDiff(
        source=source,
        target=target,
        controls=tuple(sorted(changes, key=lambda c: c.id)),
        list_fields=_manifest_fields(old, new),
        catalogue=_catalogue_changes(old.catalogue, new.catalogue),
        not_compared=tuple(sorted(not_compared)),
        not_read=_newly_unusable(old, new, not_compared),
    )


def _newly_unusable(
    old: ControlList, new: ControlList, not_compared: set[str]
) -> tuple[Problem, ...]:
    """The first problem of each file `new` cannot use that `old` could, or did not have, other
    than the controls `not_compared`: what a reviewer of the change would not see otherwise."""
    return tuple(
        problems[0]
        for path, problems in sorted(new.broken.items())
        if path not in old.broken and problems and _control_id(path) not in not_compared
    )


def _broken_controls(lst: ControlList) -> set[str]:
    return {_control_id(path) for path in lst.broken if path.startswith("controls/")}


def _control_id(path: str) -> str:
    """The control a path in controls/ is named for."""
    return path.removeprefix("controls/").removesuffix(".toml")


def _manifest_fields(old: ControlList, new: ControlList) -> tuple[str, ...]:
    if old.manifest is None or new.manifest is None:
        return ()
    a, b = vars(old.manifest), vars(new.manifest)
    return tuple(key for key in a if a[key] != b[key])


def _catalogue_changes(
    old: Mapping[str, CatalogueItem], new: Mapping[str, CatalogueItem]
) -> tuple[tuple[str, str], ...]:
    found = [(i, ADDED) for i in new if i not in old]
    found += [(i, REMOVED) for i in old if i not in new]
    found += [(i, MODIFIED) for i in new if i in old and _changed(old[i], new[i])]
    return tuple(sorted(found))


def _changed(old: CatalogueItem, new: CatalogueItem) -> bool:
    """Whether an item's figures or words changed (its file's name is not the item)."""
    return old != new and _item(old) != _item(new)  # (most are equal, file and all)


def _item(item: CatalogueItem) -> dict[str, Any]:
    return {k: v for k, v in vars(item).items() if k != "file"}


# ---------------------------------------------------------------- one control


def same_apart_from_id(a: Control, b: Control) -> bool:
    """A rename: the same content under another id."""
    return _fingerprint(a) == _fingerprint(b)


def _fingerprint(control: Control) -> str:
    return json.dumps(_content(control, with_id=False), sort_keys=True)


def _content(control: Control, with_id: bool = True) -> dict[str, Any]:
    data = control_to(control)
    if not with_id:
        data.pop("id")
    return data


def compare_controls(
    old: Control | None,
    new: Control | None,
    catalogue: Mapping[str, CatalogueItem],
    table: Columns | None = None,
) -> ControlChange:
    """How `new` differs from `old` (either may be None: added, removed); `table` as in
    `captured_difference`."""
    change = _kind_of_change(old, new)
    shown = new or old
    assert shown is not None
    fields = changed_fields(old, new) if old is not None and new is not None else ()
    old_exprs, old_error = _expressions(old)
    new_exprs, new_error = _expressions(new)
    unreadable = old_error or new_error
    scope_changed = _criteria(old) != _criteria(new)
    kinds = (old.kinds if old else (), new.kinds if new else ())
    effect: str | None = None
    witness: str | None = None
    newly: tuple[str, ...] = ()
    released: tuple[str, ...] = ()
    if (scope_changed or kinds[0] != kinds[1]) and not unreadable:
        newly, released = captured_difference(old_exprs, new_exprs, catalogue, table, kinds)
    if scope_changed and not unreadable:
        try:
            comparison = scope.compare(old_exprs, new_exprs)
        except scope.TooComplex as err:
            unreadable = f"{shown.id}: {err}"
        else:
            effect = comparison.effect
            if effect != scope.EQUIVALENT:
                witness = comparison.describe()
    elif change == RENAMED:
        effect = scope.EQUIVALENT
    elif change == MODIFIED and set(fields) <= _editorial(fields):
        effect = EDITORIAL
    return ControlChange(
        id=shown.id,
        change=change,
        title=shown.title,
        fields=fields,
        effect=effect,
        newly_captured=newly,
        released=released,
        witness=witness,
        previous_id=old.id if change == RENAMED and old is not None else "",
        unreadable=unreadable if scope_changed else "",
    )


def _kind_of_change(old: Control | None, new: Control | None) -> str:
    if old is None and new is None:
        raise ValueError("nothing to compare")
    if old is None:
        return ADDED
    if new is None:
        return REMOVED
    return RENAMED if old.id != new.id else MODIFIED


def _criteria(control: Control | None) -> set[tuple[str, str]]:
    return {(p.label, p.match) for p in control.criteria} if control else set()


def _expressions(control: Control | None) -> tuple[list[Expr], str]:
    """The control's parsed criteria, or why one of them does not parse."""
    if control is None:
        return [], ""
    found = []
    for paragraph in control.criteria:
        try:
            found.append(criteria.parse(paragraph.match))
        except ExprError as err:
            return [], f"{control.id} paragraph {paragraph.label}: {err}"
    return found, ""


def _editorial(fields: Sequence[str]) -> set[str]:
    """Which of `fields` are editorial (paragraph fields are written `items[a.1].text`)."""
    out = set()
    for name in fields:
        if name in EDITORIAL_FIELDS:
            out.add(name)
        elif name.startswith("items[") and "]." in name:
            if name.rsplit("].", 1)[1] in EDITORIAL_PARAGRAPH_FIELDS:
                out.add(name)
        elif name.startswith("items[") or name == "items (order)":
            out.add(name)  # a paragraph without criteria added, removed or moved
    return out


def changed_fields(old: Control, new: Control) -> tuple[str, ...]:
    """The fields that differ: top-level keys, then paragraphs by label (`items[a.1].match`)."""
    a, b = _content(old), _content(new)
    fields = [k for k in _keys(a, b) if k != "items" and a.get(k) != b.get(k)]
    old_items = {p["label"]: p for p in a.get("items", [])}
    new_items = {p["label"]: p for p in b.get("items", [])}
    for label in _keys(old_items, new_items):
        if label not in old_items or label not in new_items:
            fields.append(f"items[{label}]")
            continue
        before, after = old_items[label], new_items[label]
        fields += [
            f"items[{label}].{k}" for k in _keys(before, after) if before.get(k) != after.get(k)
        ]
    shared = [label for label in old_items if label in new_items]
    if shared != [label for label in new_items if label in old_items]:
        fields.append("items (order)")
    return tuple(fields)


def _keys(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[str]:
    return list(a) + [k for k in b if k not in a]


def captured_difference(
    old: Sequence[Expr],
    new: Sequence[Expr],
    catalogue: Mapping[str, CatalogueItem],
    table: Columns | None = None,
    kinds: tuple[tuple[str, ...], tuple[str, ...]] = ((), ()),
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Catalogue items captured only by `new`, and only by `old` (a control captures an item of
    its `kinds` — old, new; none named: any — when any of its paragraphs is True for it), as
    `weigh` weighs them. `table`: the catalogue's columns in id order, shared by the controls
    of one diff."""
    from curator.core import columns

    if table is None:
        table = columns.Columns.of(catalogue)
    return columns.captured_apart(old, new, table, kinds)
