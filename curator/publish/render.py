"""The public-comment package as bytes: Jinja2 with autoescape, Markdown with raw HTML off.

Templates only ever see the public views built by curator.core.publication. Output is a pure
function of those views and the revision: no clock, no locale, everything sorted, so publishing
the same revision twice gives the same bytes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markdown_it import MarkdownIt
from markupsafe import Markup

from curator.core.problems import CuratorError
from curator.core.publication import ACTIONS, KINDS, RedlineEntry, amendatory

if TYPE_CHECKING:  # imported to explain a refusal: every publication would pay for it
    import jsonschema

import jsonschema_rs  # the fast yes/no; jsonschema explains a no

SCHEMA_FILE = "list.schema.json"
ALLOWED_SCHEMES = ("http://", "https://", "mailto:")
EFFECTS = {
    "tightened": "tightened: captures more",
    "loosened": "loosened: captures less",
    "equivalent": "equivalent: captures the same items",
    "mixed": "mixed: captures some items newly and releases others",
    "editorial": "editorial: wording only; the criteria are unchanged",
    "other": "the criteria are unchanged; other terms of the entry changed",
}
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# what would make Markdown text active: a backslash (it could undo our escapes), brackets
# (links, images, references), `<` before a tag or autolink, `&` before an entity
MARKDOWN_ACTIVE = re.compile(r"[\\\[\]]|<(?=[A-Za-z/!?])|&(?=#?\w+;)")


@dataclass(frozen=True)
class Against:
    """The earlier release the redline compares with."""

    label: str  # what the reader is told, e.g. the release tag
    revision: str  # its commit


def allowed_link(url: str) -> bool:
    """Links a published page may carry: web, mail, and anchors within the page."""
    lowered = url.strip().lower()
    return lowered.startswith(ALLOWED_SCHEMES) or url.startswith("#")


def long_date(iso: str) -> str:
    """2027-01-31 → January 31, 2027 (no locale: the same bytes everywhere)."""
    year, month, day = iso.split("-")
    return f"{MONTHS[int(month) - 1]} {int(day)}, {year}"


def agency_heading(agency: str) -> list[str]:
    """The notice's header lines: 'Bureau of Industry and Security, Commerce' → department, bureau."""
    if ", " not in agency:
        return [agency] if agency else []
    bureau, department = agency.rsplit(", ", 1)
    return [f"DEPARTMENT OF {department.upper()}", bureau]


def markdown_text(value: Any) -> str:
    """Text placed in a Markdown file, inert: no links, images, raw HTML or entities."""
    return MARKDOWN_ACTIVE.sub(lambda m: "\\" + m.group(), str(value))


