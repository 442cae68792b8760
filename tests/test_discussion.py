"""`curator comment`, `discuss` and `apply-amendment`: immutable comment files, checked first."""

from __future__ import annotations

import datetime as dt

import pytest

from curator.core.discussion import new_comment, thread
from curator.core.problems import CuratorError
from curator.store.index.load import load
from curator.store.records.discussion import write_comment


def comment(curator, lst, *args, member="industry-1"):
    return curator("comment", *args, "--as", member, "--list", str(lst.root))


def comment_files(lst) -> list[str]:
    folder = lst.root / "discussion" / "3A090"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_comment_writes_one_canonical_valid_file(lst, curator):
    run = comment(curator, lst, "3A090", "-m", "Gaming cards are captured.", "--position",
                  "too-tight")  # fmt: skip
    assert run.code == 0, run.err
    [name] = comment_files(lst)
    assert name.endswith("Z-industry-1.toml")
    assert run.out.strip() == f"discussion/3A090/{name}"
    text = lst.read(f"discussion/3A090/{name}")
    assert 'author = "industry-1"' in text
    assert 'position = "too-tight"' in text
    assert 'body = "Gaming cards are captured."' in text
    [loaded] = load(lst.root).comments
    assert loaded.at.endswith("Z")
    assert curator("check", "--list", str(lst.root)).code == 0
    assert curator("fmt", "--check", "--list", str(lst.root)).code == 0


def test_comment_reads_a_long_body_from_a_file(lst, curator, tmp_path):
    body = tmp_path / "body.md"
    body.write_text("# Foreign availability\n\nThe Ascend 910B is sold in China.\n" * 5)
    run = comment(curator, lst, "3A090", "--file", str(body))
    assert run.code == 0, run.err
    [comment_file] = load(lst.root).comments
    assert comment_file.body == body.read_text().strip()
    assert curator("fmt", "--check", "--list", str(lst.root)).code == 0


def test_comment_with_an_amendment_records_it(lst, curator):
    run = comment(curator, lst, "3A090", "-m", "Raise it", "--amend-item", "a.1",
                  "--amend-match", "tpp >= 6000")  # fmt: skip
    assert run.code == 0, run.err
    [written] = load(lst.root).comments
    assert written.amendment is not None
    assert (written.amendment.item, written.amendment.match) == ("a.1", "tpp >= 6000")


BAD_INPUT = {
    "unknown member": (
        ["3A090", "-m", "hi"],
        "mallory",
        1,
        "'mallory' is not a member of this list",
    ),
    "observer writing": (["3A090", "-m", "hi"], "observer-1", 1, "observers read but do not write"),
    "empty comment": (
        ["3A090", "-m", "  \n "],
        "industry-1",
        2,
        "the comment is empty: write something with -m TEXT or --file F",
    ),
    "position not in the enum": (
        ["3A090", "-m", "hi", "--position", "maybe"],
        "industry-1",
        1,
        "'maybe' is not a position",
    ),
    "amendment on a missing paragraph": (
        ["3A090", "-m", "hi", "--amend-item", "b", "--amend-match", "tpp >= 1"],
        "industry-1",
        1,
        "3A090 has no paragraph 'b' (paragraphs: a.1, a.2)",
    ),
    "amendment that does not parse": (
        ["3A090", "-m", "hi", "--amend-item", "a.1", "--amend-match", "tpp >= 1 and tp < 5"],
        "industry-1",
        1,
        "--amend-match: column 14: unknown parameter 'tp'",
    ),
    "amendment with python in it": (
        ["3A090", "-m", "hi", "--amend-item", "a.1", "--amend-match", "__import__('os')"],
        "industry-1",
        1,
        "calls are not allowed",
    ),
    "amendment without its expression": (
        ["3A090", "-m", "hi", "--amend-item", "a.1"],
        "industry-1",
        2,
        "an amendment needs both the paragraph it changes and its new expression: give both "
        "--amend-item LABEL and --amend-match EXPR",
    ),
    "member id with path characters": (
        ["3A090", "-m", "hi"],
        "../x",
        1,
        "'../x' is not a member of this list",
    ),
    "unknown control": (["3A099", "-m", "hi"], "industry-1", 1, "unknown control '3A099'"),
    "control id with path characters": (
        ["../../etc", "-m", "hi"],
        "industry-1",
        1,
        "unknown control '../../etc'",
    ),
    "no body at all": (["3A090"], "industry-1", 2, "one of the arguments -m/--message --file"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUT))
def test_bad_input_is_refused_and_nothing_is_written(lst, curator, case):
    args, member, code, message = BAD_INPUT[case]
    before = lst.snapshot()
    run = comment(curator, lst, *args, member=member)
    assert run.code == code, run.err
    assert message in run.err
    assert "Traceback" not in run.err
    assert lst.snapshot() == before


