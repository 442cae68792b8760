"""`curator publish`: the public-comment package, built from an allow-list, written safely."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import jsonschema
import pytest
from conftest import CONTROL_3A090, ListDir, make_list, run_curator
from markdown_it import MarkdownIt

from curator import publish
from curator.cli import main
from curator.core import criteria, publication
from curator.core.model import Area, Control, ControlList, Docket, Manifest, Paragraph, Parameter
from curator.core.problems import CuratorError
from curator.publish import render
from curator.store.index.load import load

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Committee chair",
    "GIT_AUTHOR_EMAIL": "chair@example.org",
    "GIT_COMMITTER_NAME": "Committee chair",
    "GIT_COMMITTER_EMAIL": "chair@example.org",
}
FILES = {"index.html", "list.json", "list.schema.json", "notice.md", "changes.html"}

RECOMMENDED_3A090 = CONTROL_3A090.replace('status = "proposed"', 'status = "recommended"')
PUBLIC_3A091 = """\
id = "3A091"
title = "Quantum computers with many qubits"
area = "quantum"
status = "final"
visibility = "public"
reasons = ["NS2"]
regime = "wassenaar"
related = ["3A090", "3A092"]
summary = "Quantum computers above 34 physical qubits."
rationale = "RATIONALE-MARKER why it is too loose"
impact = "IMPACT-MARKER who it costs"
sources = ["https://www.bis.gov/example", "Wassenaar 2024 list"]
proposed_by = "industry-1"

[[items]]
label = "a"
text = "Quantum computers supporting 100 or more fully controlled physical qubits."
match = "tpp >= 100"
"""
COMMITTEE_3A092 = """\
id = "3A092"
title = "COMMITTEE-ONLY-MARKER chips"
area = "advanced-computing"
status = "recommended"
visibility = "committee"
summary = "COMMITTEE-SUMMARY-MARKER"

[[items]]
label = "a"
text = "COMMITTEE-TEXT-MARKER of 9000 or more"
match = "tpp >= 9000"
"""
PROPOSED_3A093 = """\
id = "3A093"
title = "PROPOSED-MARKER chips"
area = "advanced-computing"
status = "proposed"
visibility = "public"
"""
COMMENT = """\
author = "industry-1"
at = 2026-11-28T01:22:00Z
position = "too-tight"
body = "DISCUSSION-MARKER the threshold is too tight"

[amendment]
item = "a.1"
match = "tpp >= 6000"
"""
MARKERS = (
    "MARKER",
    "3A092",
    "3A093",
    "industry-1",
    "@example.org",
    "Committee chair",
    "Industry member",
    "too-tight",
)


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args],
        cwd=repo,
        env={**_base_env(), **GIT_ENV},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def _base_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}


def committed(lst: ListDir, message: str = "list") -> None:
    if not (lst.root / ".git").exists():
        git(lst.root, "init", "-q", "-b", "main")
    git(lst.root, "add", "-A")
    git(lst.root, "commit", "-q", "-m", message)


def publishable_list(root: Path) -> ListDir:
    lst = make_list(root)
    lst.write("controls/3A090.toml", RECOMMENDED_3A090)
    lst.write("controls/3A091.toml", PUBLIC_3A091)
    lst.write("controls/3A092.toml", COMMITTEE_3A092)
    lst.write("controls/3A093.toml", PROPOSED_3A093)
    lst.write("discussion/3A090/2026-11-28T012200Z-industry-1.toml", COMMENT)
    return lst


def publish_cli(lst: ListDir, out: Path, *extra: str):
    return run_curator(
        "publish", "--list", str(lst.root), "--out", str(out), "--as", "chair", *extra
    )


def read_package(out: Path) -> dict[str, str]:
    return {p.name: p.read_text("utf-8") for p in sorted(out.iterdir()) if p.is_file()}


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> dict[str, str]:
    """One committed list, published once, read by the tests that only look."""
    base = tmp_path_factory.mktemp("published")
    lst = publishable_list(base / "test-list")
    committed(lst)
    run = publish_cli(lst, base / "out")
    assert run.code == 0, run.err
    return read_package(base / "out")


@pytest.fixture
def repo(lst: ListDir) -> ListDir:
    lst.write("controls/3A090.toml", RECOMMENDED_3A090)
    lst.write("controls/3A091.toml", PUBLIC_3A091)
    lst.write("controls/3A092.toml", COMMITTEE_3A092)
    committed(lst)
    return lst


class Outline(HTMLParser):
    """Headings, ids, tables and elements of a page, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[int] = []
        self.ids: list[str] = []
        self.tags: list[str] = []
        self.hrefs: list[str] = []
        self.attrs: list[str] = []
        self.lang = ""

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        self.tags.append(tag)
        self.attrs.extend(name for name, _ in attrs)
        if tag == "html":
            self.lang = found.get("lang", "")
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if "id" in found:
            self.ids.append(found["id"])
        if tag == "a":
            self.hrefs.append(found.get("href", ""))


