"""Rules that span files: references resolve, names match, criteria parse. Pure over the model."""

from __future__ import annotations

from collections.abc import Generator, Iterable, Iterator, Mapping

from curator.core import agreement, countries, criteria, discussion
from curator.core.model import (
    PLURILATERAL,
    UNILATERAL,
    CatalogueItem,
    Comment,
    Control,
    Manifest,
    Outline,
    Parameter,
    PublicComment,
)
from curator.core.problems import Problem


def check_control(
    control: Control, manifest: Manifest, known: Mapping[str, Control]
) -> Iterator[Problem]:
    """A control's cross-file rules; `known`: the list's controls by id (a paragraph whose text
    cites another entry's limits is checked against that entry's text)."""
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
            expr = yield from _parsed(
                file, f"items[{i}].match", paragraph.match, manifest.parameters
            )
            if expr is not None:
                yield from _check_wording(control, i, expr, manifest.parameters, known)
        for j, exception in enumerate(paragraph.exceptions):
            yield from check_expression(
                file, f"items[{i}].exceptions[{j}].when", exception.when, manifest.parameters
            )
    yield from _check_adopters(control, manifest)
    yield from _check_notes(control, manifest)


def _check_wording(
    control: Control,
    index: int,
    expr: criteria.Expr,
    parameters: Mapping[str, Parameter],
    known: Mapping[str, Control],
) -> Iterator[Problem]:
    """A paragraph whose text states thresholds its criteria (`expr`) do not use, or the
    reverse."""
    paragraph = control.items[index]
    text = agreement.paragraph_text(control, paragraph.label)
    for message in agreement.disagreements(text, expr, parameters, agreement.cited_in(known)):
        yield Problem(
            control.file,
            None,
            f"items[{index}].match",
            "text-disagrees",
            f"paragraph {paragraph.label}: {message}",
        )


def _check_adopters(control: Control, manifest: Manifest) -> Iterator[Problem]:
    file = control.file
    known = [*manifest.regimes, PLURILATERAL, UNILATERAL]
    if control.regime and control.regime not in known:
        yield _p(
            file,
            "regime",
            "unknown-regime",
            f"unknown regime '{control.regime}': declare it in list.toml [regimes], or write "
            f"plurilateral or unilateral",
            dict.fromkeys(known),
            control.regime,
        )
    if control.regime == PLURILATERAL and not control.applied_by:
        yield Problem(
            file,
            None,
            "regime",
            "no-adopters",
            "a plurilateral control names the jurisdictions that apply it in applied_by",
        )
    if control.applied_by and control.regime != PLURILATERAL:
        yield Problem(
            file,
            None,
            "applied_by",
            "adopters-not-read",
            'applied_by is read only for regime = "plurilateral"',
        )
    yield from _check_codes(file, "applied_by", control.applied_by, union=True)


def _check_notes(control: Control, manifest: Manifest) -> Iterator[Problem]:
    seen: set[str] = set()
    for i, note in enumerate(control.notes):
        if note.label in seen:
            yield Problem(
                control.file,
                None,
                f"notes[{i}].label",
                "duplicate-label",
                f"'{note.label}' appears twice",
            )
        seen.add(note.label)
        for j, name in enumerate(note.defines):
            if name not in manifest.parameters:
                yield _p(
                    control.file,
                    f"notes[{i}].defines[{j}]",
                    "unknown-parameter",
                    f"parameter '{name}' is not declared in list.toml",
                    manifest.parameters,
                    name,
                )


def _check_codes(
    file: str, key: str, codes: tuple[str, ...] | list[str], union: bool = False
) -> Iterator[Problem]:
    for i, code in enumerate(codes):
        wrong = countries.problem(code, union)
        if wrong:
            yield Problem(file, None, f"{key}[{i}]", "unknown-jurisdiction", wrong)


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
    yield from _parsed(file, key, text, parameters)


def _parsed(
    file: str, key: str, text: str, parameters: Mapping[str, Parameter]
) -> Generator[Problem, None, criteria.Expr | None]:
    """`check_expression`, returning the expression read (None: it was refused), so that the
    checks that read it next need not parse it again (10^4 paragraphs in a list)."""
    try:
        return criteria.parse(text, parameters)
    except criteria.ExprError as err:
        code = (
            "unknown-parameter" if err.message.startswith("unknown parameter") else "bad-criteria"
        )
        yield Problem(file, None, key, code, f"{err.message} (column {err.column})")
        return None


