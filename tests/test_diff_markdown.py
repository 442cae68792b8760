"""`curator diff --format markdown`: the review a pull request shows — a table of the changed
controls with effect, witness and items — read back with a Markdown parser, hostile text and all."""

from __future__ import annotations

from gitrepo import LIST_DIR, new_repo
from markdown_it import MarkdownIt

# GitHub's dialect as far as it matters here: CommonMark with tables and strike-through
MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"])
HEADER = ["Control", "Change", "Effect", "Witness", "Newly captured", "Released"]


def rows(markdown: str) -> list[list[tuple[str, list[str]]]]:
    """Each table row's cells: the text a reader sees, and the kinds of inline markup in it."""
    found: list[list[tuple[str, list[str]]]] = []
    in_cell = False
    for token in MARKDOWN.parse(markdown):
        if token.type == "tr_open":
            found.append([])
        elif token.type in ("th_open", "td_open", "th_close", "td_close"):
            in_cell = token.type.endswith("_open")
        elif token.type == "inline" and in_cell:
            children = token.children or []
            text = "".join(c.content for c in children if c.type == "text")
            found[-1].append((text, [c.type for c in children if c.type != "text"]))
    return found


def markdown_diff(repo, *revisions: str) -> str:
    done = repo.curator("diff", "--format", "markdown", "--list", LIST_DIR, *revisions)
    assert done.code == 0, done.err
    return done.out


def test_a_raised_threshold_reads_as_loosened_with_its_witness_and_released_items(tmp_path):
    repo = new_repo(tmp_path / "repo")
    repo.edit("controls/3A090.toml", "tpp >= 4800", "tpp >= 6000")
    repo.commit("raise a.1")
    out = markdown_diff(repo, "HEAD~1", "HEAD")
    assert out.startswith("### test-list: 1 control changed\n\nFrom HEAD\\~1 to HEAD.\n")
    header, control = rows(out)
    assert [text for text, _ in header] == HEADER
    cells = [text for text, _ in control]
    assert cells[0] == "3A090 Integrated circuits for advanced computing"
    assert cells[1:3] == ["changed items[a.1].match", "loosened"]
    assert cells[3].startswith("e.g. an item with tpp=4800") and cells[3].endswith("is released")
    assert cells[4:] == ["—", "ascend-910b, rtx-4090"]


def test_each_kind_of_change_is_named(tmp_path):
    repo = new_repo(tmp_path / "repo")
    controls = repo.root / "controls"
    (controls / "3A090.toml").rename(controls / "3A091.toml")
    repo.edit("controls/3A091.toml", 'id = "3A090"', 'id = "3A091"')
    added = (controls / "3A091.toml").read_text().replace('id = "3A091"', 'id = "3A092"')
    (controls / "3A092.toml").write_text(added.replace("tpp >= 4800", "tpp >= 100"))
    repo.commit("rename and add")
    out = markdown_diff(repo, "HEAD~1", "HEAD")
    changes = {row[0][0].split()[0]: (row[1][0], row[2][0]) for row in rows(out)[1:]}
    assert changes == {
        "3A091": ("renamed from 3A090", "equivalent"),
        "3A092": ("added", "tightened"),
    }


def test_no_change_says_so(tmp_path):
    repo = new_repo(tmp_path / "repo")
    out = markdown_diff(repo, "HEAD", "HEAD")
    assert "### test-list: 0 controls changed" in out and "No control changed." in out
    assert rows(out) == []


def test_a_list_not_in_the_older_revision_is_new_and_all_of_it_added(tmp_path):
    repo = new_repo(tmp_path / "repo")
    first = repo.git("rev-parse", "HEAD").stdout.strip()
    (repo.top / "README").write_text("x\n")
    repo.git("add", "README")
    repo.git("commit", "--quiet", "-m", "readme")
    repo.git("checkout", "--quiet", "--orphan", "fresh")
    repo.git("rm", "-r", "--quiet", "--cached", "lists")
    repo.git("commit", "--quiet", "-m", "without the list")
    base = repo.git("rev-parse", "HEAD").stdout.strip()
    done = repo.curator("diff", "--format", "markdown", "--list", LIST_DIR, base, first)
    assert done.code == 0, done.err
    assert "A new list: it is not in the earlier revision." in done.out
    assert [row[1][0] for row in rows(done.out)[1:]] == ["added"]
    assert "all of it is new" in done.err


HOSTILE_TITLE = (
    "Chips | with *stars* and `code` <script>alert(1)</script> [link](javascript:alert(1)) "
    "![img](https://example.org/x.png) ~~gone~~ $x^2$ _under_ &amp; \\| back\\slash "
    "<b>bold</b> <!-- c --> evil"
)  # control and bidirectional characters never get this far: a file holding one is refused


def test_list_text_renders_inert_however_hostile(tmp_path):
    repo = new_repo(tmp_path / "repo")
    repo.edit(
        "controls/3A090.toml",
        'title = "Integrated circuits for advanced computing"',
        f"title = '''{HOSTILE_TITLE}'''",
    )
    repo.edit("controls/3A090.toml", "tpp >= 4800", "tpp >= 6000")
    repo.commit("a hostile title")
    out = markdown_diff(repo, "HEAD~1", "HEAD")
    tokens = MARKDOWN.parse(out)
    kinds = {t.type for t in tokens} | {c.type for t in tokens for c in t.children or []}
    for active in ("html_inline", "html_block", "link_open", "image", "code_inline", "em_open"):
        assert active not in kinds, active
    assert "s_open" not in kinds  # no strike-through either
    header, control = rows(out)
    assert len(control) == len(header) == 6  # no cell split by a `|` in the title
    title, markup = control[0]
    assert markup == ["strong_open", "strong_close"]  # only the id is bold: ours
    assert title == "3A090 " + HOSTILE_TITLE.replace("\u202e", "\\u202e")