def outline(html: str) -> Outline:
    parser = Outline()
    parser.feed(html)
    return parser


# ---------------------------------------------------------------- the package


def test_publish_writes_the_five_files_and_its_manifest(repo, tmp_path):
    run = publish_cli(repo, tmp_path / "out")
    assert run.code == 0, run.err
    assert {p.name for p in (tmp_path / "out").iterdir()} == FILES | {".curator-publish"}
    assert "published 2 controls" in run.out


def test_index_has_a_stable_anchor_for_every_control_and_paragraph(package):
    ids = outline(package["index.html"]).ids
    for anchor in ("3A090", "3A090.a.1", "3A090.a.2", "3A091", "3A091.a"):
        assert ids.count(anchor) == 1, anchor
    assert len(ids) == len(set(ids))


def test_index_is_accessible_language_heading_order_and_table_headers(package):
    page = outline(package["index.html"])
    assert page.lang == "en"
    assert page.headings[0] == 1 and page.headings.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(page.headings, page.headings[1:], strict=False))
    assert page.tags.count("table") <= page.tags.count("thead")
    assert "th" in page.tags and "caption" in page.tags


def test_index_is_self_contained_with_print_css_and_no_scripts(package):
    html = package["index.html"]
    page = outline(html)
    assert not {"script", "img", "iframe", "link", "object", "embed"} & set(page.tags)
    assert not [a for a in page.attrs if a.startswith("on") or a == "src"]
    assert "@media print" in html and "@import" not in html and "url(" not in html
    assert "default-src 'none'" in html


def test_index_shows_docket_deadline_how_to_comment_and_plain_criteria(package):
    html = package["index.html"]
    assert "BIS-2026-0001" in html and "January 31, 2027" in html
    assert "How to comment" in html and "control 3A090, paragraph 3A090.a.1" in html
    assert "total processing performance ≥ 4,800 TPP" in html
    assert "Wassenaar Arrangement" in html and "AT1, RS" in html


def test_table_of_contents_is_grouped_by_technology_area(package):
    html = package["index.html"]
    contents = html[html.index('id="contents-title"') : html.index("</nav>")]
    assert contents.index("Advanced computing") < contents.index('href="#3A090"')
    assert contents.index("Quantum information") < contents.index('href="#3A091"')


def test_related_controls_link_only_to_published_controls(package):
    html = package["index.html"]
    assert '<a href="#3A090">3A090</a>' in html
    assert "3A092" not in html


def test_list_json_is_valid_against_the_schema_shipped_beside_it(package):
    document = json.loads(package["list.json"])
    schema = json.loads(package["list.schema.json"])
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(document)
    assert [c["id"] for c in document["controls"]] == ["3A090", "3A091"]
    assert document["controls"][0]["paragraphs"][0]["criteria"].startswith("total processing")


def test_shipped_schema_is_the_one_in_schemas(package):
    root = Path(__file__).resolve().parents[1]
    assert package["list.schema.json"] == (root / "schemas/published-list.schema.json").read_text()