def check_item(item: CatalogueItem, manifest: Manifest) -> Iterator[Problem]:
    file = item.file
    if not item.sources:
        yield Problem(
            file, None, "sources", "no-source", "a catalogue item needs at least one source"
        )
    if item.origin and (wrong := countries.problem(item.origin)):
        yield Problem(file, None, "origin", "unknown-jurisdiction", wrong)
    yield from _check_concern(item, manifest)
    for name in item.params:
        if name not in item.param_sources:
            yield Problem(
                file,
                None,
                f"params.{name}",
                "unsourced-figure",
                f"'{name}' has no reference: add it to [param_sources]",
            )
    for name in item.param_sources:
        if name not in item.params:
            yield Problem(
                file,
                None,
                f"param_sources.{name}",
                "source-without-figure",
                f"'{name}' has a source but no figure in [params]",
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


def _check_concern(item: CatalogueItem, manifest: Manifest) -> Iterator[Problem]:
    concern = item.concern
    if concern is None:
        return
    who = [("concern.assessed_by", concern.assessed_by)]
    who += [(f"concern.dissents[{i}].member", d.member) for i, d in enumerate(concern.dissents)]
    for key, member in who:
        if manifest.members and manifest.member(member) is None:
            yield Problem(item.file, None, key, "unknown-member", f"'{member}' is not a member")
    for i, dissent in enumerate(concern.dissents):
        if dissent.member == concern.assessed_by:
            yield Problem(
                item.file,
                None,
                f"concern.dissents[{i}].member",
                "self-dissent",
                f"'{dissent.member}' recorded the judgement and cannot dissent from it",
            )


def read_by_comment_checks(manifest: Manifest | None) -> tuple | None:
    """What the checks of a comment file read of the manifest (`check_comment`: the members'
    ids and the parameters; `check_public_comment`: nothing), as a value: a list.toml that
    leaves it the same leaves every comment file's problems the same, so a check need not look
    at them again. Whatever those checks come to read of the manifest belongs here too."""
    if manifest is None:
        return None  # (a comment is not checked against a list.toml that cannot be read)
    return _member_ids(manifest), _parameters_read(manifest)


def read_by_definition_checks(manifest: Manifest | None) -> tuple | None:
    """What the checks of a control or catalogue file read of the manifest (`check_control`:
    the areas', members' and regimes' ids and the parameters; `check_item`: the members' ids and
    the parameters; with no manifest, none of them runs), as a value: a list.toml that leaves it
    the same leaves every control's and item's problems the same, so a check need not look at
    them again. Whatever those checks come to read of the manifest belongs here too."""
    if manifest is None:
        return None
    areas, regimes = tuple(sorted(manifest.areas)), tuple(sorted(manifest.regimes))
    return areas, _member_ids(manifest), _parameters_read(manifest), regimes


def _member_ids(manifest: Manifest) -> tuple[str, ...]:
    return tuple(sorted({m.id for m in manifest.members}))


def _parameters_read(manifest: Manifest) -> tuple[tuple[str, ...], ...]:
    """Every field of every parameter, in order: the criteria's reader, the wording check and
    the catalogue's checks read their names, titles, units and types."""
    return tuple(
        (p.name, p.title, p.unit, p.type, p.description) for p in manifest.parameters.values()
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
        expr = yield from _parsed(
            file, "amendment.match", comment.amendment.match, manifest.parameters
        )
        if expr is not None:
            yield from check_amendment_text(file, comment.amendment.text, expr, manifest)


def check_amendment_text(
    file: str, text: str, expr: criteria.Expr, manifest: Manifest
) -> Iterator[Problem]:
    """An amendment that proposes a text must propose one its criteria (`expr`) agree with."""
    if not text:
        return
    for message in agreement.disagreements(text, expr, manifest.parameters):
        yield Problem(file, None, "amendment.text", "text-disagrees", message)


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
    if manifest.jurisdiction and (wrong := countries.problem(manifest.jurisdiction)):
        yield Problem(file, None, "jurisdiction", "unknown-jurisdiction", wrong)
    yield from _check_codes(file, "partners", manifest.partners, union=True)
    for regime in manifest.regimes.values():
        yield from _check_codes(file, f"regimes.{regime.id}.members", regime.members, union=True)
    for area in manifest.areas.values():
        if area.concern is not None:
            yield from check_expression(
                file, f"areas.{area.id}.concern.match", area.concern.match, manifest.parameters
            )
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
    chairs = [(manifest.members.index(m), m) for m in manifest.chairs]
    if manifest.members and not chairs:
        yield Problem(file, None, "members", "no-chair", "no member has role 'chair'")
    for i, member in chairs[1:]:
        yield Problem(
            file,
            None,
            f"members[{i}].role",
            "two-chairs",
            f"'{member.id}' is a second chair ('{chairs[0][1].id}' is one): a list has one "
            "chair, and while it names more none of them acts as the chair",
        )


def _p(
    file: str, key: str, code: str, message: str, known: Mapping[str, object], name: str = ""
) -> Problem:
    import difflib

    target = name or message.split("'")[1]
    close = difflib.get_close_matches(target, list(known), n=1)
    return Problem(
        file, None, key, code, message + (f" (did you mean '{close[0]}'?)" if close else "")
    )
