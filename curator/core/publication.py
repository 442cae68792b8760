"""What may be published for public comment (docs/design.md §6): an allow-list, never a deny-list.

Every published value is copied here, field by field, from a control that passed `publishable`.
Anything not named below — discussion, ballots, amendments, members, who proposed or amended
what, the catalogue, committee-only controls, internal fields the list did not opt in to —
never reaches a template, so no template can leak it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from curator.core import criteria, diff, scope
from curator.core.diff import ControlChange
from curator.core.ids import category_of, product_group_of
from curator.core.model import (
    PLURILATERAL,
    UNILATERAL,
    Control,
    ControlList,
    Docket,
    Manifest,
    adopters_of,
)
from curator.core.problems import Broken, CuratorError

OPT_IN_FIELDS = ("rationale", "impact")  # internal unless list.toml [publish] fields names them
ADDED, REMOVED, RENAMED, CHANGED = "added", "removed", "renamed", "changed"
KINDS = (ADDED, REMOVED, RENAMED, CHANGED)
OTHER = "other"  # the criteria are the same but reasons, regime or area changed


def publishable(loaded: ControlList) -> tuple[Control, ...]:
    """Public controls with a publishable status, by id."""
    manifest = loaded.manifest
    if manifest is None:
        return ()
    statuses = set(manifest.publish_statuses)
    chosen = (
        c for c in loaded.controls.values() if c.visibility == "public" and c.status in statuses
    )
    return tuple(sorted(chosen, key=lambda c: c.id))


def public_only(loaded: ControlList) -> ControlList:
    """The list as the public may see it: publishable controls, no discussion, no comments."""
    return replace(
        loaded,
        controls={c.id: c for c in publishable(loaded)},
        comments=(),
        public_comments=(),
    )


def public_view(
    control: Control, manifest: Manifest, published: Collection[str], described: dict[str, str]
) -> dict[str, Any]:
    """The published fields of one control; `published` names the ids a reader can follow;
    `described` remembers criteria already put in words for this manifest."""
    area = manifest.areas.get(control.area)
    view: dict[str, Any] = {
        "id": control.id,
        "title": control.title,
        "category": {"code": control.id[0], "title": category_of(control.id)},
        "product_group": {"code": control.id[1], "title": product_group_of(control.id)},
        "area": {"id": control.area, "title": area.title if area else control.area},
        "reasons": sorted(control.reasons),
        "regime": control.regime,
        "applied_by": _applied_by(control, manifest),
        "in_force": (
            {"since": control.in_force.since, "citation": control.in_force.citation}
            if control.in_force
            else None
        ),
        "summary": control.summary,
        "paragraphs": [
            {
                "label": p.label,
                "text": p.text,
                "match": p.match,
                "criteria": plain_criteria(p.match, manifest, described),
                "exceptions": [
                    {
                        "name": e.name,
                        "condition": e.condition,
                        "criteria": plain_criteria(e.when, manifest, described),
                    }
                    for e in p.exceptions
                ],
            }
            for p in control.items
        ],
        "notes": [
            {"label": n.label, "kind": n.kind, "text": n.text, "defines": list(n.defines)}
            for n in control.notes
        ],
        "related": sorted(r for r in control.related if r in published and r != control.id),
        "sources": list(control.sources),
    }
    for name in OPT_IN_FIELDS:
        value = getattr(control, name)
        if name in manifest.publish_fields and value:
            view[name] = value
    return view


def _applied_by(control: Control, manifest: Manifest) -> dict[str, Any]:
    """Who applies the control, as a reader sees it: the regime's name or the kind of set, and
    the jurisdictions."""
    adopters = adopters_of(control, manifest)
    regime = manifest.regimes.get(adopters.by)
    title = {
        PLURILATERAL: "Plurilateral (the jurisdictions listed)",
        UNILATERAL: "Unilateral",
        "partners": "The list's partner jurisdictions",
    }.get(adopters.by, regime.title if regime else adopters.by)
    return {"by": adopters.by, "title": title, "jurisdictions": list(adopters.jurisdictions)}


def published_views(
    loaded: ControlList, described: dict[str, str] | None = None
) -> dict[str, dict[str, Any]]:
    """The public view of every publishable control, by id. `described`: the words already
    found for criteria over this list's parameters, added to (lists repeat the same criteria
    across controls, and two revisions of a list most of theirs)."""
    controls = publishable(loaded)
    if loaded.manifest is None:
        return {}
    ids = {c.id for c in controls}
    words = {} if described is None else described
    return {c.id: public_view(c, loaded.manifest, ids, words) for c in controls}


def plain_criteria(match: str, manifest: Manifest, described: dict[str, str]) -> str:
    """The criteria in plain words; empty when there are none or they do not parse.
    `described`: the words already found for this manifest's criteria, by text.

    Publishing refuses a list whose controls have problems, so a parse failure here only
    happens for an earlier revision shown in the redline, where the text itself still shows.
    """
    if match and match not in described:
        known = manifest.parameters
        try:
            described[match] = criteria.describe(criteria.parse(match, known), known)
        except criteria.ExprError:
            described[match] = ""
    return described.get(match, "")


def require_docket(manifest: Manifest) -> Docket:
    """The docket a public-comment package cites; refused without an id and a deadline."""
    docket = manifest.docket
    if docket is None or not docket.id:
        raise CuratorError(
            "list.toml has no docket: add [docket] with id (e.g. BIS-2026-0001) and "
            "comment_deadline before publishing"
        )
    if not docket.comment_deadline:
        raise CuratorError(
            f"docket {docket.id} has no comment deadline: set [docket] comment_deadline "
            "(YYYY-MM-DD) in list.toml before publishing"
        )
    return docket


def blocking_problems(loaded: ControlList) -> list[str]:
    """Problems in list.toml or in any control file: a notice is never built on them."""
    return [
        p.render()
        for p in loaded.problems
        if p.file == "list.toml" or p.file.startswith("controls/")
    ]


def public_list(
    loaded: ControlList, revision: str = "", described: dict[str, str] | None = None
) -> dict[str, Any]:
    """The published list (list.json): the list's public identity and its publishable controls.
    `described`: as for `published_views`."""
    manifest = loaded.manifest
    if manifest is None:
        raise Broken("list.toml is broken")
    docket = require_docket(manifest)
    blocking = blocking_problems(loaded)
    if blocking:
        shown = "\n  ".join(blocking[:10])
        more = f"\n  … and {len(blocking) - 10} more" if len(blocking) > 10 else ""
        raise Broken(f"not published: fix these problems first\n  {shown}{more}")
    controls = publishable(loaded)
    if not controls:
        statuses = ", ".join(manifest.publish_statuses)
        raise CuratorError(
            f'nothing to publish: no control is visibility = "public" with status {statuses}'
        )
    views = list(published_views(loaded, described).values())
    return {
        "list": {
            "id": manifest.id,
            "title": manifest.title,
            "version": manifest.version,
            "description": manifest.description,
        },
        "revision": revision,
        "docket": {
            "id": docket.id,
            "comment_deadline": docket.comment_deadline,
            "agency": docket.agency,
            "rin": docket.rin,
            "contact": docket.contact,
        },
        "areas": _areas(views),
        "parameters": _parameters(controls, manifest),
        "controls": views,
    }


def _areas(views: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    areas: dict[str, dict[str, Any]] = {}
    for view in views:
        area = view["area"]
        areas.setdefault(area["id"], {**area, "controls": []})["controls"].append(view["id"])
    return sorted(areas.values(), key=lambda a: (a["title"].lower(), a["id"]))


def _parameters(controls: Iterable[Control], manifest: Manifest) -> list[dict[str, str]]:
    """The parameters the published criteria use, with their public definitions."""
    used: set[str] = set()
    for match in {p.match for control in controls for p in control.criteria}:
        try:
            # read over the list's parameters first: the views have read each text so already
            expr = criteria.parse(match, manifest.parameters)
        except criteria.ExprError:
            try:  # a name the list does not declare: the others it names are still listed
                expr = criteria.parse(match)
            except criteria.ExprError:
                continue
        used |= criteria.parameters_used(expr)
    return [
        {
            "name": p.name,
            "title": p.title,
            "unit": p.unit,
            "type": p.type,
            "description": p.description,
        }
        for name, p in sorted(manifest.parameters.items())
        if name in used
    ]


# ---------------------------------------------------------------- amendatory instructions

ADD, REVISE, REMOVE = "add", "revise", "remove"
ACTIONS = (ADD, REVISE, REMOVE)


@dataclass(frozen=True)
class Instruction:
    """One amendatory instruction of the notice: what to do to which entries of a category."""

    category: str  # the category's code, 0-9
    action: str  # add | revise | remove
    ids: tuple[str, ...]


def amendatory(
    current: Mapping[str, Mapping[str, Any]], changes: Iterable[RedlineEntry], compared: bool
) -> tuple[tuple[Instruction, ...], tuple[str, ...]]:
    """What the notice tells the Federal Register to do, from the diff against the last
    release: add an entry not in force; revise one in force that changed (or, with no release
    to compare with, any in force); remove one in force that is no longer published. Also the
    ids of entries in force that are published unchanged: they are set out in no instruction.
    `compared`: whether there was a release to compare with."""
    changed = {c.id: c for c in changes}
    chosen: dict[tuple[str, str], list[str]] = {}
    unchanged: list[str] = []
    for cid, view in sorted(current.items()):
        if view.get("in_force") is None:
            action = ADD
        elif not compared or cid in changed:
            action = REVISE
        else:
            unchanged.append(cid)
            continue
        chosen.setdefault((cid[0], action), []).append(cid)
    for change in changes:
        if change.kind == REMOVED and change.was_in_force:
            chosen.setdefault((change.id[0], REMOVE), []).append(change.id)
    order = {ADD: 0, REVISE: 1, REMOVE: 2}
    instructions = tuple(
        Instruction(category, action, tuple(sorted(ids)))
        for (category, action), ids in sorted(
            chosen.items(), key=lambda kv: (kv[0][0], order[kv[0][1]])
        )
    )
    return instructions, tuple(unchanged)


# ---------------------------------------------------------------- the redline


@dataclass(frozen=True)
class Segment:
    kind: str  # same | del | ins
    text: str


@dataclass(frozen=True)
class FieldChange:
    name: str
    old: str
    new: str

    @property
    def segments(self) -> tuple[Segment, ...]:
        return marked(self.old, self.new)


@dataclass(frozen=True)
class RedlineEntry:
    """One control in the redline: its public views on each side and what differs between them."""

    id: str
    title: str
    kind: str  # added | removed | renamed | changed
    effect: str  # tightened | loosened | equivalent | mixed | editorial | other
    fields: tuple[FieldChange, ...]
    previous_id: str = ""  # for a rename: the id before
    was_in_force: bool = False  # the entry as it was carried an in_force record


def marked(old: str, new: str) -> tuple[Segment, ...]:
    """Word-level differences of two texts, ready to mark as <del> and <ins>."""
    if not old or not new:  # added or removed whole: nothing to align
        return tuple(Segment(k, t) for k, t in (("del", old), ("ins", new)) if t)
    a, b = _words(old), _words(new)
    out: list[Segment] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            _push(out, "same", "".join(a[i1:i2]))
            continue
        _push(out, "del", "".join(a[i1:i2]))
        _push(out, "ins", "".join(b[j1:j2]))
    return tuple(out)


# numbers such as 4,800 or 5.92 and labels such as a.1 are one word each
_WORD = re.compile(r"\s+|\w+(?:[.,'’]\w+)*|[^\w\s]")


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _push(out: list[Segment], kind: str, text: str) -> None:
    if not text:
        return
    if out and out[-1].kind == kind:
        out[-1] = Segment(kind, out[-1].text + text)
    else:
        out.append(Segment(kind, text))


def redline(
    old: ControlList | None,
    new: ControlList,
    current: Mapping[str, Mapping[str, Any]] | None = None,
    described: dict[str, str] | None = None,
) -> tuple[RedlineEntry, ...]:
    """Added, removed, renamed and changed published controls from `old` to `new`, by id.

    Both sides pass the same allow-list before anything is compared, so a committee-only
    control never shows, on either side. A control whose public text is the same on both sides
    is not listed, whatever changed inside the committee. Effects come from curator.core.diff.
    `current` is `published_views(new)` when the caller has it already, and `described` the
    words it found for `new`'s criteria: `old`'s views use them too when both revisions
    declare the same parameters (the words depend on nothing else).
    """
    words = described if described is not None else {}
    after = published_views(new, words) if current is None else current
    if old is not None and not _same_parameters(old, new):
        words = {}
    before = published_views(old, words) if old else {}
    known: dict[str, ControlChange] = {}
    renamed: dict[str, str] = {}  # new id → old id
    if old is not None:
        listed = diff.diff_lists(public_only(old), public_only(new), "", "")
        known = {c.id: c for c in listed.controls}
        renamed = {
            c.id: c.previous_id
            for c in listed.controls
            if c.change == diff.RENAMED and c.previous_id in before and c.id in after
        }
    changes = []
    for cid in sorted((set(before) | set(after)) - set(renamed.values())):
        previous = renamed.get(cid, cid)
        was, now = before.get(previous), after.get(cid)
        fields = _field_changes(was, now)
        if not fields:
            continue
        if was is None:
            kind, effect = ADDED, scope.TIGHTENED
        elif now is None:
            kind, effect = REMOVED, scope.LOOSENED
        else:
            kind = RENAMED if cid in renamed else CHANGED
            found = known.get(cid)
            # a control the diff does not list changed only through list-level names
            effect = (found.effect or OTHER) if found else diff.EDITORIAL
        title = (now or was or {}).get("title", "")
        changes.append(
            RedlineEntry(
                cid,
                title,
                kind,
                effect,
                fields,
                "" if previous == cid else previous,
                bool(was and was.get("in_force")),
            )
        )
    return tuple(changes)


def _same_parameters(one: ControlList, other: ControlList) -> bool:
    return dict(one.parameters) == dict(other.parameters)


def _field_changes(
    old: Mapping[str, Any] | None, new: Mapping[str, Any] | None
) -> tuple[FieldChange, ...]:
    before, after = _texts(old), _texts(new)
    names = list(before) + [n for n in after if n not in before]
    return tuple(
        FieldChange(n, before.get(n, ""), after.get(n, ""))
        for n in names
        if before.get(n, "") != after.get(n, "")
    )


def _texts(view: Mapping[str, Any] | None) -> dict[str, str]:
    """A view as the named texts a reader compares, in reading order."""
    if view is None:
        return {}
    texts = {
        "Identifier": view["id"],
        "Title": view["title"],
        "Technology area": view["area"]["title"],
        "Reasons for control": ", ".join(view["reasons"]),
        "Regime": view["regime"],
        "Summary": view["summary"],
    }
    if view.get("in_force"):
        texts["In force"] = f"since {view['in_force']['since']} ({view['in_force']['citation']})"
    for p in view["paragraphs"]:
        texts[f"Paragraph {p['label']}"] = p["text"]
        texts[f"Paragraph {p['label']} criteria"] = p["criteria"] or p["match"]
        for e in p.get("exceptions", ()):
            texts[f"Paragraph {p['label']} exception {e['name']}"] = e["condition"] or e["criteria"]
    for n in view.get("notes", ()):
        texts[n["label"]] = n["text"]
    texts["Related controls"] = ", ".join(view["related"])
    texts["Sources"] = "\n".join(view["sources"])
    for name in OPT_IN_FIELDS:
        if name in view:
            texts[name.capitalize()] = view[name]
    return {k: v for k, v in texts.items() if v}