def test_notice_has_the_proposed_rule_layout_in_order(package):
    notice = package["notice.md"]
    order = [
        "**[Docket No. BIS-2026-0001]**",
        "**AGENCY:** Bureau of Industry and Security, Commerce.",
        "**ACTION:** Proposed rule.",
        "**SUMMARY:**",
        "**DATES:** Comments must be received by January 31, 2027.",
        "**ADDRESSES:**",
        "Federal eRulemaking Portal: https://www.regulations.gov",
        "**FOR FURTHER INFORMATION CONTACT:** Regulatory Policy Division",
        "**SUPPLEMENTARY INFORMATION:**",
        "## Background",
        "## The proposed controls",
        "PART 774—THE COMMERCE CONTROL LIST",
        "**3A090 Integrated circuits for advanced computing.**",
        "a.1. A 'total processing performance' of 4800 or more.",
        "* * * * *",
    ]
    at = 0
    for text in order:
        at = notice.index(text, at)  # each part after the one before
    assert "DEPARTMENT OF COMMERCE" in notice.splitlines()[0]


def test_only_public_controls_with_a_publishable_status_are_published(package):
    document = json.loads(package["list.json"])
    assert {c["id"] for c in document["controls"]} == {"3A090", "3A091"}


@pytest.mark.parametrize("name", sorted(FILES - {"list.schema.json"}))
def test_no_discussion_member_or_internal_field_reaches_any_file(package, name):
    text = package[name]
    for marker in MARKERS:
        assert marker not in text, (name, marker)


def test_sources_are_published_as_public_citations(package):
    html = package["index.html"]
    assert '<a href="https://www.bis.gov/example">https://www.bis.gov/example</a>' in html
    assert "Wassenaar 2024 list" in html


def test_publishable_statuses_are_configurable_in_list_toml(repo, tmp_path):
    repo.write(
        "list.toml",
        repo.read("list.toml").replace(
            "\n[[members]]", '\n[publish]\nstatuses = ["final"]\n\n[[members]]', 1
        ),
    )
    assert publish_cli(repo, tmp_path / "out").code == 0
    document = json.loads((tmp_path / "out/list.json").read_text())
    assert [c["id"] for c in document["controls"]] == ["3A091"]


def test_internal_fields_are_published_only_when_the_list_opts_in(repo, tmp_path):
    repo.write(
        "list.toml",
        repo.read("list.toml").replace(
            "\n[[members]]", '\n[publish]\nfields = ["rationale"]\n\n[[members]]', 1
        ),
    )
    assert publish_cli(repo, tmp_path / "out").code == 0
    files = read_package(tmp_path / "out")
    assert "RATIONALE-MARKER" in files["index.html"]
    assert all("IMPACT-MARKER" not in text for text in files.values())


def test_injected_script_title_and_javascript_link_come_out_inert(repo, tmp_path):
    repo.write(
        "controls/3A090.toml",
        RECOMMENDED_3A090.replace(
            'title = "Integrated circuits for advanced computing"',
            "title = \"<script>document.title='pwned'</script>\"",
        ).replace(
            'summary = "Advanced',
            'summary = "[x](javascript:alert(1)) <img src=x onerror=alert(2)> [ok](https://ok.example) Advanced',
        ),
    )
    assert publish_cli(repo, tmp_path / "out").code == 0
    files = read_package(tmp_path / "out")
    for name in ("index.html", "changes.html"):
        page = outline(files[name])
        assert "script" not in page.tags and "img" not in page.tags, name
        assert not [h for h in page.hrefs if h.lower().startswith("javascript")], name
        assert "&lt;script&gt;document.title" in files[name], name
    assert "https://ok.example" in outline(files["index.html"]).hrefs
    # even a renderer that allows raw HTML and every link finds nothing active in the notice
    permissive = MarkdownIt("commonmark", {"html": True})
    permissive.validateLink = lambda url: True
    notice = outline(permissive.render(files["notice.md"]))
    assert "script" not in notice.tags and "img" not in notice.tags
    assert not [h for h in notice.hrefs if h.lower().startswith("javascript")]
    assert json.loads(files["list.json"])["controls"][0]["title"].startswith("<script>")


def test_publishing_the_same_revision_twice_gives_identical_bytes(repo, tmp_path):
    assert publish_cli(repo, tmp_path / "one").code == 0
    assert publish_cli(repo, tmp_path / "two").code == 0
    assert publish_cli(repo, tmp_path / "one", "--force").code == 0
    one, two = read_package(tmp_path / "one"), read_package(tmp_path / "two")
    assert one == two
    head = git(repo.root, "rev-parse", "HEAD")
    assert json.loads(one["list.json"])["revision"] == head


# ---------------------------------------------------------------- the redline


