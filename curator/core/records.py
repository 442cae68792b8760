"""Model values from validated data (the JSON view of a file), and back."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from curator.core.model import (
    DEFAULT_PUBLISHABLE,
    Amendment,
    Area,
    CatalogueItem,
    Comment,
    Control,
    Disposition,
    Docket,
    Manifest,
    Member,
    Paragraph,
    Parameter,
    PublicComment,
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
        partners=tuple(data.get("partners", ())),
        docket=Docket(**docket) if docket else None,
        members=tuple(Member(**m) for m in data.get("members", ())),
        areas={k: Area(id=k, **v) for k, v in data.get("areas", {}).items()},
        parameters={k: Parameter(name=k, **v) for k, v in data.get("parameters", {}).items()},
        publish_statuses=tuple(publish.get("statuses", DEFAULT_PUBLISHABLE)),
        publish_fields=tuple(publish.get("fields", ())),
    )


def control_from(data: Mapping[str, Any], file: str = "") -> Control:
    fields = {k: v for k, v in data.items() if k != "items"}
    for key in ("reasons", "related", "sources"):
        if key in fields:
            fields[key] = tuple(fields[key])
    return Control(**fields, file=file, items=tuple(Paragraph(**p) for p in data.get("items", ())))


def control_to(control: Control) -> dict[str, Any]:
    """The data of a control file, omitting empty values (the file shows only what was said)."""
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
    ):
        value = getattr(control, key)
        if value or key in ("id", "title", "area", "status", "visibility"):
            out[key] = list(value) if isinstance(value, tuple) else value
    if control.items:
        out["items"] = [
            {k: v for k, v in vars(p).items() if v or k == "label"} for p in control.items
        ]
    return out


def item_from(data: Mapping[str, Any], file: str = "") -> CatalogueItem:
    fields = dict(data)
    if "sources" in fields:
        fields["sources"] = tuple(fields["sources"])
    return CatalogueItem(**fields, file=file)


def item_to(item: CatalogueItem) -> dict[str, Any]:
    """The data of a catalogue file: empty text left out, the two judgements always written."""
    out: dict[str, Any] = {"id": item.id, "name": item.name}
    for key in ("maker", "origin", "kind"):
        if getattr(item, key):
            out[key] = getattr(item, key)
    out["of_concern"] = item.of_concern
    out["mass_market"] = item.mass_market
    if item.notes:
        out["notes"] = item.notes
    if item.sources:
        out["sources"] = list(item.sources)
    if item.params:
        out["params"] = dict(item.params)
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
