"""Model values from validated data (the JSON view of a file), and back."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from curator.core import criteria
from curator.core.model import (
    DEFAULT_PUBLISHABLE,
    Amendment,
    Area,
    AreaConcern,
    Availability,
    CatalogueItem,
    Comment,
    Concern,
    Control,
    Disposition,
    Dissent,
    Docket,
    InForce,
    LicenseException,
    Manifest,
    Member,
    Note,
    Outline,
    Paragraph,
    Parameter,
    PublicComment,
    Reach,
    Regime,
    Transition,
)


def manifest_from(data: Mapping[str, Any]) -> Manifest:
    docket = data.get("docket")
    publish = data.get("publish", {})
    return Manifest(
        id=data["id"],
        title=data["title"],
        version=data.get("version", ""),
        description=data.get("description", ""),
        jurisdiction=data.get("jurisdiction", ""),
        partners=tuple(data.get("partners", ())),
        regimes={
            k: Regime(
                id=k,
                title=v["title"],
                members=tuple(v["members"]),
                as_of=v.get("as_of", ""),
                sources=tuple(v.get("sources", ())),
            )
            for k, v in data.get("regimes", {}).items()
        },
        docket=Docket(**docket) if docket else None,
        members=tuple(Member(**m) for m in data.get("members", ())),
        areas={k: _area(k, v) for k, v in data.get("areas", {}).items()},
        parameters=criteria.Parameters(
            {k: Parameter(name=k, **v) for k, v in data.get("parameters", {}).items()}
        ),
        publish_statuses=tuple(publish.get("statuses", DEFAULT_PUBLISHABLE)),
        publish_fields=tuple(publish.get("fields", ())),
    )


def _area(area_id: str, data: Mapping[str, Any]) -> Area:
    concern = data.get("concern")
    return Area(
        id=area_id,
        title=data["title"],
        description=data.get("description", ""),
        concern=AreaConcern(concern["match"], concern["basis"], tuple(concern.get("sources", ())))
        if concern
        else None,
    )


def control_from(data: Mapping[str, Any], file: str = "") -> Control:
    fields = {
        k: v
        for k, v in data.items()
        if k not in ("items", "notes", "in_force", "foreign_availability")
    }
    for key in ("reasons", "related", "sources", "applied_by", "kinds"):
        if key in fields:
            fields[key] = tuple(fields[key])
    in_force = data.get("in_force")
    comparable = data.get("foreign_availability", {}).get("comparable_within")
    return Control(
        **fields,
        file=file,
        in_force=InForce(in_force["since"], in_force["citation"]) if in_force else None,
        comparable_within=comparable,
        items=tuple(_paragraph(p) for p in data.get("items", ())),
        notes=tuple(
            Note(n["label"], n["kind"], n["text"], tuple(n.get("defines", ())))
            for n in data.get("notes", ())
        ),
    )


def outline_from(data: Mapping[str, Any]) -> Outline:
    """`control_from(data).outline()`, without making the control."""
    return Outline(data["id"], data["status"], tuple(p["label"] for p in data.get("items", ())))


def _paragraph(data: Mapping[str, Any]) -> Paragraph:
    exceptions = tuple(LicenseException(**e) for e in data.get("exceptions", ()))
    return Paragraph(**{k: v for k, v in data.items() if k != "exceptions"}, exceptions=exceptions)


def control_to(control: Control) -> dict[str, Any]:
    """The data of a control file, omitting empty values (the file shows only what was given)."""
    out: dict[str, Any] = {}
    for key in (
        "id",
        "title",
        "area",
        "status",
        "visibility",
        "reasons",
        "regime",
        "related",
        "summary",
        "rationale",
        "impact",
        "sources",
        "proposed_by",
        "applied_by",
        "kinds",
    ):
        value = getattr(control, key)
        if value or key in ("id", "title", "area", "status", "visibility"):
            out[key] = list(value) if isinstance(value, tuple) else value
    if control.in_force is not None:
        out["in_force"] = dict(vars(control.in_force))
    if control.comparable_within is not None:
        out["foreign_availability"] = {"comparable_within": control.comparable_within}
    if control.items:
        out["items"] = [_paragraph_to(p) for p in control.items]
    if control.notes:
        out["notes"] = [
            {k: list(v) if isinstance(v, tuple) else v for k, v in vars(n).items() if v}
            for n in control.notes
        ]
    return out


def _paragraph_to(paragraph: Paragraph) -> dict[str, Any]:
    out = {k: v for k, v in vars(paragraph).items() if (v or k == "label") and k != "exceptions"}
    if paragraph.exceptions:
        out["exceptions"] = [{k: v for k, v in vars(e).items() if v} for e in paragraph.exceptions]
    return out


def item_from(data: Mapping[str, Any], file: str = "") -> CatalogueItem:
    fields = {k: v for k, v in data.items() if k not in ("concern", "availability", "reach")}
    if "sources" in fields:
        fields["sources"] = tuple(fields["sources"])
    concern, availability, reach = data.get("concern"), data.get("availability"), data.get("reach")
    return CatalogueItem(
        **fields,
        file=file,
        concern=Concern(
            of_concern=concern["of_concern"],
            basis=concern["basis"],
            sources=tuple(concern.get("sources", ())),
            assessed_by=concern.get("assessed_by", ""),
            assessed_on=concern.get("assessed_on", ""),
            dissents=tuple(Dissent(**d) for d in concern.get("dissents", ())),
        )
        if concern
        else None,
        availability=Availability(
            status=availability["status"],
            in_quantity=availability["in_quantity"],
            as_of=availability.get("as_of", ""),
            volume=availability.get("volume", ""),
            sources=tuple(availability.get("sources", ())),
        )
        if availability
        else None,
        reach=Reach(reach["applies"], reach.get("basis", ""), tuple(reach.get("sources", ())))
        if reach
        else None,
    )


def item_to(item: CatalogueItem) -> dict[str, Any]:
    """The data of a catalogue file: empty text left out, mass_market always written."""
    out: dict[str, Any] = {"id": item.id, "name": item.name}
    for key in ("maker", "origin", "kind"):
        if getattr(item, key):
            out[key] = getattr(item, key)
    out["mass_market"] = item.mass_market
    if item.notes:
        out["notes"] = item.notes
    if item.sources:
        out["sources"] = list(item.sources)
    if item.params:
        out["params"] = dict(item.params)
    if item.param_sources:
        out["param_sources"] = dict(item.param_sources)
    for key in ("concern", "availability", "reach"):
        record = getattr(item, key)
        if record is not None:
            out[key] = _record_to(record)
    return out


def _record_to(record: Any) -> dict[str, Any]:
    """A concern, availability or reach record as file data: empty values left out, tuples as
    lists, a concern's dissents as tables."""
    out: dict[str, Any] = {}
    for key, value in vars(record).items():
        if isinstance(value, tuple):
            value = [vars(v) if hasattr(v, "__dict__") else v for v in value]
        if value != "" and value != []:
            out[key] = value
    return out


