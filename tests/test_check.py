"""`curator check`: every problem as path:line: message, exit 1, nothing changed, the rest loads."""

from __future__ import annotations

import json
import os

import pytest

from curator.store.formats.read import conflict_marker
from curator.store.index.load import load

BAD_FILES = {
    "malformed-toml": ("controls/3A091.toml", 'id = "3A091"\ntitle = "x\n', "toml-syntax", 2),
    "nested-schema": (
        "controls/3A091.toml",
        'id = "3A091"\ntitle = "x"\narea = "advanced-computing"\nstatus = "draft"\n\n[[items]]\nlabel = "a"\nmatch = 5\n',
        "wrong-type",
        8,
    ),
    "unknown-key": (
        "controls/3A091.toml",
        'id = "3A091"\ntitle = "x"\narea = "advanced-computing"\nstatus = "draft"\ncolour = "red"\n',
        "unknown-key",
        5,
    ),
    "wrong-type": (
        "controls/3A091.toml",
        'id = "3A091"\ntitle = 12\narea = "advanced-computing"\nstatus = "draft"\n',
        "wrong-type",
        2,
    ),
    "bad-enum": (
        "controls/3A091.toml",
        'id = "3A091"\ntitle = "x"\narea = "advanced-computing"\nstatus = "maybe"\n',
        "bad-value",
        4,
    ),
    "file-name-not-id": (
        "controls/3A091.toml",
        'id = "3A092"\ntitle = "x"\narea = "advanced-computing"\nstatus = "draft"\n',
        "id-mismatch",
        1,
    ),
    "path-in-id": (
        "controls/3A091.toml",
        'id = "../../etc/passwd"\ntitle = "x"\narea = "advanced-computing"\nstatus = "draft"\n',
        "bad-format",
        1,
    ),
    "invalid-utf8": ("controls/3A091.toml", b'id = "3A091"\ntitle = "\xff\xfe"\n', "not-utf8", 2),
    "empty": ("controls/3A091.toml", "", "empty-file", None),
    "conflict-markers": (
        "controls/3A091.toml",
        'id = "3A091"\n<<<<<<< HEAD\ntitle = "a"\n=======\ntitle = "b"\n>>>>>>> theirs\n',
        "conflict-markers",
        2,
    ),
    "unknown-area": (
        "controls/3A091.toml",
        'id = "3A091"\ntitle = "x"\narea = "advanced-computin"\nstatus = "draft"\n',
        "unknown-area",
        3,
    ),
    "non-member-comment": (
        "discussion/3A090/2026-11-28T012200Z-mallory.toml",
        'author = "mallory"\nat = 2026-11-28T01:22:00Z\nbody = "hi"\n',
        "unknown-author",
        1,
    ),
    "orphan-discussion": (
        "discussion/3A099/2026-11-28T012200Z-chair.toml",
        'author = "chair"\nat = 2026-11-28T01:22:00Z\nbody = "hi"\n',
        "orphan-discussion",
        None,
    ),
    "bad-file-name": (
        "controls/not an id.toml",
        'id = "3A091"\ntitle = "x"\narea = "advanced-computing"\nstatus = "draft"\n',
        "bad-file-name",
        None,
    ),
    "unknown-parameter": (
        "controls/3A091.toml",
        'id = "3A091"\ntitle = "x"\narea = "advanced-computing"\nstatus = "draft"\n\n[[items]]\nlabel = "a"\nmatch = "tps >= 4800"\n',
        "unknown-parameter",
        8,
    ),
    "duplicate-toml-key": (
        "controls/3A091.toml",
        'id = "3A091"\ntitle = "x"\ntitle = "y"\n',
        "toml-syntax",
        3,
    ),
    "nul-byte": ("controls/3A091.toml", b'id = "3A091"\x00\n', "nul-byte", 1),
    "unknown-related": (
        "controls/3A091.toml",
        'id = "3A091"\ntitle = "x"\narea = "advanced-computing"\nstatus = "draft"\nrelated = ["9Z999"]\n',
        "bad-format",
        5,
    ),
    "related-missing": (
        "controls/3A091.toml",
        'id = "3A091"\ntitle = "x"\narea = "advanced-computing"\nstatus = "draft"\nrelated = ["4A090"]\n',
        "unknown-control",
        5,
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_file_is_reported_with_line_and_code_and_nothing_changes(lst, curator, case):
    rel, content, code, line = BAD_FILES[case]
    lst.write(rel, content)
    before = lst.snapshot()
    run = curator("check", "--list", str(lst.root), "--format", "json")
    assert run.code == 1, run.err
    assert "Traceback" not in run.err
    report = json.loads(run.out)
    assert not report["ok"]
    mine = [p for p in report["problems"] if p["file"] == rel]
    assert any(p["code"] == code for p in mine), mine
    if line is not None:
        assert any(p["line"] == line for p in mine if p["code"] == code), mine
    assert lst.snapshot() == before
    # the rest of the list still loads
    loaded = load(lst.root)
    assert "3A090" in loaded.controls
    assert len(loaded.catalogue) == 7


def test_text_output_is_path_line_key_message(lst, curator):
    lst.write(
        "controls/3A091.toml",
        'id = "3A091"\ntitle = "x"\narea = "advanced-computing"\nstatus = "draft"\n\n'
        '[[items]]\nlabel = "a"\nmatch = "tps >= 4800"\n',
    )
    run = curator("check", "--list", str(lst.root))
    assert run.code == 1
    assert (
        "controls/3A091.toml:8: items[0].match: unknown parameter 'tps' (did you mean 'tpp'?)"
        in run.out
    )


def test_clean_list_exits_zero(lst, curator):
    run = curator("check", "--list", str(lst.root), "--format", "json")
    assert run.code == 0, run.out
    assert json.loads(run.out) == {"ok": True, "files": 9, "problems": [], "notices": []}


def test_ten_megabyte_file_is_refused_by_size_not_parsed(lst, curator):
    lst.write("controls/3A091.toml", b"x" * (10 * 1024 * 1024))
    run = curator("check", "--list", str(lst.root))
    assert run.code == 1
    assert "controls/3A091.toml: file is 10,485,760 bytes; the limit is" in run.out


def test_duplicate_id_across_two_files(lst, curator):
    lst.write("controls/3A091.toml", lst.read("controls/3A090.toml"))
    run = curator("check", "--list", str(lst.root), "--format", "json")
    codes = {
        p["code"] for p in json.loads(run.out)["problems"] if p["file"] == "controls/3A091.toml"
    }
    assert {"id-mismatch", "duplicate-id"} <= codes


def test_conflict_markers_have_their_own_message(lst, curator):
    lst.write(
        "controls/3A091.toml", 'id = "3A091"\n<<<<<<< HEAD\ntitle = "a"\n=======\n>>>>>>> x\n'
    )
    run = curator("check", "--list", str(lst.root))
    assert "controls/3A091.toml:2: unresolved merge conflict markers" in run.out


def test_symlink_out_of_the_list_is_not_followed(lst, curator, tmp_path):
    secret = tmp_path / "secret.toml"
    secret.write_text('id = "3A091"\n')
    (lst.root / "controls" / "3A091.toml").symlink_to(secret)
    run = curator("check", "--list", str(lst.root), "--format", "json")
    codes = [p["code"] for p in json.loads(run.out)["problems"]]
    assert "outside-list" in codes


def test_amendment_in_discussion_is_checked(lst, curator):
    lst.write(
        "discussion/3A090/2026-11-28T012200Z-industry-1.toml",
        'author = "industry-1"\nat = 2026-11-28T01:22:00Z\nposition = "too-tight"\nbody = "raise it"\n\n'
        '[amendment]\nitem = "a.1"\nmatch = "tpp >= 6000 and"\n',
    )
    run = curator("check", "--list", str(lst.root), "--format", "json")
    problems = json.loads(run.out)["problems"]
    assert [p["code"] for p in problems] == ["bad-criteria"]
    assert problems[0]["key"] == "amendment.match"
    assert problems[0]["line"] == 8


def test_catalogue_parameter_must_be_declared_and_sourced(lst, curator):
    lst.write(
        "catalogue/odd.toml",
        'id = "odd"\nname = "Odd"\nsources = []\n\n[params]\ngigaflops = 3\ndatacenter = 1\n',
    )
    run = curator("check", "--list", str(lst.root), "--format", "json")
    codes = sorted(p["code"] for p in json.loads(run.out)["problems"])
    assert codes == [
        "no-source",
        "unknown-parameter",
        "unsourced-figure",
        "unsourced-figure",
        "wrong-type",
    ]


def test_usage_error_exits_two(curator, tmp_path):
    run = curator("check", "--list", str(tmp_path / "nowhere"))
    assert run.code == 2
    assert "no such folder" in run.err
    assert curator("check", "--bogus").code == 2


@pytest.mark.parametrize("marker", ["<<<<<<< HEAD", "=======", ">>>>>>> theirs", "||||||| base"])
@pytest.mark.parametrize("where", ["first line", "later line"])
def test_each_conflict_marker_is_found_on_any_line(marker, where):
    text = f'id = "3A091"\n{marker}\ntitle = "a"\n' if where == "later line" else f"{marker}\n"
    found = conflict_marker(text.encode())
    assert found is not None
    assert found.start() == (0 if where == "first line" else len('id = "3A091"\n'))


@pytest.mark.parametrize(
    "text",
    [
        'a = "x <<<<<<< y"\n',  # not at a line's start
        'a = """\n <<<<<<< indented"""\n',
        "a = 1\n====== six\n",
        'a = """\n>>>>>>>x"""\n',  # no space or end of line after the seven
        "a = 1\r=======\n",  # a lone carriage return does not start a line
    ],
)
def test_what_only_looks_like_a_conflict_marker_is_not_one(text):
    assert conflict_marker(text.encode()) is None


# ---------------------------------------------------------------- nothing is silently skipped

STRAYS = {
    # what is put in the list (a folder when it ends with /), where it is reported, the code,
    # whether the check fails
    "folder in place of a control": (
        "controls/3A091.toml/",
        "controls/3A091.toml",
        "not-a-file",
        True,
    ),
    "subfolder of controls": ("controls/sub/3A092.toml", "controls/sub", "misplaced-folder", True),
    "subfolder of a discussion": (
        "discussion/3A090/old/x.toml",
        "discussion/3A090/old",
        "misplaced-folder",
        True,
    ),
    "list file out of place": ("discussion/3A090.toml", None, "misplaced-file", True),
    "hidden file": ("controls/.3A093.toml", None, "not-a-list-file", False),
    "hidden folder": ("catalogue/.trash/a100.toml", "catalogue/.trash", "not-a-list-file", False),
    "not a .toml file": ("catalogue/notes.md", None, "not-a-list-file", False),
    # by a process that is gone, long ago
    "temp file a killed write left": (
        "controls/.curator-2147483646-0.tmp",
        None,
        "leftover-temp-file",
        False,
    ),
}


@pytest.mark.parametrize("case", STRAYS)
def test_what_is_not_a_list_file_is_reported_not_skipped(lst, curator, case):
    rel, reported, code, fails = STRAYS[case]
    path = lst.root / rel
    if rel.endswith("/"):
        path.mkdir(parents=True)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text('id = "x"\n')
        os.utime(path, (1, 1))
    reported = reported or rel
    run = curator("check", "--format", "json", "--list", str(lst.root))
    found = json.loads(run.out)
    listed = found["problems"] if fails else found["notices"]
    assert [(p["file"], p["code"]) for p in listed] == [(reported, code)]
    assert run.code == (1 if fails else 0)
    assert found["ok"] is not fails
    text = curator("check", "--list", str(lst.root))
    assert f"{reported}: {'' if fails else 'notice: '}" in text.out
    assert ("1 notice" in text.err) is not fails


def test_a_gitkeep_says_nothing(lst, curator):
    for folder in ("controls", "catalogue", "discussion", "discussion/3A090", "public-comments"):
        (lst.root / folder).mkdir(exist_ok=True)
        (lst.root / folder / ".gitkeep").write_text("")
    run = curator("check", "--list", str(lst.root))
    assert (run.code, run.out) == (0, "")
    assert run.err == "9 files, no problems\n"


def test_the_summary_counts_one_of_a_thing_in_the_singular(lst, curator):
    lst.write("controls/3A090.toml", lst.read("controls/3A090.toml").replace('"unilateral"', '"x"'))
    run = curator("check", "--list", str(lst.root))
    assert run.err == "9 files, 1 problem\n"
    lst.write("catalogue/h20.toml", "not toml [")
    assert curator("check", "--list", str(lst.root)).err == (
        "9 files, 2 problems, 1 file could not be used\n"
    )


def test_a_temp_file_of_a_running_write_says_nothing(lst, curator):
    live = lst.root / "controls" / f".curator-{os.getpid()}-0.tmp"  # this process: running
    live.write_text("half")
    run = curator("check", "--format", "json", "--list", str(lst.root))
    assert json.loads(run.out)["notices"] == []