@pytest.mark.parametrize(
    ("given", "part"),
    [
        ({"body": " "}, "body"),
        ({"body": "x", "amend_item": "a.1"}, "amendment"),
        ({"body": "x", "amend_item": "a.1", "amend_match": "tpp >= 6,000"}, "amendment.match"),
    ],
)
def test_a_refused_comment_names_its_part_and_no_option(lst, given, part):
    # the TUI writes comments too: which option to use is the CLI's to say
    loaded = load(lst.root)
    member = loaded.manifest.member("industry-1")
    at = dt.datetime(2026, 11, 28, 1, 22, tzinfo=dt.UTC)
    with pytest.raises(CuratorError) as err:
        new_comment(loaded.controls["3A090"], loaded.parameters, member, at, **given)
    assert err.value.field == part
    assert " -m " not in err.value.message and "--" not in err.value.message


def test_an_amendment_that_does_not_parse_points_at_its_column(lst, curator):
    run = comment(curator, lst, "3A090", "-m", "Raise a.1", "--amend-item", "a.1",
                  "--amend-match", "tpp >= 6,000")  # fmt: skip
    assert run.code == 1
    assert run.err == (
        "curator: --amend-match: column 8: numbers take no thousands separators: write 6000, "
        "not 6,000\n  tpp >= 6,000\n         ^\n"
    )


def test_a_missing_body_file_is_refused(lst, curator, tmp_path):
    run = comment(curator, lst, "3A090", "--file", str(tmp_path / "nope.md"))
    assert run.code == 1
    assert "no such file" in run.err
    assert comment_files(lst) == []


def test_two_comments_in_the_same_second_get_distinct_files(lst):
    at = dt.datetime(2026, 11, 28, 1, 22, tzinfo=dt.UTC)
    first = write_comment(lst.root, "3A090", {"author": "industry-1", "at": at, "body": "one"})
    second = write_comment(lst.root, "3A090", {"author": "industry-1", "at": at, "body": "two"})
    third = write_comment(lst.root, "3A090", {"author": "industry-1", "at": at, "body": "three"})
    assert first == "discussion/3A090/2026-11-28T012200Z-industry-1.toml"
    assert second == "discussion/3A090/2026-11-28T012200Z.2-industry-1.toml"
    assert third == "discussion/3A090/2026-11-28T012200Z.3-industry-1.toml"
    loaded = load(lst.root)
    assert not loaded.problems
    assert [c.body for c in thread(loaded.comments, "3A090")] == ["one", "two", "three"]


def test_an_existing_comment_file_is_never_overwritten(lst):
    original = lst.write(
        "discussion/3A090/2026-11-28T012200Z-industry-1.toml",
        'author = "industry-1"\nat = 2026-11-28T01:22:00Z\nbody = "first"\n',
    )
    at = dt.datetime(2026, 11, 28, 1, 22, tzinfo=dt.UTC)
    written = write_comment(lst.root, "3A090", {"author": "industry-1", "at": at, "body": "new"})
    assert written.endswith("T012200Z.2-industry-1.toml")
    assert 'body = "first"' in original.read_text()


def test_rapid_comments_from_the_cli_never_collide(lst, curator):
    for i in range(3):
        assert comment(curator, lst, "3A090", "-m", f"note {i}").code == 0
    assert len(comment_files(lst)) == 3
    assert [c.body for c in thread(load(lst.root).comments, "3A090")] == [
        "note 0",
        "note 1",
        "note 2",
    ]


# ---------------------------------------------------------------- discuss


def test_discuss_prints_the_thread_oldest_first_with_positions(lst, curator):
    lst.write(
        "discussion/3A090/2026-11-29T090000Z-academia-1.toml",
        'author = "academia-1"\nat = 2026-11-29T09:00:00Z\nposition = "support"\nbody = "Later."\n',
    )
    lst.write(
        "discussion/3A090/2026-11-28T090000Z-industry-1.toml",
        'author = "industry-1"\nat = 2026-11-28T09:00:00Z\nposition = "too-tight"\n'
        'body = "Earlier."\n',
    )
    run = curator("discuss", "3A090", "--list", str(lst.root))
    assert run.code == 0, run.err
    out = run.out
    assert "2 comments" in out
    assert out.index("Earlier.") < out.index("Later.")
    assert "industry-1 · 2026-11-28 09:00:00 UTC · position: too-tight" in out
    assert "academia-1 · 2026-11-29 09:00:00 UTC · position: support" in out


def test_discuss_shows_what_an_amendment_would_do(lst, curator):
    # above 5285 the RTX 4090 (not datacenter, so not a.2) is released; the A100s stay under a.2
    run = comment(curator, lst, "3A090", "-m", "Raise a.1", "--amend-item", "a.1",
                  "--amend-match", "tpp >= 5300")  # fmt: skip
    assert run.code == 0, run.err
    out = curator("discuss", "3A090", "--list", str(lst.root)).out
    assert "amendment to a.1: tpp >= 5300" in out
    assert "what if: newly captured none · released rtx-4090 · verdict too-tight → balanced" in out


def test_discuss_of_an_empty_thread(lst, curator):
    run = curator("discuss", "3A090", "--list", str(lst.root))
    assert run.code == 0
    assert "0 comments" in run.out