class _Views(Environment):
    """Templates see the public views, which are plain dicts: `control.id` looks the key up
    first, rather than after a failed attribute lookup (an exception each, 10^5 a page)."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)


class _Markdown(MarkdownIt):
    """CommonMark that keeps only the links a published page may carry (`allowed_link`)."""

    def validateLink(self, url: str) -> bool:  # markdown-it calls it by this name
        return allowed_link(url)


class Renderer:
    """One Jinja environment per output kind and one Markdown parser, built once and reused."""

    def __init__(self) -> None:
        self.md = _Markdown("commonmark", {"html": False})
        # images would make the page fetch from elsewhere; headings would break the outline
        self.md.disable(["image", "heading", "lheading"])
        self.parsed: dict[str, list[Any]] = {}
        loader = PackageLoader("curator.publish", "templates")
        self.html = _Views(
            loader=loader,
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        # Markdown is not HTML: entities would litter the notice, so escape it as Markdown
        self.text = _Views(
            loader=loader,
            autoescape=False,
            finalize=markdown_text,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        for env in (self.html, self.text):
            env.filters["long_date"] = long_date
            env.globals["effects"] = EFFECTS
        self.html.filters["markdown"] = self.markdown
        self.html.filters["cite"] = cite
        self.text.filters["plain"] = self.plain

    def tokens(self, text: str) -> list[Any]:
        """The parse of `text`, kept while one package is rendered: index.html and notice.md
        both show each summary."""
        found = self.parsed.get(text)
        if found is None:
            found = self.parsed[text] = self.md.parse(text)
        return found

    def markdown(self, text: str) -> Markup:
        return Markup(self.md.renderer.render(self.tokens(text), self.md.options, {}))

    def plain(self, text: str) -> str:
        """Markdown as plain text for the notice: allowed links written out after their text."""
        blocks: list[str] = []
        prefixes: list[str] = []
        for token in self.tokens(text):
            if token.type == "list_item_open":
                prefixes.append(f"{token.info}. " if token.info else "- ")
            elif token.type == "list_item_close":
                prefixes.pop()
            elif token.type == "inline":
                blocks.append("".join(prefixes[-1:]) + _inline_plain(token.children or ()))
                if prefixes:
                    prefixes[-1] = " " * len(prefixes[-1])
            elif token.type in ("fence", "code_block"):
                blocks.append(token.content.rstrip("\n"))
        return "\n\n".join(b for b in blocks if b.strip())

    def index(self, document: Mapping[str, Any]) -> str:
        return self.html.get_template("index.html.j2").render(
            doc=document,
            by_id={c["id"]: c for c in document["controls"]},
            anchored=paragraph_anchors(document["controls"]),
        )

    def notice(
        self,
        document: Mapping[str, Any],
        changes: Sequence[RedlineEntry] = (),
        compared: bool = False,
    ) -> str:
        by_id = {c["id"]: c for c in document["controls"]}
        instructions, unchanged = amendatory(by_id, changes, compared)
        counts = {a: sum(len(i.ids) for i in instructions if i.action == a) for a in ACTIONS}
        return self.text.get_template("notice.md.j2").render(
            doc=document,
            by_id=by_id,
            instructions=instructions,
            unchanged=[by_id[cid] for cid in unchanged],
            counts=counts,
            category_titles={c["category"]["code"]: c["category"]["title"] for c in by_id.values()},
            agency_heading=agency_heading(document["docket"]["agency"]),
        )

    def changes(
        self, document: Mapping[str, Any], changes: Sequence[RedlineEntry], against: Against | None
    ) -> str:
        counts = {kind: sum(1 for c in changes if c.kind == kind) for kind in KINDS}
        return self.html.get_template("changes.html.j2").render(
            doc=document, changes=changes, against=against, counts=counts, kinds=KINDS
        )

    def package(
        self,
        document: Mapping[str, Any],
        changes: Sequence[RedlineEntry],
        against: Against | None,
        compared: bool = False,
    ) -> dict[str, bytes]:
        """Every file of the package by name; list.json is checked against its schema first.
        `compared`: whether `changes` come from a comparison with an earlier release."""
        check_published(document)
        listing = json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
        try:
            files = {
                "index.html": self.index(document),
                "list.json": listing,
                SCHEMA_FILE: published_schema_text(),
                "notice.md": self.notice(document, changes, compared),
                "changes.html": self.changes(document, changes, against),
            }
        finally:
            self.parsed.clear()
        return {name: files[name].encode("utf-8") for name in sorted(files)}


def paragraph_anchors(controls: Sequence[Mapping[str, Any]]) -> set[str]:
    """The paragraphs that get an anchor `<id>.<label>`: every one whose anchor is not already
    a control's (3A090 paragraph a and control 3A090.a) or an earlier paragraph's."""
    taken = {c["id"] for c in controls}
    anchored = set()
    for control in controls:
        for paragraph in control["paragraphs"]:
            anchor = f"{control['id']}.{paragraph['label']}"
            if anchor not in taken:
                taken.add(anchor)
                anchored.add(anchor)
    return anchored


def _inline_plain(children: Sequence[Any]) -> str:
    out: list[str] = []
    hrefs: list[tuple[str, int]] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type == "softbreak":
            out.append(" ")
        elif child.type == "hardbreak":
            out.append("\n")
        elif child.type == "link_open":
            hrefs.append((str(child.attrs.get("href", "")), len(out)))
        elif child.type == "link_close" and hrefs:
            href, start = hrefs.pop()
            shown = "".join(out[start:])
            target = href.removeprefix("mailto:")
            if not href.startswith("#") and target != shown:
                out.append(f" ({target})")
    return "".join(out)


def cite(source: str) -> Markup:
    """A source as text, linked when it is one web address."""
    text = source.strip()
    if text.lower().startswith(("http://", "https://")) and not any(c.isspace() for c in text):
        return Markup('<a href="{0}">{0}</a>').format(text)
    return Markup("{0}").format(source)


@cache
def published_schema_text() -> str:
    schemas = resources.files("curator").joinpath("schemas")
    return schemas.joinpath("published-list.schema.json").read_text("utf-8")


@cache
def _published_schema() -> dict[str, Any]:
    return json.loads(published_schema_text())


@cache
def _fast_validator() -> Any:
    return jsonschema_rs.validator_for(_published_schema())


@cache
def _validator() -> jsonschema.Draft202012Validator:
    import jsonschema

    return jsonschema.Draft202012Validator(_published_schema())


def check_published(document: Mapping[str, Any]) -> None:
    """list.json must match the schema shipped beside it; a mismatch is refused, not written."""
    if _fast_validator().is_valid(document):
        return
    from jsonschema.exceptions import best_match

    error = best_match(_validator().iter_errors(document))
    where = "/".join(str(p) for p in error.absolute_path) or "the document"
    raise CuratorError(f"list.json would not match its schema at {where}: {error.message}")


@cache
def default_renderer() -> Renderer:
    return Renderer()
