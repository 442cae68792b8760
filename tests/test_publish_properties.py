"""Properties of publishing: nothing outside the allow-list leaks, and public text stays inert.

Random lists are built as model values and published in-process (core views → templates), with
committee-only controls, unpublishable statuses, discussion, public comments, catalogue notes,
members and internal fields all carrying unique marker strings. Public text is drawn from an
alphabet without the letters of the markers, so any marker found in a file is a leak.
"""

from __future__ import annotations

import itertools
import re
from html.parser import HTMLParser

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from curator import publish
from curator.core.model import (
    STATUSES,
    Amendment,
    Area,
    CatalogueItem,
    Comment,
    Control,
    ControlList,
    Docket,
    Manifest,
    Member,
    Paragraph,
    Parameter,
    PublicComment,
)

MARK = re.compile(r"zqx[0-9]+q")
# public text: markup, entities, link syntax and scripts, but never the letters z, q, x
PUBLIC_ALPHABET = "abcdefghijklmnoprstuvwy ABCDEF<>&\"'[]()*_#:/.!=-\n"
PUBLIC_WORDS = ["<script>alert(1)</script>", "[a](javascript:alert(1))", "<img src=a onerror=b>"]
PUBLIC_WORDS += [
    "&amp;",
    "[b](https://ok.example/p?a=1&b=2)",
    "<https://ok.example>",
    "![i](https://t.example/p.png)",
]
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def public_text(min_size: int = 0) -> st.SearchStrategy[str]:
    pieces = st.one_of(st.text(PUBLIC_ALPHABET, max_size=12), st.sampled_from(PUBLIC_WORDS))
    return (
        st.lists(pieces, min_size=min_size, max_size=4)
        .map(" ".join)
        .filter(lambda s: len(s.strip()) >= min_size)
    )


@st.composite
def lists(draw) -> tuple[ControlList, ControlList, list[str]]:
    """An older and a newer version of a list, and the ids of its hidden controls."""
    counter = itertools.count()

    def mark() -> str:
        return f"zqx{next(counter)}q"

    statuses = tuple(sorted(draw(st.sets(st.sampled_from(STATUSES), min_size=1))))
    members = tuple(
        Member(mark(), f"Name {mark()}", role, f"{mark()}@example.org")
        for role in ("chair", "member", "observer")
    )
    manifest = Manifest(
        id="prop-list",
        title="Property list",
        version="1.0",
        description=draw(public_text()),
        docket=Docket("BIS-2026-0001", "2027-01-31", "Bureau of Tests, Commerce", "Office"),
        members=members,
        areas={"computing": Area("computing", "Computing"), "secret": Area("secret", mark())},
        parameters={
            "tpp": Parameter("tpp", "Total processing performance", "TPP"),
            "hidden": Parameter("hidden", mark(), "U", description=mark()),
        },
        publish_statuses=statuses,
    )
    hidden_ids = [f"9E{n:03d}" for n in range(draw(st.integers(0, 4)))]
    public_ids = [f"1A{n:03d}" for n in range(1, draw(st.integers(1, 4)) + 1)]
    all_ids = hidden_ids + public_ids

    def control(cid: str, shown: bool) -> Control:
        if shown:
            status = draw(st.sampled_from(statuses))
            visibility, area, text = "public", "computing", public_text
        else:
            status, visibility = draw(
                st.sampled_from(
                    [(s, "committee") for s in STATUSES]
                    + [(s, "public") for s in STATUSES if s not in statuses]
                )
            )
            area = draw(st.sampled_from(["computing", "secret"]))
            text = None
        paragraphs = tuple(
            Paragraph(
                label,
                draw(text()) if text else mark(),
                draw(st.sampled_from(["", "tpp >= 4800", "tpp >= 1600", "hidden >= 3"]))
                if not shown
                else draw(st.sampled_from(["", "tpp >= 4800", "tpp >= 1600 or tpp < 10"])),
                amended_by=mark(),
            )
            for label in draw(st.sets(st.sampled_from(["a", "a.1", "b"]), max_size=3))
        )
        return Control(
            id=cid,
            title=draw(text(1)) if text else mark(),
            area=area,
            status=status,
            visibility=visibility,
            related=tuple(sorted(draw(st.sets(st.sampled_from(all_ids))) - {cid})),
            summary=draw(text()) if text else mark(),
            rationale=mark(),
            impact=mark(),
            sources=(draw(text(1)),) if text else (mark(),),
            proposed_by=mark(),
            items=tuple(sorted(paragraphs, key=lambda p: p.label)),
        )

    def version() -> ControlList:
        chosen = {cid: control(cid, shown=False) for cid in hidden_ids}
        chosen |= {cid: control(cid, shown=True) for cid in public_ids if draw(st.booleans())}
        chosen.setdefault(public_ids[0], control(public_ids[0], shown=True))
        comments = tuple(
            Comment(
                cid,
                f"discussion/{cid}/2026-11-28T012200Z-{members[1].id}.toml",
                members[1].id,
                "2026-11-28T01:22:00Z",
                body=mark(),
                position="too-tight",
                amendment=Amendment("a", "tpp >= 1"),
            )
            for cid in chosen
        )
        item = CatalogueItem(mark(), mark(), maker=mark(), notes=mark(), params={"tpp": 5000})
        public = PublicComment("BIS-2026-0001", "abc-defg-hijk", submitter=mark(), body=mark())
        return ControlList(
            manifest=manifest,
            controls=chosen,
            catalogue={item.id: item},
            comments=comments,
            public_comments=(public,),
        )

    old, new = version(), version()
    return old, new, hidden_ids


def published(old: ControlList, new: ControlList) -> dict[str, str]:
    against = publish.Against("release prop-list/v0.9", "0" * 40)
    package = publish.build(new, old, revision="1" * 40, against=against)
    return {name: data.decode("utf-8") for name, data in package.files.items()}


@SETTINGS
@given(lists())
def test_nothing_outside_the_allow_list_reaches_any_published_file(case):
    old, new, hidden_ids = case
    for name, text in published(old, new).items():
        assert not MARK.findall(text), (name, MARK.findall(text))
        for cid in hidden_ids:
            assert cid not in text, (name, cid)


class Active(HTMLParser):
    """What in a page could run or fetch: elements, event handlers, link targets."""

    RISKY = {"script", "img", "iframe", "object", "embed", "link", "style", "form", "svg", "base"}

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.styles = 0

    def handle_starttag(self, tag, attrs):
        if tag == "style":
            self.styles += 1
        elif tag in self.RISKY:
            self.found.append(tag)
        for name, value in attrs:
            if name.startswith("on") or name in ("src", "srcdoc", "style", "formaction"):
                self.found.append(f"{tag}[{name}]")
            if name == "href" and not re.match(
                r"(https?:|mailto:|#|[a-z.]+\.(html|json|md)(#[0-9A-Za-z.]+)?$)", value or ""
            ):
                self.found.append(f"href={value}")


def active(html: str) -> Active:
    parser = Active()
    parser.feed(html)
    return parser


@SETTINGS
@given(lists())
def test_public_text_comes_out_inert_in_every_page(case):
    old, new, _ = case
    files = published(old, new)
    for name in ("index.html", "changes.html"):
        page = active(files[name])
        assert page.found == [] and page.styles == 1, (name, page.found)
    permissive = MarkdownIt("commonmark", {"html": True})
    permissive.validateLink = lambda url: True
    notice = active(permissive.render(files["notice.md"]))
    assert [f for f in notice.found if not f.startswith("href=https")] == []
