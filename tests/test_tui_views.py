"""Each tab's text, built from the model by curator.tui.views: no app, no terminal."""

from __future__ import annotations

from dataclasses import replace

import pytest

from curator.core import discussion, public
from curator.core import weigh as weighing
from curator.core.criteria import ExprError, parse
from curator.core.model import Amendment, Comment, LicenseException, Note, Paragraph
from curator.store.index.load import load
from curator.tui.views import detail, table
from curator.tui.views import discussion as discussion_view
from curator.tui.views import public as public_view
from curator.tui.views import weigh as weigh_view


def weighed(loaded, control_id="3A090"):
    control = loaded.controls[control_id]
    found = weighing.criteria_of(control, loaded.parameters)
    setting = weighing.setting_of(control, loaded.manifest)
    return weighing.weigh(found, loaded.catalogue, setting, control_id)


def test_detail_reads_each_paragraphs_criteria_in_words(lst):
    loaded = load(lst.root)
    page = detail.control_page(loaded.controls["3A090"], loaded, None)
    assert page.startswith("# 3A090 — Integrated circuits for advanced computing")
    assert "### 3A090.a.1" in page
    assert "*Total processing performance ≥ 4,800" in page or "4,800" in page.split("a.1")[1]
    assert "**Area** Advanced computing" in page


def test_detail_shows_a_paragraphs_exceptions_and_the_controls_notes(lst):
    loaded = load(lst.root)
    control = loaded.controls["3A090"]
    first = replace(
        control.items[0],
        exceptions=(LicenseException("NAC/ACA", "datacenter == false", "NAC/ACA: Yes."),),
    )
    note = Note("Note 2 to 3A090", "note", "Not for gaming cards.", ("datacenter",))
    page = detail.control_page(
        replace(control, items=(first, *control.items[1:]), notes=(note,)), loaded, None
    )
    assert "**License Exception NAC/ACA** when:" in page
    assert "datacenter == false" in page and "NAC/ACA: Yes." in page
    assert "## Notes" in page and "### Note 2 to 3A090" in page
    assert "*Defines datacenter.*" in page


def test_a_criteria_error_in_detail_is_said_not_raised(lst):
    loaded = load(lst.root)
    control = loaded.controls["3A090"]
    broken = replace(control, items=(Paragraph("a.1", "x", "tpp >="),))
    assert "**criteria error:** column" in detail.control_page(broken, loaded, None)


def test_the_ballot_line_counts_positions(lst):
    loaded = load(lst.root)
    comments = [
        Comment("3A090", "discussion/3A090/1.toml", "industry-1", "2026-11-28T01:00:00Z",
                "Too tight.", "too-tight"),
    ]  # fmt: skip
    ballot = discussion.ballot(loaded.controls["3A090"], loaded.manifest.members, comments)
    line = discussion_view.ballot_line(ballot)
    assert "industry-1: too-tight" in line
    assert line.endswith("too loose 0 / too tight 1")


def test_a_thread_shows_each_amendments_what_if(lst):
    loaded = load(lst.root)
    amending = Comment(
        "3A090", "discussion/3A090/2.toml", "industry-1", "2026-11-28T02:00:00Z",
        "Raise it.", "too-tight", Amendment("a.1", "tpp >= 9000"),
    )  # fmt: skip
    page = discussion_view.thread_page(loaded.controls["3A090"], [amending], loaded)
    assert "> amendment to **a.1**: `tpp >= 9000`" in page
    note = next(line for line in page.splitlines() if line.startswith("> what-if:"))
    assert "newly captured none; released " in note and "rtx-4090" in note


def test_an_empty_thread_invites_the_first_comment():
    assert discussion_view.thread_markdown([], {}) == discussion_view.NO_COMMENTS


def test_the_balance_mark_joins_verdict_and_positions(lst):
    loaded = load(lst.root)
    control = loaded.controls["3A090"]
    ballot = discussion.ballot(control, loaded.manifest.members, [])
    assert table.mark(weighing.TOO_TIGHT, ballot) == "tight"
    assert table.mark("", ballot) == "·"
    row = table.control_row(control, weighing.BALANCED, ballot)
    assert row.cells == ("3A090", control.title, "proposed", "advanced-computing", "ok")


def test_a_parse_error_points_at_its_column(lst):
    with pytest.raises(ExprError) as raised:
        parse("tpp >= 1600 and", load(lst.root).parameters)
    err = raised.value
    shown = weigh_view.parse_error(err, "tpp >= 1600 and").plain
    assert shown.splitlines()[1:] == ["tpp >= 1600 and", " " * (err.column - 1) + "^"]
    assert shown.startswith(f"column {err.column}:")


def test_the_capture_table_folds_name_and_paragraph_below_its_full_width(lst):
    result = weighed(load(lst.root))
    wide = weigh_view.capture_table(result, None, 160)
    narrow = weigh_view.capture_table(result, None, 80)
    assert wide.titles == ("item", "name", "paragraph", "outcome", "reason")
    assert narrow.titles == ("item", "outcome", "reason")
    # each cell has a column of padding on either side; the scrollbar takes two
    assert sum(narrow.widths) + 2 * len(narrow.widths) <= 80 - 2
    a100 = narrow.rows[narrow.keys.index("a100")]
    assert (
        a100[1] == "captured · 3A090.a.1" and a100[2]
    )  # the paragraph joins the outcome; a reason


def test_a_what_if_says_what_it_captures_and_releases(lst):
    loaded = load(lst.root)
    before = weighed(loaded)
    control = loaded.controls["3A090"]
    amended = weighing.amended(control, loaded.parameters, "a.1", "tpp >= 9000")
    after = weighing.weigh(amended, loaded.catalogue, weighing.setting_of(control, None), "3A090")
    text = weigh_view.change_text(weighing.what_if(before, after)).plain
    captured, released = text.splitlines()[:2]
    assert captured == "newly captured: none"
    assert released.startswith("released: ") and "rtx-4090" in released


def test_a_public_comment_reads_with_its_answer_and_counts(lst, curator, tmp_path):
    from tests.public_csv import Row, imported

    imported(lst.root, [Row("abc-1234-wxyz", 2, "3A090 is broad.")], tmp_path)
    found = public.list_comments(load(lst.root), "3A090")
    assert public_view.comment_row(found[0])[0] == "abc-1234-wxyz"
    assert "3A090 is broad." in public_view.comment_markdown(found[0])
    assert public_view.count_line(found, 1) == "1 comment"
    assert public_view.count_line(found[:1], 3).startswith("the first 1 of 3 comments")
    assert public_view.count_line((), 0) == ""