def test_without_an_earlier_release_every_control_is_listed_as_added(package):
    changes = package["changes.html"]
    assert "no earlier release" in changes
    added = changes[changes.index('id="added"') :]
    assert 'id="3A090"' in added and 'id="3A091"' in added
    assert 'id="removed"' not in changes and 'id="changed"' not in changes


def test_changes_against_the_latest_release_mark_old_and_new_text(repo, tmp_path):
    git(repo.root, "tag", "-a", "test-list/v1.0", "-m", "release 1.0")
    repo.write(
        "controls/3A090.toml",
        RECOMMENDED_3A090.replace("tpp >= 4800", "tpp >= 6000").replace(
            "4800 or more", "6000 or more"
        ),
    )
    committed(repo, "raise the threshold")
    assert publish_cli(repo, tmp_path / "out").code == 0
    changes = (tmp_path / "out/changes.html").read_text()
    assert "release test-list/v1.0" in changes
    assert "≥ <del>4,800</del><ins>6,000</ins> TPP" in changes
    changed = changes[changes.index('id="changed"') :]
    assert "loosened" in changed and 'id="3A090"' in changed and 'id="3A091"' not in changed


def test_a_parameter_retitled_since_the_release_shows_in_each_sides_own_words(repo, tmp_path):
    """The criteria in words are worked out once for both revisions only when both declare
    the same parameters: here the release's side still reads the old title."""
    git(repo.root, "tag", "-a", "test-list/v1.0", "-m", "release 1.0")
    manifest = (repo.root / "list.toml").read_text()
    repo.write(
        "list.toml",
        manifest.replace('title = "Total processing performance"', 'title = "Compute rating"'),
    )
    committed(repo, "retitle tpp")
    assert publish_cli(repo, tmp_path / "out").code == 0
    changes = (tmp_path / "out/changes.html").read_text()
    changed = changes[changes.index('id="changed"') :]
    retitled = (
        "<del>total</del><ins>compute</ins> <del>processing performance</del><ins>rating</ins>"
    )
    assert f"{retitled} ≥ 4,800 TPP" in changed


def test_against_picks_the_revision_to_compare_with(repo, tmp_path):
    repo.write("controls/3A091.toml", PUBLIC_3A091.replace('status = "final"', 'status = "draft"'))
    committed(repo, "withdraw 3A091 from publication")
    assert publish_cli(repo, tmp_path / "out", "--against", "HEAD~1").code == 0
    changes = (tmp_path / "out/changes.html").read_text()
    removed = changes[changes.index('id="removed"') :]
    assert 'id="3A091"' in removed and "<del>Quantum computers with many qubits</del>" in removed
    assert "tightened" not in removed and "loosened" in removed


def test_committee_only_controls_of_the_old_revision_never_reach_the_redline(repo, tmp_path):
    git(repo.root, "tag", "-a", "test-list/v1.0", "-m", "release 1.0")
    repo.write("controls/3A092.toml", COMMITTEE_3A092.replace("COMMITTEE-ONLY", "STILL-HIDDEN"))
    (repo.root / "controls/3A091.toml").unlink()
    committed(repo, "edit the committee control, drop 3A091")
    assert publish_cli(repo, tmp_path / "out").code == 0
    changes = (tmp_path / "out/changes.html").read_text()
    assert "3A092" not in changes and "MARKER" not in changes and "HIDDEN" not in changes
    assert 'id="3A091"' in changes[changes.index('id="removed"') :]


def test_unknown_against_revision_is_a_usage_error(repo, tmp_path):
    run = publish_cli(repo, tmp_path / "out", "--against", "no-such-tag")
    assert run.code == 2
    assert "unknown revision 'no-such-tag'" in run.err
    assert not (tmp_path / "out").exists()


def test_publish_outside_git_lists_every_control_as_added(lst, tmp_path):
    lst.write("controls/3A090.toml", RECOMMENDED_3A090)
    run = publish_cli(lst, tmp_path / "out")
    assert run.code == 0, run.err
    assert json.loads((tmp_path / "out/list.json").read_text())["revision"] == ""
    assert "no earlier release" in (tmp_path / "out/changes.html").read_text()


# ---------------------------------------------------------------- refusals


