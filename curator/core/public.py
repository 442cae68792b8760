"""Public comments (docs/design.md §9): the bulk-export row, mapping to controls, answers and the matrix.

Pure: the store streams the CSV and writes files; this module decides what a row means, which
controls a comment concerns, and how the comment-response matrix is laid out in md, html and csv.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from curator.core.ids import CONTROL_ID, DOCKET_ID, TRACKING_NUMBER
from curator.core.inert import first_unsafe, unsafe_message
from curator.core.model import Control, ControlList, Disposition, PublicComment
from curator.core.problems import CuratorError, InvalidValue, NotFound, close_to

ACTIONS = ("adopted", "partially-adopted", "not-adopted", "noted", "out-of-scope")
UNANSWERED = "unanswered"
WITHDRAWN = "withdrawn"
STATUSES = (UNANSWERED, *ACTIONS, WITHDRAWN)  # the matrix lists comments in this order
GENERAL = "general"  # the group of comments that concern no control; never a control id
PUBLIC_SUBMISSION = "Public Submission"
EXCERPT = 280

# regulations.gov bulk-download column names (domain-facts §5) that curator reads
DOCUMENT_ID = "Document ID"
DOCKET_COLUMN = "Docket ID"
TRACKING_COLUMN = "Tracking Number"
COMMENT_COLUMN = "Comment"
REQUIRED = (DOCUMENT_ID, DOCKET_COLUMN, TRACKING_COLUMN, COMMENT_COLUMN)
OPTIONAL = (
    "Document Type",
    "Posted Date",
    "Is Withdrawn?",
    "Title",
    "Received Date",
    "First Name",
    "Last Name",
    "Organization Name",
    "Attachment Files",
)

# `3A090`, `3A090.a.2`, `ECCN 3A090`, `ECCN3A090`; a longer alphanumeric run is not an id
MENTIONED_ID = r"([0-9][A-Ea-e][0-9]{3}(?:\.[A-Za-z0-9]+)*)(?![A-Za-z0-9])"
MENTION = re.compile(rf"(?<![A-Za-z0-9])(?:ECCNs?\s*)?{MENTIONED_ID}", re.IGNORECASE)
CANDIDATE = re.compile(MENTIONED_ID, re.IGNORECASE)  # where a mention's id may start
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# ---- mapping --------------------------------------------------------------------------------


def resolve_control(mention: str, known: Collection[str]) -> str | None:
    """The longest existing control id that `mention` starts with: `4A906.a` is 4A906 when only
    4A906 exists, and 3A090.a when that is a control of its own."""
    parts = mention.split(".")
    for n in range(len(parts), 0, -1):
        candidate = ".".join(parts[:n])
        if candidate in known:
            return candidate
    return None


def controls_mentioned(text: str, known: Collection[str]) -> tuple[str, ...]:
    """Controls of this list that `text` names; ids of other lists' entries are not mappings."""
    found = set()
    for match in _mentions(text):
        head, *subs = match.group(1).split(".")
        control = resolve_control(".".join([head.upper(), *(s.lower() for s in subs)]), known)
        if control is not None:
            found.add(control)
    return tuple(sorted(found))


def _mentions(text: str) -> Iterator[re.Match[str]]:
    """The ids MENTION.finditer(text) finds, 5x faster in long comments: the engine jumps to
    where an id may start and only there tries MENTION (from the id, or from an `ECCN`/`ECCNs`
    written right before it)."""
    pos = 0
    while (candidate := CANDIDATE.search(text, pos)) is not None:
        at = candidate.start()
        for start in (at, at - 4, at - 5):
            match = MENTION.match(text, start) if start >= pos else None
            if match is not None and match.start(1) == at:
                yield match
                pos = match.end()
                break
        else:
            pos = at + 1


def corrected_mapping(control_ids: Sequence[str], known: Collection[str]) -> tuple[str, ...]:
    """The committee's mapping from ids typed by hand; an id that names no control is refused."""
    mapped = set()
    for control_id in control_ids:
        if not CONTROL_ID.match(control_id):
            raise InvalidValue(
                f"'{control_id}' is not a valid control id (e.g. 3A090, 3A090.a.2)",
                field="controls",
                value=control_id,
            )
        control = resolve_control(control_id, known)
        if control is None:
            raise NotFound(
                f"unknown control '{control_id}': no such control in this list",
                field="controls",
                value=control_id,
                suggestions=close_to(control_id, known),
            )
        mapped.add(control)
    return tuple(sorted(mapped))