# ---------------------------------------------------------------- apply-amendment


def propose(
    curator, lst, match="tpp >= 6000", text="A 'total processing performance' of 6000 or more."
) -> str:
    run = comment(curator, lst, "3A090", "-m", "Raise a.1", "--amend-item", "a.1",
                  "--amend-match", match, "--amend-text", text)  # fmt: skip
    assert run.code == 0, run.err
    return run.out.strip()


def test_the_chair_applies_an_amendment_and_records_its_comment(lst, curator):
    path = propose(curator, lst)
    run = curator("apply-amendment", path, "--as", "chair", "--list", str(lst.root))
    assert run.code == 0, run.err
    control = load(lst.root).controls["3A090"]
    paragraph = control.paragraph("a.1")
    assert paragraph is not None
    assert paragraph.match == "tpp >= 6000"
    assert paragraph.amended_by == path
    assert control.paragraph("a.2").amended_by == ""
    assert curator("check", "--list", str(lst.root)).code == 0
    assert curator("fmt", "--check", "--list", str(lst.root)).code == 0
    shown = curator("discuss", "3A090", "--list", str(lst.root)).out
    assert "amendment to a.1 (applied)" in shown


def test_the_chair_applies_an_amendment_to_a_control_that_records_when_it_came_into_force(
    lst, curator
):
    in_force = '\n[in_force]\nsince = 2022-10-07\ncitation = "87 FR 62186"\n'
    lst.write("controls/3A090.toml", lst.read("controls/3A090.toml") + in_force)
    path = propose(curator, lst)
    run = curator("apply-amendment", path, "--as", "chair", "--list", str(lst.root))
    assert run.code == 0, run.err
    assert load(lst.root).controls["3A090"].paragraph("a.1").match == "tpp >= 6000"
    assert "since = 2022-10-07" in lst.read("controls/3A090.toml")


def test_apply_amendment_accepts_a_path_from_the_working_folder(lst, curator):
    path = propose(curator, lst)
    run = curator("apply-amendment", str(lst.root / path), "--as", "chair", "--list", str(lst.root))
    assert run.code == 0, run.err


def test_only_the_chair_applies_amendments(lst, curator):
    path = propose(curator, lst)
    before = lst.snapshot()
    run = curator("apply-amendment", path, "--as", "industry-1", "--list", str(lst.root))
    assert run.code == 1
    assert "only the chair may do this" in run.err
    assert lst.snapshot() == before


def test_apply_amendment_refuses_files_that_are_not_amendments(lst, curator):
    plain = comment(curator, lst, "3A090", "-m", "no amendment").out.strip()
    for given, message in [
        (plain, "proposes no amendment"),
        ("../../etc/passwd", "not a comment file of this list"),
        ("controls/3A090.toml", "not a comment file of this list"),
    ]:
        run = curator("apply-amendment", given, "--as", "chair", "--list", str(lst.root))
        assert run.code == 1
        assert message in run.err


def test_applying_twice_changes_nothing(lst, curator):
    path = propose(curator, lst)
    curator("apply-amendment", path, "--as", "chair", "--list", str(lst.root))
    before = lst.snapshot()
    run = curator("apply-amendment", path, "--as", "chair", "--list", str(lst.root))
    assert run.code == 0
    assert "already carries" in run.out
    assert lst.snapshot() == before


# ---------------------------------------------------------------- reading only what a verb needs


def test_a_verb_about_one_control_reads_only_that_controls_discussion(
    lst, curator, monkeypatch, capsys
):
    import os

    from curator.cli import main

    curator("new", "4A906", "--title", "Quantum computers", "--area", "quantum",
            "--list", str(lst.root), "--as", "chair")  # fmt: skip
    assert comment(curator, lst, "3A090", "-m", "on chips", "--position", "too-tight").code == 0
    assert comment(curator, lst, "4A906", "-m", "on qubits").code == 0
    opened = []
    scandir = os.scandir
    monkeypatch.setattr(os, "scandir", lambda path: opened.append(str(path)) or scandir(path))
    assert main(["ballot", "3A090", "--list", str(lst.root)]) == 0
    assert "too-tight" in capsys.readouterr().out
    assert any(p.endswith("discussion/3A090") for p in opened)
    assert not any("4A906" in p and "discussion" in p for p in opened)
    assert not any("public-comments" in p for p in opened)


def test_a_linked_discussion_folder_is_not_followed_for_one_control(lst, tmp_path):
    import os

    from curator.store.index.source import walk

    outside = tmp_path / "elsewhere" / "3A090"
    outside.mkdir(parents=True)
    (outside / "2026-01-01T000000Z-chair.toml").write_text('author = "chair"\n')
    os.symlink(tmp_path / "elsewhere", lst.root / "discussion")
    found = [e for e in walk(lst.root, ("discussion/3A090",)) if e.path != "list.toml"]
    assert [(e.path, e.problem.code) for e in found] == [("discussion", "outside-list")]