def test_no_publishable_controls_is_refused_and_nothing_is_written(lst, curator, tmp_path):
    run = publish_cli(lst, tmp_path / "out")
    assert run.code == 1
    assert "nothing to publish" in run.err and "Traceback" not in run.err
    assert not (tmp_path / "out").exists()


def test_out_inside_the_list_folder_is_refused(repo):
    before = repo.snapshot()
    run = publish_cli(repo, repo.root / "site")
    assert run.code == 1
    assert "inside the list folder" in run.err
    assert repo.snapshot() == before and not (repo.root / "site").exists()


def test_non_empty_out_is_refused_without_force(repo, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    run = publish_cli(repo, out)
    assert run.code == 1
    assert "not empty" in run.err and "--force" in run.err
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_force_replaces_only_files_an_earlier_publish_wrote(repo, tmp_path):
    out = tmp_path / "out"
    assert publish_cli(repo, out).code == 0
    (out / "notes.txt").write_text("mine")
    (out / "index.html").write_text("edited by hand after publishing")
    assert publish_cli(repo, out, "--force").code == 0
    assert (out / "notes.txt").read_text() == "mine"
    assert "<!doctype html>" in (out / "index.html").read_text()


def test_force_never_overwrites_a_file_publish_did_not_write(repo, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "index.html").write_text("someone else's page")
    run = publish_cli(repo, out, "--force")
    assert run.code == 1
    assert "index.html not written by `curator publish`" in run.err
    assert (out / "index.html").read_text() == "someone else's page"
    assert [p.name for p in out.iterdir()] == ["index.html"]


@pytest.mark.parametrize(
    ("cut", "message"),
    [
        (
            '\n[docket]\nid = "BIS-2026-0001"\nagency = "Bureau of Industry and Security, Commerce"\n'
            'comment_deadline = 2027-01-31\ncontact = "Regulatory Policy Division"\n',
            "list.toml has no docket",
        ),
        ("comment_deadline = 2027-01-31\n", "has no comment deadline"),
    ],
    ids=["no-docket", "no-deadline"],
)
def test_missing_docket_or_deadline_is_refused(repo, tmp_path, cut, message):
    assert cut in repo.read("list.toml")
    repo.write("list.toml", repo.read("list.toml").replace(cut, ""))
    run = publish_cli(repo, tmp_path / "out")
    assert run.code == 1
    assert message in run.err
    assert not (tmp_path / "out").exists()


def test_only_the_chair_publishes(repo, tmp_path):
    run = run_curator(
        "publish", "--list", str(repo.root), "--out", str(tmp_path / "out"), "--as", "industry-1"
    )
    assert run.code == 1
    assert "only the chair" in run.err
    assert not (tmp_path / "out").exists()


def test_a_list_whose_controls_have_problems_is_not_published(repo, tmp_path):
    repo.write("controls/3A094.toml", 'id = "3A094"\ntitle = "x\n')
    run = publish_cli(repo, tmp_path / "out")
    assert run.code == 1
    assert "controls/3A094.toml:2" in run.err and "curator check" in run.err
    assert not (tmp_path / "out").exists()


def test_build_in_process_matches_the_cli(repo, tmp_path):
    assert publish_cli(repo, tmp_path / "out").code == 0
    head = git(repo.root, "rev-parse", "HEAD")
    built = publish.build(load(repo.root), revision=head)
    written = read_package(tmp_path / "out")
    assert written.pop(".curator-publish").splitlines()[1:] == sorted(FILES)
    assert {n: b.decode() for n, b in built.files.items()} == written


def test_a_paragraph_anchor_never_duplicates_a_control_anchor(repo):
    repo.write(
        "controls/3A090.a.toml",
        'id = "3A090.a"\ntitle = "Sub-entry"\narea = "advanced-computing"\nstatus = "final"\n'
        'visibility = "public"\n',
    )
    repo.write(
        "controls/3A090.toml",
        RECOMMENDED_3A090.replace('label = "a.1"', 'label = "a"'),
    )
    built = publish.build(load(repo.root))
    ids = outline(built.files["index.html"].decode()).ids
    assert ids.count("3A090.a") == 1 and "3A090.a.2" in ids


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://www.regulations.gov", True),
        ("http://example.org/a", True),
        ("mailto:office@example.gov", True),
        ("#3A090.a.1", True),
        ("javascript:alert(1)", False),
        (" JavaScript:alert(1)", False),
        ("data:text/html,<b>x</b>", False),
        ("vbscript:x", False),
        ("file:///etc/passwd", False),
        ("other.html", False),
        ("//evil.example/x", False),
    ],
)
def test_markdown_links_are_only_web_mail_or_anchors(url, allowed):
    assert render.allowed_link(url) is allowed
    html = str(render.default_renderer().markdown(f"[x]({url})"))
    assert ("<a " in html) is allowed