# ---- the bulk-export row --------------------------------------------------------------------


@dataclass(frozen=True)
class ExportRow:
    """What curator keeps of one bulk-export row, text as exported."""

    tracking_number: str
    docket: str
    document_id: str
    comment: str
    document_type: str = ""
    posted: str = ""
    withdrawn: bool = False
    title: str = ""
    received: str = ""
    first_name: str = ""
    last_name: str = ""
    organization: str = ""
    attachments: str = ""


@dataclass(frozen=True)
class Columns:
    """Where each column curator reads stands in this export's header."""

    index: Mapping[str, int]
    width: int

    def row(self, fields: Sequence[str]) -> ExportRow:
        def get(name: str) -> str:
            at = self.index.get(name)
            return fields[at] if at is not None else ""

        return ExportRow(
            tracking_number=get(TRACKING_COLUMN).strip(),
            docket=get(DOCKET_COLUMN).strip(),
            document_id=get(DOCUMENT_ID).strip(),
            comment=get(COMMENT_COLUMN),
            document_type=get("Document Type").strip(),
            posted=get("Posted Date").strip(),
            withdrawn=get("Is Withdrawn?").strip().lower() == "true",
            title=get("Title"),
            received=get("Received Date").strip(),
            first_name=get("First Name").strip(),
            last_name=get("Last Name").strip(),
            organization=get("Organization Name").strip(),
            attachments=get("Attachment Files"),
        )


class MissingColumns(CuratorError):
    """An export header without columns curator needs; `missing` names them. Without a
    "Docket ID" column the interface says how to name the docket."""

    def __init__(self, missing: Sequence[str]) -> None:
        names = ", ".join(f"'{c}'" for c in missing)
        plural = "s" if len(missing) > 1 else ""
        super().__init__(
            f"missing column{plural} {names}: is this a regulations.gov bulk-download CSV? "
            "nothing was imported",
            field="header",
        )
        self.missing = tuple(missing)


def columns_of(header: Sequence[str], docket_given: bool) -> Columns:
    """The column map of an export header; a missing required column is named."""
    index: dict[str, int] = {}
    for at, name in enumerate(header):
        index.setdefault(name.strip(), at)
    needed = [c for c in REQUIRED if not (c == DOCKET_COLUMN and docket_given)]
    missing = [c for c in needed if c not in index]
    if missing:
        raise MissingColumns(missing)
    return Columns({c: index[c] for c in (*REQUIRED, *OPTIONAL) if c in index}, len(header))


def is_comment(row: ExportRow) -> bool:
    """Bulk exports of a docket also carry its notices and supporting documents."""
    return not row.document_type or row.document_type == PUBLIC_SUBMISSION


def refusal(row: ExportRow, docket: str | None) -> str | None:
    """Why a row cannot become a file, checked before any path is built; None when it can.
    `docket` is the one named for the import: it fills an empty "Docket ID"."""
    if not TRACKING_NUMBER.match(row.tracking_number):
        shown = repr(row.tracking_number) if row.tracking_number else "empty"
        return f"tracking number {shown} is not valid (expected like abc-1234-wxyz)"
    written = row.docket or docket or ""
    if not DOCKET_ID.match(written):
        shown = repr(written) if written else "empty"
        return f"docket id {shown} is not valid (expected like BIS-2026-0001)"
    return None


def foreign_docket(row: ExportRow, wanted: str | None) -> str | None:
    """The docket a row (one `refusal` let through) names when it is not the one imported —
    the one named for the import, else the list's: such rows are not imported, lest one
    docket's answers mix with another's. None when the row may be imported."""
    if wanted is not None and row.docket and row.docket != wanted:
        return row.docket
    return None


def check_docket(docket: str) -> None:
    if not DOCKET_ID.match(docket):
        raise InvalidValue(
            f"'{docket}' is not a valid docket id (e.g. BIS-2026-0001)",
            field="docket",
            value=docket,
        )


