"""Rules that span files: references resolve, names match, criteria parse. Pure over the model."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from curator.core import criteria, discussion
from curator.core.model import (
    CatalogueItem,
    Comment,
    Control,
    Manifest,
    Outline,
    Parameter,
    PublicComment,
)
from curator.core.problems import Problem


def check_control(control: Control, manifest: Manifest, known: set[str]) -> Iterator[Problem]:
    file = control.file
    if control.area not in manifest.areas:
        yield _p(file, "area", "unknown-area", f"unknown area '{control.area}'", manifest.areas)
    for i, other in enumerate(control.related):
        if other not in known:
            yield Problem(
                file, None, f"related[{i}]", "unknown-control", f"unknown control '{other}'"
            )
        elif other == control.id:
            yield Problem(
                file, None, f"related[{i}]", "self-reference", "a control cannot relate to itself"
            )
    if control.proposed_by and manifest.member(control.proposed_by) is None:
        yield Problem(
            file, None, "proposed_by", "unknown-member", f"'{control.proposed_by}' is not a member"
        )
    seen: set[str] = set()
    for i, paragraph in enumerate(control.items):
        if paragraph.label in seen:
            yield Problem(
                file,
                None,
                f"items[{i}].label",
                "duplicate-label",
                f"paragraph '{paragraph.label}' appears twice",
            )
        seen.add(paragraph.label)
        if paragraph.match:
            yield from check_expression(
                file, f"items[{i}].match", paragraph.match, manifest.parameters
            )


def check_moves(comments: Iterable[Comment], controls: Mapping[str, Outline]) -> Iterator[Problem]:
    """The last change of status recorded for each control, when the control does not show
    it: it still has the status the change moved it from."""
    for control_id, move in discussion.last_moves(comments).items():
        control = controls.get(control_id)
        if control is None or not discussion.unfinished(move, control.status):
            continue
        assert move.transition is not None
        before, after = move.transition.before, move.transition.after
        yield Problem(
            move.file,
            None,
            "transition",
            "transition-not-applied",
            f"records the change {before} → {after}, but {control_id} is still {before}: "
            "the change was not finished",
        )


def check_expression(
    file: str, key: str, text: str, parameters: Mapping[str, Parameter]
) -> Iterator[Problem]:
    try:
        criteria.parse(text, parameters)
    except criteria.ExprError as err:
        code = (
            "unknown-parameter" if err.message.startswith("unknown parameter") else "bad-criteria"
        )
        yield Problem(file, None, key, code, f"{err.message} (column {err.column})")


def check_item(item: CatalogueItem, manifest: Manifest) -> Iterator[Problem]:
    file = item.file
    if not item.sources:
        yield Problem(
            file, None, "sources", "no-source", "a catalogue item needs at least one source"
        )
    for name, value in item.params.items():
        key = f"params.{name}"
        param = manifest.parameters.get(name)
        if param is None:
            yield _p(
                file,
                key,
                "unknown-parameter",
                f"parameter '{name}' is not declared in list.toml",
                manifest.parameters,
                name,
            )
        elif param.is_flag and not isinstance(value, bool):
            yield Problem(
                file, None, key, "wrong-type", f"'{name}' is a yes/no flag: write true or false"
            )
        elif not param.is_flag and isinstance(value, bool):
            yield Problem(
                file,
                None,
                key,
                "wrong-type",
                f"'{name}' is measured in {param.unit}: write a number",
            )


def check_comment(
    comment: Comment, manifest: Manifest, controls: Mapping[str, Outline]
) -> Iterator[Problem]:
    file = comment.file
    if manifest.member(comment.author) is None:
        yield Problem(
            file,
            None,
            "author",
            "unknown-author",
            f"'{comment.author}' is not a member of this list",
        )
    stem = file.rsplit("/", 1)[-1].removesuffix(".toml")
    if not stem.endswith(f"-{comment.author}"):
        yield Problem(
            file,
            None,
            "author",
            "author-mismatch",
            f"file name does not end with the author '{comment.author}'",
        )
    control = controls.get(comment.control)
    if control is None:
        yield Problem(
            file,
            None,
            "",
            "orphan-discussion",
            f"discussion folder '{comment.control}' is not a control in this list",
        )
    elif comment.amendment:
        if comment.amendment.item not in control.labels:
            yield Problem(
                file,
                None,
                "amendment.item",
                "unknown-paragraph",
                f"{control.id} has no paragraph '{comment.amendment.item}'",
            )
        yield from check_expression(
            file, "amendment.match", comment.amendment.match, manifest.parameters
        )


def check_public_comment(
    comment: PublicComment, controls: Mapping[str, Outline]
) -> Iterator[Problem]:
    file = comment.file
    folder = file.split("/")[-2] if file.count("/") >= 2 else comment.docket
    if folder != comment.docket:
        yield Problem(
            file,
            None,
            "docket",
            "docket-mismatch",
            f"docket '{comment.docket}' is not the folder '{folder}'",
        )
    key = "controls" if comment.mapping is None else "mapping"
    for i, control_id in enumerate(comment.mapped_controls):
        if control_id not in controls:
            yield Problem(
                file,
                None,
                f"{key}[{i}]",
                "unknown-control",
                f"mapped to unknown control '{control_id}'",
            )
    if comment.disposition is None and not comment.withdrawn:
        final = [
            c for c in comment.mapped_controls if c in controls and controls[c].status == "final"
        ]
        if final:
            yield Problem(
                file,
                None,
                "",
                "unanswered",
                f"public comment on final control {final[0]} has no answer",
            )


def check_manifest(manifest: Manifest, file: str) -> Iterator[Problem]:
    seen: dict[str, int] = {}
    for i, member in enumerate(manifest.members):
        if member.id in seen:
            yield Problem(
                file,
                None,
                f"members[{i}].id",
                "duplicate-id",
                f"member '{member.id}' is listed twice",
            )
        seen[member.id] = i
    if manifest.members and manifest.chair is None:
        yield Problem(file, None, "members", "no-chair", "no member has role 'chair'")


def _p(
    file: str, key: str, code: str, message: str, known: Mapping[str, object], name: str = ""
) -> Problem:
    import difflib

    target = name or message.split("'")[1]
    close = difflib.get_close_matches(target, list(known), n=1)
    return Problem(
        file, None, key, code, message + (f" (did you mean '{close[0]}'?)" if close else "")
    )