def member_to(member: Member) -> dict[str, str]:
    """A member's entry in list.toml (no email key when there is none)."""
    return {k: v for k, v in vars(member).items() if v or k != "email"}


def comment_from(data: Mapping[str, Any], control: str, file: str) -> Comment:
    amendment = data.get("amendment")
    transition = data.get("transition")
    return Comment(
        control=control,
        file=file,
        author=data["author"],
        at=data["at"],
        body=data.get("body", ""),
        position=data.get("position", ""),
        amendment=Amendment(**amendment) if amendment else None,
        transition=Transition(transition["from"], transition["to"]) if transition else None,
    )


def public_comment_from(data: Mapping[str, Any], file: str = "") -> PublicComment:
    fields = dict(data)
    for key in ("attachments", "controls"):
        if key in fields:
            fields[key] = tuple(fields[key])
    if "mapping" in fields:
        fields["mapping"] = tuple(fields["mapping"])
    if "disposition" in fields:
        fields["disposition"] = Disposition(**fields["disposition"])
    return PublicComment(**fields, file=file)


def public_comment_to(comment: PublicComment) -> dict[str, Any]:
    """The data of a public-comment file, omitting empty values; an empty `mapping` is kept
    because it says the committee judged the comment general."""
    out: dict[str, Any] = {}
    for key in (
        "tracking_number",
        "docket",
        "document_id",
        "title",
        "posted",
        "received",
        "submitter",
        "organization",
        "withdrawn",
        "body",
        "attachments",
        "controls",
    ):
        value = getattr(comment, key)
        if value or key in ("tracking_number", "docket"):
            out[key] = list(value) if isinstance(value, tuple) else value
    if comment.mapping is not None:
        out["mapping"] = list(comment.mapping)
    if comment.disposition is not None:
        answer = dict(vars(comment.disposition))
        if not answer["comment_changed_since"]:
            del answer["comment_changed_since"]
        out["disposition"] = answer
    return out
