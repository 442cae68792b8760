"""Nothing from a list reaches the terminal as something it acts on.

A corpus of sequences — a window title and a cleared screen, the clipboard, the cursor moved
back over a line, 8-bit controls, a carriage return that overwrites, bidirectional overrides —
is put wherever list data or git carries text: a control's title, an item's name, a comment's
body, a public comment, the list's title, a key, a status, a file name, a commit's author and
subject. `check` reports each as a problem (a file holding one is broken), the verbs that write
refuse them, and every verb's output, and the TUI's screen, holds none of them — even when a
list holds them unchecked (written by an older curator): the output itself is made inert.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import run_curator
from gitrepo import new_repo
from hypothesis import given
from hypothesis import strategies as st
from public_csv import Row, write_csv

from curator.cli import main
from curator.core.inert import escaped, first_unsafe
from curator.store.formats import validate

SEQUENCES = {
    "window title and clear screen": "\x1b]0;PWNED\x07\x1b[2J",
    "clipboard (OSC 52)": "\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\x07",
    "cursor up, line erased": "\x1b[1A\x1b[2K",
    "8-bit CSI": "\x9b2J",
    "8-bit OSC": "\x9d0;PWNED\x9c",
    "bell and backspaces": "\x07\x08\x08\x08",
    "carriage return over the line": "recommended\rrejected",
    "right-to-left override": "\u202edetaerc\u202c",
    "isolate": "\u2066hidden\u2069",
    "line separator": "one\u2028two",
    "delete": "x\x7fy",
}
# what a terminal acts on, as this test sees it (not the code's own list): C0 and C1 controls
# but tab and line breaks, DEL, line separators, bidirectional embeddings, overrides, isolates
ACTS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]|\r(?!\n)"
)


def toml_string(text: str) -> str:
    """`text` as a TOML basic string, every character a terminal acts on as a \\u escape."""
    body = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + ACTS.sub(lambda m: f"\\u{ord(m.group()):04x}", body) + '"'


def assert_inert(*outputs: str) -> None:
    for output in outputs:
        found = ACTS.search(output)
        assert found is None, f"{found.group()!r} reached the terminal in:\n{output}"
        assert "Traceback" not in output and "internal error" not in output, output


def plant(root: Path, hostile: str) -> None:
    """`hostile` in every kind of list file, as valid TOML."""

    def swap(rel: str, old: str, new: str) -> None:
        path = root / rel
        text = path.read_text()
        assert old in text, (rel, old)
        path.write_text(text.replace(old, new, 1))

    swap("list.toml", 'title = "Test list"', f"title = {toml_string('Test list ' + hostile)}")
    swap(
        "controls/3A090.toml",
        'title = "Integrated circuits for advanced computing"',
        f"title = {toml_string('Integrated circuits ' + hostile)}",
    )
    swap("catalogue/a100.toml", 'name = "NVIDIA A100"', f"name = {toml_string('A100 ' + hostile)}")
    comment = root / "discussion/3A090/2026-11-28T012200Z-industry-1.toml"
    comment.parent.mkdir(parents=True, exist_ok=True)
    comment.write_text(
        'author = "industry-1"\nat = 2026-11-28T01:22:00Z\nposition = "too-tight"\n'
        f"body = {toml_string('Too tight. ' + hostile)}\n"
    )
    (root / "controls/3A091.toml").write_text(
        f'id = "3A091"\ntitle = "Keys and values"\narea = "quantum"\n'
        f"status = {toml_string(hostile)}\n{toml_string('key ' + hostile)} = 1\n"
    )


def public_comment(root: Path, tmp_path: Path, hostile: str) -> None:
    """A public comment imported, then given `hostile` text as a hand edit would."""
    rows = [Row("abc-1234-wxyz", 2, "ECCN 3A090 captures gaming cards.", organization="Gamers")]
    bulk = write_csv(tmp_path / "bulk.csv", rows)
    assert main(["--list", str(root), "comments", "import", str(bulk), "--as", "chair"]) == 0
    path = root / "public-comments/BIS-2026-0001/abc-1234-wxyz.toml"
    text = path.read_text()
    path.write_text(text.replace('"Gamers"', toml_string("Gamers " + hostile), 1))


# ---------------------------------------------------------------- check reports, writers refuse


@pytest.mark.parametrize("name", SEQUENCES)
def test_check_reports_every_text_that_holds_one(lst, curator, name):
    plant(lst.root, SEQUENCES[name])
    run = curator("check", "--format", "json", "--list", str(lst.root))
    found = {
        (p["file"], p["key"])
        for p in json.loads(run.out)["problems"]
        if p["code"] == "control-character"
    }
    assert found >= {
        ("list.toml", "title"),
        ("controls/3A090.toml", "title"),
        ("controls/3A091.toml", "status"),
        ("catalogue/a100.toml", "name"),
        ("discussion/3A090/2026-11-28T012200Z-industry-1.toml", "body"),
    }
    assert any(file == "controls/3A091.toml" and key.startswith("key ") for file, key in found)
    assert run.code == 1
    text = curator("check", "--list", str(lst.root))
    assert "controls/3A090.toml:2: title: holds " in text.out
    assert_inert(text.out, text.err)


def test_a_windows_line_break_in_a_text_is_no_control_character(lst, curator):
    path = lst.root / "controls/3A090.toml"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    lst.write(
        "controls/3A091.toml",
        'id = "3A091"\ntitle = "t"\narea = "quantum"\nstatus = "draft"\nsummary = "a\\r\\nb\\tc"\n',
    )
    assert curator("check", "--list", str(lst.root)).code == 0


HOSTILE = SEQUENCES["window title and clear screen"]


@pytest.mark.parametrize(
    "argv",
    [
        ["comment", "3A090", "-m", f"Too tight {HOSTILE}", "--as", "industry-1"],
        ["status", "3A090", "under-review", "-m", f"Ready {HOSTILE}", "--as", "industry-1"],
        ["new", "3A091", "--title", f"Quantum {HOSTILE}", "--area", "quantum", "--as", "chair"],
    ],
    ids=["comment", "status reason", "new title"],
)
def test_a_verb_refuses_to_write_one(lst, curator, argv):
    before = lst.snapshot()
    run = curator(*argv, "--list", str(lst.root))
    assert run.code == 1
    assert "holds \\x1b, a control or bidirectional character" in run.err
    assert_inert(run.out, run.err)
    assert lst.snapshot() == before


def test_an_import_refuses_a_row_holding_one(lst, curator, tmp_path):
    rows = [Row("abc-1234-wxyz", 2, f"Gaming cards {HOSTILE}", organization="Gamers")]
    run = curator(
        "comments", "import", str(write_csv(tmp_path / "bulk.csv", rows)),
        "--list", str(lst.root), "--as", "chair", "--format", "json",
    )  # fmt: skip
    assert run.code == 1
    [refused] = json.loads(run.out)["problems"]
    assert "holds \\x1b" in refused["message"] and "not imported" in refused["message"]
    assert not (lst.root / "public-comments").exists()


@pytest.mark.parametrize(
    "column",
    ["Title", "First Name", "Last Name", "Organization Name", "Attachment Files", "Comment"],
)
@pytest.mark.parametrize("hostile", ["\x1b[2J", "\u202e", "\x9b"])
def test_an_import_refuses_one_in_any_column_it_keeps(lst, curator, tmp_path, column, hostile):
    rows = [Row("abc-1234-wxyz", 2, "Fine.", "Ava", "Nowicki", extra={column: f"A {hostile} B"})]
    run = curator(
        "comments", "import", str(write_csv(tmp_path / "bulk.csv", rows)),
        "--list", str(lst.root), "--as", "chair", "--format", "json",
    )  # fmt: skip
    [refused] = json.loads(run.out)["problems"]
    assert run.code == 1 and "row not imported" in refused["message"]
    assert not (lst.root / "public-comments").exists()


def test_an_import_refuses_a_carriage_return_alone_only_where_it_stays(lst, curator, tmp_path):
    """In a name it would overwrite the line; trimmed from a field's end, or in the comment
    (where it becomes a line break), it is gone from what is written."""
    rows = [
        Row("abc-1234-wxya", 2, "Fine.", organization="Gam\rers"),
        Row("abc-1234-wxyb", 3, "Fine.", organization="Gamers\r"),
        Row("abc-1234-wxyc", 4, "line one\rline two", "Ava", "Nowicki\r"),
    ]
    run = curator(
        "comments", "import", str(write_csv(tmp_path / "bulk.csv", rows)),
        "--list", str(lst.root), "--as", "chair", "--format", "json",
    )  # fmt: skip
    done = json.loads(run.out)
    assert [p["line"] for p in done["problems"]] == [2] and done["created"] == 2
    for path in (lst.root / "public-comments").rglob("*.toml"):
        assert ACTS.search(path.read_bytes().decode("utf-8")) is None


@given(st.text(alphabet="ab \t\n\r\x1b\x9b\u202e\u2028\u2069é\x7f", max_size=12))
def test_the_first_character_found_is_the_first_a_terminal_acts_on(text):
    found = ACTS.search(text)
    assert first_unsafe(text) == (None if found is None else escaped(found.group()))


# ---------------------------------------------------------------- every verb's output


def _verbs(root: Path) -> list[list[str]]:
    """Every verb that prints what a list or its history holds."""
    return [
        ["check"],
        ["check", "--format", "json"],
        ["fmt", "--check"],
        ["weigh", "3A090"],
        ["weigh", "3A090", "--format", "json"],
        ["weigh", "3A090", "--match", f"tpp >= 1 {HOSTILE}"],
        ["discuss", "3A090"],
        ["ballot"],
        ["ballot", "3A090"],
        ["status", "3A090", "--as", "industry-1"],
        ["diff", "HEAD~1"],
        ["diff", "HEAD~1", "HEAD", "--format", "json"],
        ["log", "3A090"],
        ["log", "3A090", "--format", "json"],
        ["verify"],
        ["verify", "--format", "json"],
        ["comments", "report"],
        ["comments", "report", "--format", "csv"],
        ["comments", "report", "--format", "html"],
        ["publish", "--out", str(root.parent.parent / "out"), "--as", "chair"],
        ["apply-amendment", f"discussion/3A090/{HOSTILE}.toml", "--as", "chair"],
    ]


def _history(tmp_path: Path, hostile: str):
    """A repository whose last commit, by an author named with `hostile`, planted it."""
    repo = new_repo(tmp_path / "repo")
    plant(repo.root, hostile)
    (repo.root / "catalogue" / f"{hostile}.toml").write_text('id = "x"\nname = "x"\n')
    repo.commit(f"Retitle {hostile}", env={"GIT_AUTHOR_NAME": f"Mallory {hostile}"})
    return repo


@pytest.mark.parametrize("name", SEQUENCES)
def test_no_verb_prints_one_where_the_list_holds_it(tmp_path, name):
    repo = _history(tmp_path, SEQUENCES[name])
    for argv in _verbs(repo.root):
        run = run_curator("--list", str(repo.root), *argv, cwd=repo.top)
        assert_inert(run.out, run.err)


@pytest.fixture
def unchecked(monkeypatch, cache_home):
    """Text holding such characters read as if it were fine: a list an older curator checked
    (its own cache, so that no earlier read of these files is reused)."""
    monkeypatch.setattr(validate, "unsafe_text", lambda *args, **kwargs: iter(()))


@pytest.mark.parametrize("name", SEQUENCES)
def test_no_verb_prints_one_even_from_a_list_that_was_never_checked(
    tmp_path, capsys, unchecked, name
):
    hostile = SEQUENCES[name]
    repo = _history(tmp_path, hostile)
    public_comment(repo.root, tmp_path, hostile)
    for argv in _verbs(repo.root):
        main(["--list", str(repo.root), *argv])
        out, err = capsys.readouterr()
        assert_inert(out, err)
        if "json" in argv:
            json.loads(out)  # escaped as JSON escapes, which a reader turns back
    # and it was there to print: the boundary, not the check, kept it off the terminal
    main(["--list", str(repo.root), "discuss", "3A090"])
    assert "Integrated circuits" in capsys.readouterr().out
    main(["--list", str(repo.root), "weigh", "3A090"])
    assert "A100 " in capsys.readouterr().out


# ---------------------------------------------------------------- the terminal UI


def drawn(app) -> str:
    """Every character on the screen as it goes to the terminal, line by line."""
    update = app.screen._compositor.render_full_update()
    return "\n".join(
        "".join(segment.text for strip in line for segment in strip) for line in update.strips
    )


async def test_the_tui_draws_none_and_reads_no_markup_from_the_list(tmp_path, unchecked):
    from curator.tui.app import CuratorApp

    hostile = "".join(SEQUENCES.values())
    repo = _history(tmp_path, hostile)
    public_comment(repo.root, tmp_path, hostile)
    path = repo.root / "catalogue/h20.toml"  # a name that is markup
    path.write_text(path.read_text().replace('"NVIDIA H20"', '"[bold red]Loud[/] H20"'))
    app = CuratorApp(repo.root, "industry-1")
    screens = []
    async with app.run_test(size=(160, 50)) as pilot:
        for key in ("d", "i", "w", "y", "p"):  # every tab of 3A090, the first row
            await pilot.press(key)
            await pilot.pause(0.3)
            screens.append(drawn(app))
        app.notify(f"a message {hostile}")
        await pilot.press("e")  # the edit form: the title in an input
        await pilot.pause(0.3)
        screens.append(drawn(app))
        await pilot.press("escape", "ctrl+p", *"go to 3A0")
        await pilot.pause(0.5)
        screens.append(drawn(app))
    assert_inert(*screens)
    shown = "\n".join(screens)
    assert "Integrated circuits" in shown and "Too tight." in shown and "Mallory" in shown
    assert "[bold red]Loud[/] H20" in shown  # as written, not styled