def imported(
    row: ExportRow, docket: str, known: Collection[str], prior: PublicComment | None
) -> PublicComment:
    """The comment a row describes. The committee's mapping and answer always survive (an
    answer to a text the row changes is marked as given to an earlier text); a withdrawn row
    is blanked except its title, so what was imported before is kept."""
    keep = row.withdrawn and prior is not None
    submitter = " ".join(p for p in (row.first_name, row.last_name) if p)
    fields: dict[str, Any] = {
        "document_id": row.document_id,
        "title": _text(row.title).strip(),
        "posted": row.posted,
        "received": row.received,
        "submitter": submitter,
        "organization": row.organization,
        "body": _text(row.comment),
        "attachments": tuple(u.strip() for u in row.attachments.split(",") if u.strip()),
    }
    if keep:
        fields = {k: v or getattr(prior, k) for k, v in fields.items()}
    title, body = fields["title"], fields["body"]
    answer = prior.disposition if prior else None
    if answer is not None and prior is not None and body != prior.body:
        answer = replace(answer, comment_changed_since=True)
    return PublicComment(
        docket=docket,
        tracking_number=row.tracking_number,
        **fields,
        withdrawn=row.withdrawn,
        controls=controls_mentioned(f"{title}\n{body}", known),
        mapping=prior.mapping if prior else None,
        disposition=answer,
    )


def answers_earlier_text(comment: PublicComment) -> bool:
    """The comment's answer was given to a text a later import replaced: it needs review."""
    return comment.disposition is not None and comment.disposition.comment_changed_since


def _text(value: str) -> str:
    """Line ends as one newline, so the file holds the text in a readable multi-line string."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


# ---- answers --------------------------------------------------------------------------------


def disposition(action: str, response: str, member_id: str, at: dt.datetime) -> Disposition:
    if action not in ACTIONS:
        raise InvalidValue(
            f"unknown action '{action}': use one of {', '.join(ACTIONS)}",
            field="action",
            value=action,
            suggestions=ACTIONS,
        )
    if not response.strip():
        raise InvalidValue("the response must not be empty", field="response", value=response)
    unsafe = first_unsafe(response)
    if unsafe is not None:
        raise InvalidValue(
            f"the response {unsafe_message(unsafe)}", field="response", value=response
        )
    stamp = at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return Disposition(action=action, response=response.strip(), by=member_id, at=stamp)


def answered(comment: PublicComment, answer: Disposition) -> PublicComment:
    return replace(comment, disposition=answer)


def remapped(comment: PublicComment, mapping: tuple[str, ...]) -> PublicComment:
    """An empty mapping says the comment is general, whatever ids its text mentions."""
    return replace(comment, mapping=mapping)


def status_of(comment: PublicComment) -> str:
    if comment.disposition is not None:
        return comment.disposition.action
    return WITHDRAWN if comment.withdrawn else UNANSWERED


def _order(comment: PublicComment) -> tuple[int, str, str]:
    return (STATUSES.index(status_of(comment)), comment.posted, comment.tracking_number)


def list_comments(loaded: ControlList, control_id: str | None = None) -> tuple[PublicComment, ...]:
    """Public comments on one control (GENERAL: on none), or all of them; unanswered first."""
    comments: Iterable[PublicComment] = loaded.public_comments
    if control_id == GENERAL:
        comments = (c for c in comments if not c.mapped_controls)
    elif control_id is not None:
        comments = (c for c in comments if control_id in c.mapped_controls)
    return tuple(sorted(comments, key=_order))


# ---- the comment-response matrix ------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    control: str  # a control id, or GENERAL
    title: str
    comments: tuple[PublicComment, ...]  # unanswered first
    counts: Mapping[str, int]  # every status in STATUSES


@dataclass(frozen=True)
class Matrix:
    dockets: tuple[str, ...]
    groups: tuple[Group, ...]
    counts: Mapping[str, int]  # each comment once, even when it concerns several controls
    total: int
    earlier_text: int = 0  # answers given to an earlier text of their comment


def matrix(
    comments: Iterable[PublicComment],
    controls: Mapping[str, Control],
    control_id: str | None = None,
    docket: str | None = None,
) -> Matrix:
    """Comments grouped by control (then the unknown ones, then general), counts per action;
    with `docket`, that docket's alone (one docket's answers are never counted with another's)."""
    chosen = tuple(c for c in comments if docket is None or c.docket == docket)
    unknown = control_id not in (None, GENERAL, *controls)
    if unknown and not any(control_id in c.mapped_controls for c in chosen):
        raise NotFound(f"unknown control '{control_id}'", field="control", value=str(control_id))
    by_control: dict[str, list[PublicComment]] = {}
    for comment in chosen:
        for key in comment.mapped_controls or (GENERAL,):
            if control_id is None or key == control_id:
                by_control.setdefault(key, []).append(comment)
    if control_id is not None:
        by_control.setdefault(control_id, [])
    keys = sorted(by_control, key=lambda k: (k == GENERAL, k not in controls, k))
    groups = tuple(_group(k, by_control[k], controls) for k in keys)
    shown = {c.tracking_number: c for g in groups for c in g.comments}
    return Matrix(
        dockets=tuple(sorted({c.docket for c in shown.values()} or ([docket] if docket else []))),
        groups=groups,
        counts=_counts(shown.values()),
        total=len(shown),
        earlier_text=sum(map(answers_earlier_text, shown.values())),
    )


