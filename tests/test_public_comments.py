"""Public comments (docs/design.md §9): import a bulk CSV, map to controls, answer, report, check."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import subprocess
import time
import tomllib
import tracemalloc
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import make_list
from public_csv import COLUMNS, DOCKET, ROWS, Row, as_bytes, write_csv, write_generated

from curator.core import public
from curator.core.model import PublicComment
from curator.store.formats import atomic
from curator.store.index.load import load
from curator.store.records import public as files

FOLDER = f"public-comments/{DOCKET}"
NOWICKI, SIA, PARK, ROE, UNIVERSITY = (r.tracking for r in ROWS)


def imported(curator, lst, csv_path: Path, *extra: str):
    return curator(
        "comments", "import", str(csv_path), "--list", str(lst.root), "--as", "chair", *extra
    )


def comment_file(lst, tracking: str) -> dict:
    return tomllib.loads(lst.read(f"{FOLDER}/{tracking}.toml"))


def stamps(lst) -> dict[str, tuple[bytes, int]]:
    folder = lst.root / FOLDER
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


@pytest.fixture
def bulk(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "bulk.csv")


@pytest.fixture
def with_comments(lst, curator, bulk):
    run = imported(curator, lst, bulk)
    assert run.code == 0, run.err
    return lst


def git(root: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Chair",
        "GIT_AUTHOR_EMAIL": "chair@example.org",
        "GIT_COMMITTER_NAME": "Chair",
        "GIT_COMMITTER_EMAIL": "chair@example.org",
    }
    done = subprocess.run(
        ["git", *args], cwd=root, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


# ---- import ---------------------------------------------------------------------------------


def test_realistic_csv_import_creates_one_valid_canonical_file_per_comment(lst, curator, bulk):
    assert bulk.read_bytes().startswith(b"\xef\xbb\xbf")
    run = imported(curator, lst, bulk)
    assert run.code == 0, run.err
    assert "5 comments: 5 created, 0 updated, 0 unchanged" in run.out
    names = sorted(p.name for p in (lst.root / FOLDER).iterdir())
    assert names == sorted(f"{r.tracking}.toml" for r in ROWS)
    assert curator("check", "--list", str(lst.root)).code == 0
    assert curator("fmt", "--check", "--list", str(lst.root)).code == 0


def test_import_keeps_the_fields_of_the_export(with_comments):
    sia = comment_file(with_comments, SIA)
    assert sia["document_id"] == f"{DOCKET}-0003"
    assert sia["docket"] == DOCKET
    assert sia["posted"] == "2026-12-02T05:00Z"
    assert sia["organization"] == "Semiconductor Industry Association"
    assert "pages 1, 4 and 7." in sia["body"]  # quoted commas inside the comment
    assert len(sia["attachments"]) == 2
    nowicki = comment_file(with_comments, NOWICKI)
    assert nowicki["submitter"] == "Ava Nowicki"
    assert 'as drafted.\n\nA "total processing performance"' in nowicki["body"]
    assert comment_file(with_comments, PARK)["body"].endswith("60 days.\nThank you.")


def test_withdrawn_comment_is_kept_and_marked(with_comments):
    roe = comment_file(with_comments, ROE)
    assert roe["withdrawn"] is True
    assert roe["title"] == "Comment from Roe, Sam"


def test_reimport_of_the_same_export_touches_nothing(with_comments, curator, bulk):
    before = stamps(with_comments)
    run = imported(curator, with_comments, bulk)
    assert run.code == 0, run.err
    assert "0 created, 0 updated, 5 unchanged" in run.out
    assert stamps(with_comments) == before


def test_reimport_in_a_git_repository_leaves_the_worktree_clean(with_comments, curator, bulk):
    root = with_comments.root
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "import public comments")
    assert imported(curator, with_comments, bulk).code == 0
    assert git(root, "status", "--porcelain") == ""


def test_newer_export_updates_text_but_keeps_mapping_and_disposition(
    with_comments, curator, tmp_path
):
    lst = with_comments
    assert answer(curator, lst, PARK, "noted", "Extension considered.").code == 0
    assert mapping(curator, lst, PARK, "3A090").code == 0
    newer = [
        replace(r, comment=r.comment + "\nAddendum.") if r.tracking == PARK else r for r in ROWS
    ]
    run = imported(curator, lst, write_csv(tmp_path / "newer.csv", newer))
    assert run.code == 0, run.err
    assert "0 created, 1 updated (1 answer was given to an earlier text" in run.out
    park = comment_file(lst, PARK)
    assert park["body"].endswith("Thank you.\nAddendum.")
    assert park["disposition"]["action"] == "noted"
    assert park["disposition"]["response"] == "Extension considered."
    assert park["mapping"] == ["3A090"]
    assert curator("fmt", "--check", "--list", str(lst.root)).code == 0


def test_an_answer_to_a_text_that_changed_is_marked_until_answered_again(
    with_comments, curator, tmp_path
):
    lst = with_comments
    assert answer(curator, lst, PARK, "noted", "Extension considered.").code == 0
    assert answer(curator, lst, SIA, "adopted", "Density raised to 6.0.").code == 0
    newer = [replace(r, comment="Revised: extend by 90 days.") if r.tracking == PARK else r
             for r in ROWS]  # fmt: skip
    run = imported(curator, lst, write_csv(tmp_path / "newer.csv", newer))
    assert run.code == 0, run.err
    assert run.out.endswith(
        "0 created, 1 updated (1 answer was given to an earlier text of its comment: review "
        "it), 4 unchanged\n"
    )
    assert comment_file(lst, PARK)["disposition"]["comment_changed_since"] is True
    assert "comment_changed_since" not in comment_file(lst, SIA)["disposition"]
    assert curator("check", "--list", str(lst.root)).code == 0
    assert curator("fmt", "--check", "--list", str(lst.root)).code == 0
    text = report(curator, lst, "md")
    assert "1 answer was given to an earlier text of its comment: review it." in text
    park_row = next(line for line in text.splitlines() if line.startswith(f"| {PARK} "))
    assert "| yes: review it |" in park_row
    assert answer(curator, lst, PARK, "noted", "Still not extended.").code == 0
    assert "comment_changed_since" not in comment_file(lst, PARK)["disposition"]
    assert "review it" not in report(curator, lst, "md")


def test_a_changed_text_nobody_answered_is_only_updated(with_comments, curator, tmp_path):
    newer = [replace(r, comment="Revised.") if r.tracking == PARK else r for r in ROWS]
    run = imported(curator, with_comments, write_csv(tmp_path / "newer.csv", newer))
    assert "0 created, 1 updated, 4 unchanged" in run.out
    assert "disposition" not in comment_file(with_comments, PARK)


def test_two_answers_to_changed_texts_are_counted(with_comments, curator, tmp_path):
    for tracking in (PARK, SIA):
        assert answer(curator, with_comments, tracking, "noted", "Considered.").code == 0
    newer = [replace(r, comment="Revised.") if r.tracking in (PARK, SIA) else r for r in ROWS]
    run = imported(curator, with_comments, write_csv(tmp_path / "newer.csv", newer), "--format",
                   "json")  # fmt: skip
    assert json.loads(run.out)["answers_to_earlier_text"] == 2
    run = imported(curator, with_comments, write_csv(tmp_path / "newer.csv", ROWS))
    assert "2 updated (2 answers were given to an earlier text of their comment: review them)" in (
        run.out
    )


def test_a_note_typed_in_the_file_survives_an_updating_reimport(with_comments, curator, tmp_path):
    path = with_comments.root / FOLDER / f"{PARK}.toml"
    path.write_text("# asked the agency about the extension\n" + path.read_text())
    newer = [replace(r, comment="Revised.") if r.tracking == PARK else r for r in ROWS]
    assert imported(curator, with_comments, write_csv(tmp_path / "newer.csv", newer)).code == 0
    text = path.read_text()
    assert text.startswith("# asked the agency about the extension\n")
    assert 'body = "Revised."' in text


def test_comment_withdrawn_later_keeps_its_text(with_comments, curator, tmp_path):
    lst = with_comments
    newer = [replace(r, withdrawn=True) if r.tracking == NOWICKI else r for r in ROWS]
    assert imported(curator, lst, write_csv(tmp_path / "newer.csv", newer)).code == 0
    nowicki = comment_file(lst, NOWICKI)
    assert nowicki["withdrawn"] is True
    assert nowicki["body"].startswith("We oppose the threshold")
    assert nowicki["submitter"] == "Ava Nowicki"


def test_notices_in_the_export_are_skipped(lst, curator, tmp_path):
    notice = Row("nt1-0000-0001", 1, "Proposed rule.", document_type="Proposed Rule")
    run = imported(curator, lst, write_csv(tmp_path / "all.csv", [*ROWS, notice]))
    assert run.code == 0, run.err
    assert "1 rows skipped (not public submissions)" in run.out
    assert not (lst.root / FOLDER / "nt1-0000-0001.toml").exists()


def test_a_csv_without_a_docket_column_says_to_name_the_docket(lst, curator, tmp_path):
    columns = [c for c in COLUMNS if c != "Docket ID"]
    source = write_csv(tmp_path / "nodocket.csv", ROWS, columns)
    before = lst.snapshot()
    run = imported(curator, lst, source)
    assert run.code == 1
    assert run.err == (
        f"curator: {source}: missing column 'Docket ID': pass --docket ID to say which docket "
        "its comments belong to; nothing was imported\n"
    )
    assert lst.snapshot() == before


def test_a_csv_missing_other_columns_too_still_names_the_docket_option(lst, curator, tmp_path):
    columns = [c for c in COLUMNS if c not in ("Docket ID", "Comment")]
    run = imported(curator, lst, write_csv(tmp_path / "short.csv", ROWS, columns))
    assert run.code == 1
    assert "missing columns 'Docket ID', 'Comment': is this a regulations.gov" in run.err
    assert "pass --docket ID" in run.err


def test_docket_option_fills_a_missing_docket_column(lst, curator, tmp_path):
    columns = [c for c in COLUMNS if c != "Docket ID"]
    source = write_csv(tmp_path / "nodocket.csv", ROWS, columns)
    run = imported(curator, lst, source, "--docket", DOCKET)
    assert run.code == 0, run.err
    assert len(list((lst.root / FOLDER).iterdir())) == 5


OTHER_DOCKET = "BIS-2025-0007"
OTHER_ROWS = [
    Row("zzz-0000-0009", 9, "On 3A090, for the earlier rule.", docket=OTHER_DOCKET),
    Row("zzz-0000-0010", 10, "Also on 3A090.", docket=OTHER_DOCKET),
]


def test_rows_of_another_docket_than_the_lists_are_not_imported(lst, curator, tmp_path):
    run = imported(curator, lst, write_csv(tmp_path / "mixed.csv", [*ROWS, *OTHER_ROWS]))
    assert run.code == 1
    # the header, Nowicki's three lines, SIA, Park's two lines, Roe, the University, then these
    assert (
        "mixed.csv:10: 2 rows of docket 'BIS-2025-0007' (the first here) not imported: not the "
        "list's docket, BIS-2026-0001"
    ) in run.err
    assert "to import the comments of BIS-2025-0007, pass --docket BIS-2025-0007" in run.err
    assert "5 comments: 5 created, 0 updated, 0 unchanged; 2 rows not imported" in run.out
    assert not (lst.root / "public-comments" / OTHER_DOCKET).exists()
    assert len(list((lst.root / FOLDER).iterdir())) == 5


def test_a_csv_of_another_docket_is_imported_when_named(lst, curator, tmp_path):
    source = write_csv(tmp_path / "earlier.csv", OTHER_ROWS)
    before = lst.snapshot()
    assert imported(curator, lst, source).code == 1
    assert lst.snapshot() == before
    run = imported(curator, lst, source, "--docket", OTHER_DOCKET)
    assert run.code == 0, run.err
    assert run.out.startswith("BIS-2025-0007: 2 comments: 2 created")
    assert len(list((lst.root / "public-comments" / OTHER_DOCKET).iterdir())) == 2


def test_docket_option_refuses_rows_of_another_docket(lst, curator, tmp_path):
    other = Row("zzz-0000-0009", 9, "Wrong docket.", docket=OTHER_DOCKET)
    run = imported(
        curator, lst, write_csv(tmp_path / "mixed.csv", [*ROWS, other]), "--docket", DOCKET
    )
    assert run.code == 1
    assert (
        "mixed.csv:10: 1 row of docket 'BIS-2025-0007' (the first here) not imported: not the "
        "docket named, BIS-2026-0001"
    ) in run.err
    assert not (lst.root / "public-comments" / OTHER_DOCKET).exists()
    assert len(list((lst.root / FOLDER).iterdir())) == 5


def test_json_output_of_import(lst, curator, bulk):
    run = imported(curator, lst, bulk, "--format", "json")
    document = json.loads(run.out)
    assert document["created"] == 5
    assert document["dockets"] == [DOCKET]
    assert document["problems"] == []


def test_observers_and_strangers_cannot_import(lst, curator, bulk):
    before = lst.snapshot()
    run = curator("comments", "import", str(bulk), "--list", str(lst.root), "--as", "observer-1")
    assert run.code == 1
    assert "observers read but do not write" in run.err
    assert lst.snapshot() == before


# ---- mapping --------------------------------------------------------------------------------


def test_mapping_finds_plain_eccn_and_paragraph_mentions(with_comments):
    assert comment_file(with_comments, NOWICKI)["controls"] == ["3A090"]  # ECCN 3A090
    assert comment_file(with_comments, SIA)["controls"] == ["3A090"]  # 3A090.a.2
    assert comment_file(with_comments, UNIVERSITY)["controls"] == ["3A090"]  # 3A090
    assert "controls" not in comment_file(with_comments, PARK)  # general


@pytest.mark.parametrize(
    ("text", "known", "found"),
    [
        ("see 3A090", {"3A090"}, ("3A090",)),
        ("ECCN 3A090 and ECCN4A906", {"3A090", "4A906"}, ("3A090", "4A906")),
        ("3A090.a.2, and 3a090.A.1.", {"3A090"}, ("3A090",)),
        ("4A906.a applies", {"4A906"}, ("4A906",)),
        ("4A906.a applies", {"4A906", "4A906.a"}, ("4A906.a",)),
        ("5A002 is not on this list", {"3A090"}, ()),
        ("13A0900 or X3A090 or 3A0901", {"3A090"}, ()),
        ("tracking abc-3a09-0xyz", {"3A090"}, ()),
    ],
)
def test_controls_mentioned_in_text(text, known, found):
    assert public.controls_mentioned(text, known) == found


def test_hand_corrected_mapping_survives_reimport(with_comments, curator, bulk):
    lst = with_comments
    run = mapping(curator, lst, UNIVERSITY, "3A090", "--as", "industry-1")
    assert run.code == 0, run.err
    run = mapping(curator, lst, NOWICKI, "--general")
    assert run.code == 0, run.err
    assert "mapped to general" in run.out
    assert imported(curator, lst, bulk).code == 0
    assert comment_file(lst, UNIVERSITY)["mapping"] == ["3A090"]
    assert comment_file(lst, NOWICKI)["mapping"] == []
    assert comment_file(lst, NOWICKI)["controls"] == ["3A090"]  # what the text says, kept apart
    general = public.list_comments(load(lst.root), public.GENERAL)
    assert [c.tracking_number for c in general] == [NOWICKI, PARK, ROE]


def test_mapping_to_an_unknown_control_is_refused(with_comments, curator):
    before = with_comments.snapshot()
    run = mapping(curator, with_comments, PARK, "9E999")
    assert run.code == 1
    assert "unknown control '9E999'" in run.err
    run = mapping(curator, with_comments, PARK, "../x")
    assert run.code == 2
    assert "not a valid control id" in run.err
    assert with_comments.snapshot() == before


def test_list_comments_for_a_control_puts_unanswered_first(with_comments, curator):
    assert answer(curator, with_comments, NOWICKI, "not-adopted", "Kept at 4800.").code == 0
    loaded = load(with_comments.root)
    on_control = public.list_comments(loaded, "3A090")
    assert [c.tracking_number for c in on_control] == [UNIVERSITY, SIA, NOWICKI]
    assert len(public.list_comments(loaded)) == 5


# ---- answers --------------------------------------------------------------------------------


def answer(curator, lst, tracking: str, action: str, text: str, member: str = "chair"):
    return curator(
        "comments",
        "answer",
        tracking,
        "--action",
        action,
        "-m",
        text,
        "--list",
        str(lst.root),
        "--as",
        member,
    )


def mapping(curator, lst, tracking: str, *args: str):
    if "--as" not in args:
        args = (*args, "--as", "chair")
    return curator("comments", "map", tracking, *args, "--list", str(lst.root))


def test_answer_records_who_and_when(with_comments, curator):
    run = answer(
        curator, with_comments, SIA, "partially-adopted", "Density raised to 6.0.", "academia-1"
    )
    assert run.code == 0, run.err
    given = comment_file(with_comments, SIA)["disposition"]
    assert given["action"] == "partially-adopted"
    assert given["response"] == "Density raised to 6.0."
    assert given["by"] == "academia-1"
    at = dt.datetime.strptime(given["at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    assert abs(dt.datetime.now(dt.UTC) - at) < dt.timedelta(minutes=5)
    assert curator("check", "--list", str(with_comments.root)).code == 0
    assert curator("fmt", "--check", "--list", str(with_comments.root)).code == 0


def test_answer_identifies_the_member_by_git_email(with_comments, curator):
    root = with_comments.root
    git(root, "init", "-q")
    git(root, "config", "user.email", "industry-1@example.org")
    run = curator(
        "comments", "answer", PARK, "--action", "noted", "-m", "Noted.", "--list", str(root)
    )
    assert run.code == 0, run.err
    assert comment_file(with_comments, PARK)["disposition"]["by"] == "industry-1"


def test_a_second_answer_replaces_the_first_and_says_so(with_comments, curator):
    answer(curator, with_comments, PARK, "noted", "Noted.")
    run = answer(curator, with_comments, PARK, "out-of-scope", "Not about a control.")
    assert "replaces noted by chair" in run.out
    assert comment_file(with_comments, PARK)["disposition"]["action"] == "out-of-scope"


def test_observers_cannot_answer(with_comments, curator):
    before = with_comments.snapshot()
    run = answer(curator, with_comments, PARK, "noted", "Noted.", "observer-1")
    assert run.code == 1
    assert "observers read but do not write" in run.err
    assert with_comments.snapshot() == before


def test_answer_refuses_bad_input(with_comments, curator):
    before = with_comments.snapshot()
    assert answer(curator, with_comments, PARK, "maybe", "x").code == 2
    run = answer(curator, with_comments, PARK, "noted", "   ")
    assert run.code == 2
    assert "must not be empty" in run.err
    run = answer(curator, with_comments, "../../etc/passwd", "noted", "x")
    assert run.code == 2
    assert "not a valid tracking number" in run.err
    run = answer(curator, with_comments, "zzz-zzzz-zzzz", "noted", "x")
    assert run.code == 1
    assert "no public comment with tracking number 'zzz-zzzz-zzzz'" in run.err
    assert with_comments.snapshot() == before


def test_answer_keeps_comments_a_person_typed_in_the_file(with_comments, curator):
    path = with_comments.root / FOLDER / f"{PARK}.toml"
    path.write_text("# checked against the docket by the secretariat\n" + path.read_text())
    assert answer(curator, with_comments, PARK, "noted", "Noted.").code == 0
    assert path.read_text().startswith("# checked against the docket by the secretariat\n")


def test_answer_leaves_a_broken_file_alone(with_comments, curator):
    path = with_comments.root / FOLDER / f"{PARK}.toml"
    path.write_text('tracking_number = "m0p-3x8c-d2fe"\ndocket = \n')
    before = with_comments.snapshot()
    run = answer(curator, with_comments, PARK, "noted", "Noted.")
    assert run.code == 1
    assert "is broken: run `curator check`" in run.err
    assert with_comments.snapshot() == before


# ---- report ---------------------------------------------------------------------------------


@pytest.fixture
def answered(with_comments, curator):
    assert answer(curator, with_comments, NOWICKI, "not-adopted", "Kept at 4800.").code == 0
    assert answer(curator, with_comments, PARK, "noted", "Period not extended.").code == 0
    return with_comments


def report(curator, lst, form: str, *extra: str) -> str:
    run = curator("comments", "report", "--format", form, "--list", str(lst.root), *extra)
    assert run.code == 0, run.err
    return run.out


def test_the_report_is_markdown_as_the_diff_is_and_md_still_names_it(answered, curator):
    assert report(curator, answered, "markdown") == report(curator, answered, "md")
    default = curator("comments", "report", "--list", str(answered.root))
    assert default.out == report(curator, answered, "markdown")


def test_report_md_groups_by_control_with_counts_and_unanswered_first(answered, curator):
    text = report(curator, answered, "md")
    assert "5 public comments: 2 unanswered, 1 not-adopted, 1 noted, 1 withdrawn." in text
    header = "| Control | Title | unanswered | adopted | partially-adopted | not-adopted | noted | out-of-scope | withdrawn | Total |"
    assert header in text
    assert (
        "| 3A090 | Integrated circuits for advanced computing | 2 | 0 | 0 | 1 | 0 | 0 | 0 | 3 |"
        in text
    )
    assert "| general | General comments (no control) | 0 | 0 | 0 | 0 | 1 | 0 | 1 | 2 |" in text
    section = text.split("## 3A090")[1].split("## general")[0]
    assert section.index(UNIVERSITY) < section.index(SIA) < section.index(NOWICKI)
    assert section.index("unanswered") < section.index("not-adopted")


def test_report_csv_carries_the_same_matrix(answered, curator):
    rows = list(csv.reader(io.StringIO(report(curator, answered, "csv"))))
    assert rows[0][:3] == ["Control", "Title", "unanswered"]
    assert rows[1][0] == "3A090" and rows[1][2] == "2" and rows[1][-1] == "3"
    assert rows[3][0] == "All comments" and rows[3][-1] == "5"
    detail = rows[rows.index([]) + 1 :]
    assert detail[0] == ["Control", *public.ROW_COLUMNS]
    assert [(r[0], r[1], r[4]) for r in detail[1:]] == [
        ("3A090", UNIVERSITY, "unanswered"),
        ("3A090", SIA, "unanswered"),
        ("3A090", NOWICKI, "not-adopted"),
        ("general", PARK, "noted"),
        ("general", ROE, "withdrawn"),
    ]


def test_report_html_carries_the_same_matrix_and_escapes(answered, curator, tmp_path):
    hostile = Row("xss-0000-0001", 9, "<script>alert(1)</script> on 3A090", "<b>Eve</b>", "Doe")
    assert imported(curator, answered, write_csv(tmp_path / "x.csv", [*ROWS, hostile])).code == 0
    text = report(curator, answered, "html")
    assert "<script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "&lt;b&gt;Eve&lt;/b&gt;" in text
    assert '<tr class="unanswered"><td>' in text
    assert "<th>not-adopted</th>" in text
    assert text.index(SIA) < text.index(NOWICKI)


def test_report_is_of_the_lists_docket_unless_another_is_named(answered, curator, tmp_path):
    source = write_csv(tmp_path / "earlier.csv", OTHER_ROWS)
    assert imported(curator, answered, source, "--docket", OTHER_DOCKET).code == 0
    run = curator("comments", "report", "--list", str(answered.root))
    assert run.code == 0, run.err
    assert run.out.startswith("# Comment-response matrix — BIS-2026-0001\n\n5 public comments:")
    assert "zzz-0000-0009" not in run.out
    assert run.err == (
        "not in this report: 2 comments of docket BIS-2025-0007 "
        "(report them with --docket BIS-2025-0007)\n"
    )
    text = report(curator, answered, "md", "--docket", OTHER_DOCKET)
    assert text.startswith("# Comment-response matrix — BIS-2025-0007\n\n2 public comments:")
    assert NOWICKI not in text
    assert "| 3A090 | Integrated circuits for advanced computing | 2 |" in text


def test_a_list_without_a_docket_reports_one_docket_at_a_time(answered, curator, tmp_path):
    source = write_csv(tmp_path / "earlier.csv", OTHER_ROWS)
    assert imported(curator, answered, source, "--docket", OTHER_DOCKET).code == 0
    manifest = answered.read("list.toml")
    start = manifest.index("[docket]")
    answered.write("list.toml", manifest[:start] + manifest[manifest.index("[[members]]") :])
    run = curator("comments", "report", "--list", str(answered.root))
    assert run.code == 1
    assert "public comments of 2 dockets (BIS-2025-0007, BIS-2026-0001)" in run.err
    assert "--docket ID" in run.err
    assert "2 public comments" in report(curator, answered, "md", "--docket", OTHER_DOCKET)


def test_report_refuses_a_docket_id_that_is_not_one(answered, curator):
    run = curator("comments", "report", "--docket", "../x", "--list", str(answered.root))
    assert run.code == 2
    assert "not a valid docket id" in run.err


def test_report_for_one_control(answered, curator):
    text = report(curator, answered, "md", "--control", "3A090")
    assert "## 3A090" in text
    assert "## general" not in text
    assert "3 public comments" in text
    run = curator("comments", "report", "--control", "9E999", "--list", str(answered.root))
    assert run.code == 1
    assert "unknown control '9E999'" in run.err


def test_csv_report_neutralises_formulas(lst, curator, tmp_path):
    rows = [
        Row(
            "fml-0000-0001",
            2,
            '=HYPERLINK("http://evil","3A090")',
            organization="=cmd|' /C calc'!A0",
        ),
        Row("fml-0000-0002", 3, "+1+1 on 3A090", organization="@SUM(A1)"),
        Row("fml-0000-0003", 4, "-2+3 on 3A090", organization="Fine Org"),
    ]
    assert imported(curator, lst, write_csv(tmp_path / "f.csv", rows)).code == 0
    cells = [c for r in csv.reader(io.StringIO(report(curator, lst, "csv"))) for c in r]
    assert "'=cmd|' /C calc'!A0" in cells
    assert "'@SUM(A1)" in cells
    assert any(c.startswith("'=HYPERLINK(") for c in cells)
    assert any(c.startswith("'+1+1") for c in cells)
    assert any(c.startswith("'-2+3") for c in cells)
    assert not any(c[:1] in "=+-@" for c in cells if c)


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("plain", "plain"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_neutralise(cell, safe):
    assert public.neutralise(cell) == safe


def test_markdown_report_neutralises_markup(lst, curator, tmp_path):
    hostile = Row(
        "md0-0000-0001", 2, "a | b <img src=x onerror=alert(1)> [x](javascript:y)", "Ann", "Lee"
    )
    assert imported(curator, lst, write_csv(tmp_path / "m.csv", [hostile])).code == 0
    text = report(curator, lst, "md")
    assert "a \\| b \\<img src=x onerror=alert(1)\\> \\[x\\](javascript:y)" in text


# ---- check ----------------------------------------------------------------------------------


def test_check_reports_a_comment_mapped_to_an_unknown_control(with_comments, curator):
    path = with_comments.root / FOLDER / f"{PARK}.toml"
    path.write_text(path.read_text() + 'mapping = ["9E999"]\n')
    run = curator("check", "--list", str(with_comments.root), "--format", "json")
    assert run.code == 1
    problems = json.loads(run.out)["problems"]
    assert [(p["file"], p["code"], p["key"]) for p in problems] == [
        (f"{FOLDER}/{PARK}.toml", "unknown-control", "mapping[0]")
    ]


def test_check_reports_unanswered_comments_on_a_final_control(with_comments, curator):
    control = with_comments.root / "controls" / "3A090.toml"
    control.write_text(control.read_text().replace('status = "proposed"', 'status = "final"'))
    run = curator("check", "--list", str(with_comments.root), "--format", "json")
    assert run.code == 1
    unanswered = {p["file"] for p in json.loads(run.out)["problems"] if p["code"] == "unanswered"}
    assert unanswered == {f"{FOLDER}/{t}.toml" for t in (NOWICKI, SIA, UNIVERSITY)}
    for tracking in (NOWICKI, SIA, UNIVERSITY):
        assert answer(curator, with_comments, tracking, "noted", "Considered.").code == 0
    assert curator("check", "--list", str(with_comments.root)).code == 0


# ---- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize("column", ["Tracking Number", "Comment"])
def test_csv_missing_a_required_column_names_it_and_writes_nothing(lst, curator, tmp_path, column):
    source = write_csv(tmp_path / "short.csv", ROWS, [c for c in COLUMNS if c != column])
    before = lst.snapshot()
    run = imported(curator, lst, source)
    assert run.code == 1
    assert f"missing column '{column}'" in run.err
    assert "Traceback" not in run.err
    assert lst.snapshot() == before


def test_malformed_tracking_number_is_reported_with_its_line_and_others_imported(
    lst, curator, tmp_path
):
    rows = [*ROWS[:2], Row("NOT A NUMBER/../x", 7, "Bad id."), *ROWS[2:]]
    source = write_csv(tmp_path / "bad.csv", rows)
    run = imported(curator, lst, source)
    assert run.code == 1
    # the header is line 1 and the Nowicki comment spans three lines
    assert f"{source}:6: tracking number 'NOT A NUMBER/../x' is not valid" in run.err
    assert "5 comments: 5 created" in run.out
    assert sorted(p.name for p in (lst.root / FOLDER).iterdir()) == sorted(
        f"{r.tracking}.toml" for r in ROWS
    )
    assert curator("check", "--list", str(lst.root)).code == 0


def test_invalid_utf8_is_reported_with_its_line_and_nothing_half_written(lst, curator, tmp_path):
    raw = as_bytes(ROWS).replace(b"Thank you.", b"Thank you \xff\xfe.")
    source = tmp_path / "latin.csv"
    source.write_bytes(raw)
    run = imported(curator, lst, source)
    assert run.code == 1
    # Park's row starts on line 6; the bad byte is on its second line
    assert f"{source}:7: not valid UTF-8 (column 'Comment'); row not imported" in run.err
    assert not (lst.root / FOLDER / f"{PARK}.toml").exists()
    assert len(list((lst.root / FOLDER).iterdir())) == 4
    assert not list((lst.root / FOLDER).glob(".curator-*"))


def test_a_file_that_is_not_there_or_empty(lst, curator, tmp_path):
    run = imported(curator, lst, tmp_path / "nope.csv")
    assert run.code == 2
    assert "no such file" in run.err
    (tmp_path / "empty.csv").write_bytes(b"")
    run = imported(curator, lst, tmp_path / "empty.csv")
    assert run.code == 1
    assert "the file is empty" in run.err


def test_bad_docket_option_is_refused_before_any_path_is_built(lst, curator, bulk):
    before = lst.snapshot()
    run = imported(curator, lst, bulk, "--docket", "../../etc")
    assert run.code == 2
    assert "not a valid docket id" in run.err
    assert lst.snapshot() == before


def test_a_broken_comment_file_is_left_untouched_on_reimport(with_comments, curator, bulk):
    path = with_comments.root / FOLDER / f"{PARK}.toml"
    path.write_bytes(b"tracking_number = \n")
    run = imported(curator, with_comments, bulk)
    assert run.code == 1
    assert f"{FOLDER}/{PARK}.toml is broken" in run.err
    assert path.read_bytes() == b"tracking_number = \n"


def test_a_large_export_streams_in_bounded_memory(lst, tmp_path):
    source = write_generated(tmp_path / "large.csv", 800, words=400)
    size = source.stat().st_size
    assert size > 20 * 1024 * 1024
    tracemalloc.start()
    try:
        done = files.import_csv(lst.root, source)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert done.problems == []
    assert done.created == 800
    assert peak < 50 * 1024 * 1024
    assert peak < size  # never the whole file in memory


def contents(root: Path) -> dict[str, bytes]:
    folder = root / FOLDER
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_an_import_of_many_batches_writes_what_an_import_of_one_writes(tmp_path, monkeypatch):
    source = write_generated(tmp_path / "bulk.csv", 60)
    one = files.import_csv(make_list(tmp_path / "one").root, source)
    monkeypatch.setattr(files, "BATCH", 7)  # nine batches, from the second on written by a helper
    many = files.import_csv(make_list(tmp_path / "many").root, source)
    assert (many.created, many.problems) == (one.created, one.problems) == (60, [])
    assert contents(tmp_path / "many") == contents(tmp_path / "one")
    again = files.import_csv(tmp_path / "many", source)  # nothing new: every file left alone
    assert (again.created, again.updated, again.unchanged) == (0, 0, 60)


PARENT = os.getpid()


def dies_in_a_helper(batch):
    """write_many, except in another process, which it ends."""
    if os.getpid() != PARENT:
        os._exit(1)
    return atomic.write_many(batch)


def test_batches_a_dead_helper_was_given_are_written_here(tmp_path, monkeypatch):
    source = write_generated(tmp_path / "bulk.csv", 30)
    monkeypatch.setattr(files, "BATCH", 7)
    monkeypatch.setattr(files, "write_many", dies_in_a_helper)
    done = files.import_csv(make_list(tmp_path / "list").root, source)
    assert (done.created, done.problems) == (30, [])
    assert len(contents(tmp_path / "list")) == 30


WRITTEN_HERE: list[int] = []  # the sizes of the batches the importing process wrote


def slow_in_a_helper(batch):
    """write_many, slowly in another process (a flush to disk waiting for the whole machine)."""
    if os.getpid() != PARENT:
        time.sleep(0.3)
    else:
        WRITTEN_HERE.append(len(batch))
    return atomic.write_many(batch)


def test_batches_made_while_the_helper_is_behind_are_written_here(tmp_path, monkeypatch):
    """Each process writes its own batches, atomically, and the answers come back in order."""
    here = WRITTEN_HERE
    here.clear()
    source = write_generated(tmp_path / "bulk.csv", 60)
    files.import_csv(make_list(tmp_path / "one").root, source)
    monkeypatch.setattr(files, "BATCH", 7)
    monkeypatch.setattr(files, "write_many", slow_in_a_helper)
    many = files.import_csv(make_list(tmp_path / "many").root, source)
    assert here and sum(here) < 60  # some batches here, some in the helper
    assert (many.created, many.problems) == (60, [])
    assert contents(tmp_path / "many") == contents(tmp_path / "one")
    assert not [p for p in (tmp_path / "many").rglob("*") if atomic.is_temp(p.name)]


def test_imported_keeps_the_committees_fields():
    prior = PublicComment(
        docket=DOCKET,
        tracking_number=PARK,
        body="old text on 3A090",
        mapping=(),
    )
    row = public.ExportRow(
        tracking_number=PARK, docket=DOCKET, document_id="d", comment="new text", withdrawn=False
    )
    now = public.imported(row, DOCKET, {"3A090"}, prior)
    assert now.body == "new text"
    assert now.mapping == ()
    assert now.mapped_controls == ()