def test_a_working_tree_with_uncommitted_changes_says_so(repo, tmp_path):
    repo.write("controls/3A090.toml", RECOMMENDED_3A090.replace("4800 or more", "4800 or above"))
    run = publish_cli(repo, tmp_path / "out")
    assert run.code == 0, run.err
    revision = json.loads((tmp_path / "out/list.json").read_text())["revision"]
    assert revision == git(repo.root, "rev-parse", "HEAD") + " with uncommitted changes"
    assert "uncommitted changes" in run.err


def test_the_parameters_listed_are_those_declared_that_the_criteria_name():
    """Also beside a name the list does not declare (a list in that state is refused before
    publishing; the view itself still names the declared ones)."""
    declared = {
        "tpp": Parameter("tpp", "Total processing performance", "TPP"),
        "qubits": Parameter("qubits", "Physical qubits", "qubits"),
    }
    manifest = Manifest(
        id="demo",
        title="Demo",
        docket=Docket("BIS-2026-0001", "2027-01-31"),
        areas={"computing": Area("computing", "Computing")},
        parameters=criteria.Parameters(declared),
    )
    control = Control(
        id="3A090",
        title="Chips",
        area="computing",
        status="recommended",
        visibility="public",
        items=(Paragraph("a", "Chips.", "tpp >= 4800 and undeclared >= 1"),),
    )
    document = publication.public_list(ControlList(manifest, {"3A090": control}))
    assert [p["name"] for p in document["parameters"]] == ["tpp"]


def test_a_list_json_off_its_schema_is_refused_with_where_and_why():
    with pytest.raises(CuratorError, match="at the document: 'list' is a required property"):
        render.check_published({"docket": {}})


def test_templates_read_a_view_key_as_an_attribute_and_stay_strict_about_a_missing_one():
    views = render.Renderer().html
    template = views.from_string("{{ c.id }} {{ c.title | length }}")
    assert template.render(c={"id": "3A090", "title": "chips"}) == "3A090 5"
    with pytest.raises(jinja2.UndefinedError):
        views.from_string("{{ c.missing }}").render(c={"id": "3A090"})


def test_templates_still_read_attributes_of_what_is_not_a_view():
    views = render.Renderer().html
    assert views.from_string("{{ d.year }}").render(d=dt.date(2026, 3, 31)) == "2026"


# ---------------------------------------------------------------- whole or nothing


def test_a_publish_stopped_by_a_full_disk_leaves_nothing_and_needs_no_force(
    repo, tmp_path, monkeypatch, capsys
):
    from test_faults import Faults

    site = tmp_path / "site"
    argv = ["--list", str(repo.root), "publish", "--out", str(site / "out"), "--as", "chair"]
    with monkeypatch.context() as m:
        Faults(m, "disk-full", 3, (site,))  # the third of six files: two would be written
        assert main(argv) == 1
    assert "No space left on device" in capsys.readouterr().err
    assert not site.exists() or list(site.iterdir()) == []  # nothing, not even the half made
    assert main(argv) == 0  # the disk has room again: no --force needed
    assert {p.name for p in (site / "out").iterdir()} == FILES | {".curator-publish"}
    assert [p.name for p in site.iterdir()] == ["out"]
    assert oct((site / "out").stat().st_mode & 0o777) == oct(0o755)


def test_a_package_a_killed_publish_left_half_made_is_cleared_by_the_next(repo, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    left = site / ".curator-2147483646-0.tmp"  # by a process that is gone
    left.mkdir()
    (left / "index.html").write_text("half")
    assert publish_cli(repo, site / "out").code == 0
    assert [p.name for p in site.iterdir()] == ["out"]