def _group(key: str, comments: list[PublicComment], controls: Mapping[str, Control]) -> Group:
    control = controls.get(key)
    if key == GENERAL:
        title = "General comments (no control)"
    else:
        title = control.title if control else "not a control in this list"
    return Group(
        control=key,
        title=title,
        comments=tuple(sorted(comments, key=_order)),
        counts=_counts(comments),
    )


def _counts(comments: Iterable[PublicComment]) -> dict[str, int]:
    counts = dict.fromkeys(STATUSES, 0)
    for comment in comments:
        counts[status_of(comment)] += 1
    return counts


def submitter_of(comment: PublicComment) -> str:
    if comment.submitter and comment.organization:
        return f"{comment.submitter} ({comment.organization})"
    return comment.organization or comment.submitter or comment.title


# control characters and bidi overrides: a report printed to a terminal must not drive it
UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def flat(text: str) -> str:
    """Text for one cell: on one line, nothing unprintable."""
    return " ".join(UNPRINTABLE.sub("", text).split())


def excerpt(text: str, limit: int = EXCERPT) -> str:
    short = flat(text)
    return short if len(short) <= limit else short[: limit - 1].rstrip() + "…"


ROW_COLUMNS = (
    "Tracking number",
    "Submitter",
    "Posted",
    "Status",
    "Response",
    "By",
    "At",
    "Answer to an earlier text",
    "Comment",
)


def _cells(comment: PublicComment) -> tuple[str, ...]:
    answer = comment.disposition
    return (
        comment.tracking_number,
        flat(submitter_of(comment)),
        flat(comment.posted[:10]),
        status_of(comment),
        flat(answer.response) if answer else "",
        answer.by if answer else "",
        answer.at if answer else "",
        "yes: review it" if answers_earlier_text(comment) else "",
        excerpt(comment.body),
    )


def _heading(found: Matrix) -> str:
    dockets = ", ".join(found.dockets)
    return "Comment-response matrix" + (f" — {dockets}" if dockets else "")


REPORT_FORMATS = ("markdown", "md", "html", "csv")  # md: markdown, as first written


def report(found: Matrix, form: str) -> str:
    """The matrix as markdown, html or csv: the same groups, rows and counts in each."""
    renderers = {"markdown": report_markdown, "html": report_html, "csv": report_csv}
    render = renderers.get("markdown" if form == "md" else form)
    if render is None:
        raise InvalidValue(
            f"unknown report format '{form}': use markdown, html or csv",
            field="format",
            value=form,
            suggestions=tuple(renderers),
        )
    return render(found)


def report_markdown(found: Matrix) -> str:
    lines = [f"# {_md(_heading(found))}", "", _summary(found), ""]
    lines += [_md_line(("Control", "Title", *STATUSES, "Total")), _md_rule(len(STATUSES) + 3)]
    for group in found.groups:
        counts = [str(group.counts[s]) for s in STATUSES]
        lines.append(_md_line((group.control, group.title, *counts, str(len(group.comments)))))
    totals = [str(found.counts[s]) for s in STATUSES]
    lines.append(_md_line(("All comments", "", *totals, str(found.total))))
    for group in found.groups:
        lines += ["", f"## {_md(group.control)} — {_md(group.title)}", ""]
        if not group.comments:
            lines.append("No public comments.")
            continue
        lines += [_md_line(ROW_COLUMNS), _md_rule(len(ROW_COLUMNS))]
        lines += [_md_line(_cells(comment)) for comment in group.comments]
    return "\n".join(lines) + "\n"


def _summary(found: Matrix) -> str:
    parts = [f"{found.counts[s]} {s}" for s in STATUSES if found.counts[s]]
    text = f"{found.total} public comments" + (f": {', '.join(parts)}." if parts else ".")
    if found.earlier_text:
        text += f" {earlier_text_note(found.earlier_text)}."
    return text


def earlier_text_note(count: int) -> str:
    """What to say of `count` answers given to an earlier text of their comment."""
    if count == 1:
        return "1 answer was given to an earlier text of its comment: review it"
    return f"{count} answers were given to an earlier text of their comment: review them"


def _md_line(cells: Sequence[str]) -> str:
    return "| " + " | ".join(_md(c) for c in cells) + " |"


def _md_rule(width: int) -> str:
    return "|" + "---|" * width


MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|&#!])")


def _md(text: str) -> str:
    """Comment text as inert Markdown: no tables broken, no links, no HTML let through."""
    return MD_SPECIAL.sub(r"\\\1", flat(text))


def report_csv(found: Matrix) -> str:
    """Two tables: counts per control, then one row per comment and control."""
    out = io.StringIO()
    write = csv.writer(out).writerow
    write(("Control", "Title", *STATUSES, "Total"))
    for group in found.groups:
        counts = [group.counts[s] for s in STATUSES]
        write(neutralised((group.control, flat(group.title), *counts, len(group.comments))))
    write(neutralised(("All comments", "", *[found.counts[s] for s in STATUSES], found.total)))
    write(())
    write(("Control", *ROW_COLUMNS))
    for group in found.groups:
        for comment in group.comments:
            write(neutralised((group.control, *_cells(comment))))
    return out.getvalue()


def neutralised(cells: Iterable[object]) -> list[object]:
    return [neutralise(c) if isinstance(c, str) else c for c in cells]


def neutralise(cell: str) -> str:
    """A cell a spreadsheet would run as a formula is shown as text (OWASP CSV injection)."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell


HTML = """\
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{ heading }}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; }
table { border-collapse: collapse; margin: 1rem 0 2rem; }
th, td { border: 1px solid #aaa; padding: .25rem .5rem; text-align: left; vertical-align: top; }
tr.unanswered td { background: #fff4d6; }
@media print { a { color: inherit; text-decoration: none; } }
</style>
</head>
<body>
<h1>{{ heading }}</h1>
<p>{{ summary }}</p>
<table class="counts">
<thead><tr><th>Control</th><th>Title</th>{% for s in statuses %}<th>{{ s }}</th>{% endfor %}<th>Total</th></tr></thead>
<tbody>
{% for g in groups %}
<tr><td><a href="#c-{{ g.control }}">{{ g.control }}</a></td><td>{{ g.title }}</td>{% for s in statuses %}<td>{{ g.counts[s] }}</td>{% endfor %}<td>{{ g.comments|length }}</td></tr>
{% endfor %}
<tr><th>All comments</th><td></td>{% for s in statuses %}<th>{{ counts[s] }}</th>{% endfor %}<th>{{ total }}</th></tr>
</tbody>
</table>
{% for g in groups %}
<section id="c-{{ g.control }}">
<h2>{{ g.control }} — {{ g.title }}</h2>
{% if g.rows %}
<table>
<thead><tr>{% for c in columns %}<th>{{ c }}</th>{% endfor %}</tr></thead>
<tbody>
{% for status, cells in g.rows %}
<tr class="{{ status }}">{% for cell in cells %}<td>{{ cell }}</td>{% endfor %}</tr>
{% endfor %}
</tbody>
</table>
{% else %}
<p>No public comments.</p>
{% endif %}
</section>
{% endfor %}
</body>
</html>
"""


@cache
def _html_template():
    """Compiled once, when a report is asked for: importing Jinja2 costs every verb otherwise."""
    import jinja2

    env = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    return env.from_string(HTML)


def report_html(found: Matrix) -> str:
    groups = [
        {
            "control": g.control,
            "title": g.title,
            "counts": g.counts,
            "comments": g.comments,
            "rows": [(status_of(c), _cells(c)) for c in g.comments],
        }
        for g in found.groups
    ]
    return _html_template().render(
        heading=_heading(found),
        summary=_summary(found),
        statuses=STATUSES,
        columns=ROW_COLUMNS,
        groups=groups,
        counts=found.counts,
        total=found.total,
    )
