"""Hostile input, case by case: every file kind and every verb that reads input, through the CLI.

Each folder under tests/corpus/ is one case: `case.toml` says which command to run, the problem
`code` it must report (from the command's JSON: `check --format json`, `comments import --format
json`) or the `refusal` its message must contain, and the exit code (1 or 2). `list/` holds files
laid over a fresh copy of the small test list, `input/` files the command reads from outside the
list ({case} in the command). What text cannot hold — invalid UTF-8, NUL bytes, a 10 MB file,
links, 100,000 nested arrays — is made by the generator named in `generate`, so the repository
stays small.

For every case: the expected code or message, exit 1 or 2, no traceback, no file of the list
changed or added (hashes before and after), and the rest of the list still loads.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import tomli
from conftest import make_list, run_curator

from curator.store.index.load import load

CORPUS = Path(__file__).parent / "corpus"
MEGABYTE = 1024 * 1024
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "case.toml").is_file())
GIT_ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "chair",
    "GIT_AUTHOR_EMAIL": "chair@example.org",
    "GIT_COMMITTER_NAME": "chair",
    "GIT_COMMITTER_EMAIL": "chair@example.org",
}

# ---------------------------------------------------------------- generators

Generator = Callable[[Path, Path], dict[str, str]]
GENERATORS: dict[str, Generator] = {}


def generator(fn: Generator) -> Generator:
    GENERATORS[fn.__name__] = fn
    return fn


def _control(match: str = "tpp >= 1") -> str:
    return (
        'id = "3A091"\ntitle = "A candidate control under attack"\narea = "advanced-computing"\n'
        f'status = "draft"\n\n[[items]]\nlabel = "a"\ntext = "x"\nmatch = "{match}"\n'
    )


def _csv(*rows: bytes) -> bytes:
    return b"Document ID,Docket ID,Tracking Number,Comment\r\n" + b"".join(
        r + b"\r\n" for r in rows
    )


@generator
def deeply_nested_list(root: Path, scratch: Path) -> dict[str, str]:
    depth = 100_000
    nested = b"[" * depth + b"]" * depth
    (root / "list.toml").write_bytes(b'id = "test-list"\ntitle = "x"\npartners = ' + nested + b"\n")
    return {}


@generator
def list_toml_is_a_folder(root: Path, scratch: Path) -> dict[str, str]:
    (root / "list.toml").unlink()
    (root / "list.toml").mkdir()
    return {}


@generator
def remove_list_toml(root: Path, scratch: Path) -> dict[str, str]:
    (root / "list.toml").unlink()
    return {}


@generator
def ten_thousand_term_control(root: Path, scratch: Path) -> dict[str, str]:
    terms = " or ".join(f"tpp >= {i}" for i in range(10_000))
    (root / "controls" / "3A091.toml").write_text(_control(terms))
    return {}


@generator
def ten_thousand_terms(root: Path, scratch: Path) -> dict[str, str]:
    # short terms: one argument may hold at most 128 KiB on Linux
    return {"terms": " or ".join(f"tpp>{i % 10}" for i in range(10_000))}


@generator
def nul_byte_control(root: Path, scratch: Path) -> dict[str, str]:
    text = _control().replace("A candidate", "A\x00candidate")
    (root / "controls" / "3A091.toml").write_bytes(text.encode())
    return {}


@generator
def invalid_utf8_control(root: Path, scratch: Path) -> dict[str, str]:
    raw = _control().encode().replace(b"A candidate", b"A \xff\xfe candidate")
    (root / "controls" / "3A091.toml").write_bytes(raw)
    return {}


@generator
def bom_control(root: Path, scratch: Path) -> dict[str, str]:
    (root / "controls" / "3A091.toml").write_bytes(b"\xef\xbb\xbf" + _control().encode())
    return {}


@generator
def ten_megabyte_control(root: Path, scratch: Path) -> dict[str, str]:
    filler = b"# " + b"x" * 98 + b"\n"
    with (root / "controls" / "3A091.toml").open("wb") as f:
        f.write(_control().encode())
        for _ in range(10 * MEGABYTE // len(filler)):
            f.write(filler)
    return {}


@generator
def control_linked_outside(root: Path, scratch: Path) -> dict[str, str]:
    secret = scratch / "secret.toml"
    secret.write_text('id = "3A091"\ntitle = "read from outside the list"\n')
    (root / "controls" / "3A091.toml").symlink_to(secret)
    return {}


@generator
def catalogue_subfolder_linked_outside(root: Path, scratch: Path) -> dict[str, str]:
    outside = scratch / "elsewhere"
    outside.mkdir()
    (outside / "planted.toml").write_text('id = "planted"\nname = "x"\nsources = ["x"]\n')
    (root / "catalogue" / "linked").symlink_to(outside, target_is_directory=True)
    return {}


@generator
def catalogue_folder_linked_outside(root: Path, scratch: Path) -> dict[str, str]:
    outside = scratch / "catalogue"
    shutil.move(root / "catalogue", outside)
    (outside / "planted.toml").write_text('id = "planted"\nname = "x"\nsources = ["x"]\n')
    (root / "catalogue").symlink_to(outside, target_is_directory=True)
    return {}


@generator
def invalid_utf8_csv(root: Path, scratch: Path) -> dict[str, str]:
    row = b"BIS-2026-0001-0002,BIS-2026-0001,abc-1234-wxyz,caf\xe9 \xff"
    _input(scratch, "bulk.csv").write_bytes(_csv(row))
    return {}


@generator
def huge_field_csv(root: Path, scratch: Path) -> dict[str, str]:
    with _input(scratch, "bulk.csv").open("wb") as f:
        f.write(_csv())
        f.write(b'BIS-2026-0001-0002,BIS-2026-0001,abc-1234-wxyz,"')
        for _ in range(9):
            f.write(b"a" * MEGABYTE)
        f.write(b'"\r\n')
    return {}


@generator
def nul_tracking_csv(root: Path, scratch: Path) -> dict[str, str]:
    _input(scratch, "bulk.csv").write_bytes(
        _csv(b"BIS-2026-0001-0002,BIS-2026-0001,abc-1234\x00wxyz,hi")
    )
    return {}


@generator
def invalid_utf8_body(root: Path, scratch: Path) -> dict[str, str]:
    (scratch / "body.txt").write_bytes(b"Too tight: \xff\xfe")
    return {}


@generator
def ten_megabyte_body(root: Path, scratch: Path) -> dict[str, str]:
    (scratch / "body.txt").write_bytes(b"too tight " * MEGABYTE)
    return {}


@generator
def recommend_3a090(root: Path, scratch: Path) -> dict[str, str]:
    path = root / "controls" / "3A090.toml"
    path.write_text(path.read_text().replace('"proposed"', '"recommended"'))
    return {}


@generator
def binary_merge_inputs(root: Path, scratch: Path) -> dict[str, str]:
    for name in ("base", "ours", "theirs"):
        (scratch / name).write_bytes(b"\x00\xff" + name.encode() + b"\x00" * 64)
    return {}


PIPES = (
    "controls/3A091.toml",
    "catalogue/planted.toml",
    "discussion/3A090/2026-11-28T012200Z-chair.toml",
    "public-comments/BIS-2026-0001/abc-1234-wxyz.toml",
)


@generator
def pipes(root: Path, scratch: Path) -> dict[str, str]:
    # opening a pipe to read waits until something opens it to write: here, for ever
    for rel in PIPES:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(root / rel)
    return {}


@generator
def pipe_for_list_toml(root: Path, scratch: Path) -> dict[str, str]:
    (root / "list.toml").unlink()
    os.mkfifo(root / "list.toml")
    return {}


@generator
def pipe_for_body(root: Path, scratch: Path) -> dict[str, str]:
    os.mkfifo(scratch / "body.txt")
    return {}


@generator
def one_line_csv(root: Path, scratch: Path) -> dict[str, str]:
    with _input(scratch, "bulk.csv").open("wb") as f:
        f.write(_csv())
        for _ in range(17):
            f.write(b"a" * MEGABYTE)
    return {}


def _input(scratch: Path, name: str) -> Path:
    path = scratch / "case" / "input" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


# ---------------------------------------------------------------- the check


def fingerprint(root: Path) -> dict[str, str]:
    """Every path under the list (links as their target, not followed), .git left out."""
    found = {}
    for folder, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != ".git"]
        here = Path(folder)
        for name in [*dirnames, *filenames]:
            path = here / name
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                found[rel] = "link:" + os.readlink(path)
            elif path.is_file():
                found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
            elif path.is_dir():
                found[rel] = "folder"
    return found


def git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=root, env={**os.environ, **GIT_ENV}, capture_output=True, text=True
    )
    return done.stdout


def untouched(base: dict[str, str], touched: set[str], folder: str) -> set[str]:
    """The ids of the base list's records in `folder` whose files the case left alone."""
    return {
        rel.split("/")[1].removesuffix(".toml")
        for rel in base
        if rel.startswith(f"{folder}/") and rel.endswith(".toml") and rel not in touched
    }


@pytest.mark.parametrize("name", CASES)
def test_hostile_input_is_refused_cleanly(name: str, tmp_path: Path) -> None:
    folder = CORPUS / name
    case = tomli.loads((folder / "case.toml").read_text("utf-8"))
    root = make_list(tmp_path / "test-list").root
    base = fingerprint(root)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    shutil.copytree(folder, scratch / "case")

    if case.get("git"):
        git(root, "init", "--quiet", "-b", "main")
        git(root, "add", "--all")
        git(root, "commit", "--quiet", "-m", "the list")
    if (folder / "list").is_dir():
        for path in sorted((folder / "list").rglob("*")):
            if path.is_file():
                rel = path.relative_to(folder / "list").as_posix()
                (root / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, root / rel)
    values = {"list": str(root), "case": str(scratch / "case"), "scratch": str(scratch)}
    if "generate" in case:
        values |= GENERATORS[case["generate"]](root, scratch)
    command = [part.format(**values) for part in case["command"]]
    before = fingerprint(root)
    touched = {rel for rel in base if before.get(rel) != base[rel]}
    head = git(root, "rev-parse", "HEAD") + git(root, "tag") if case.get("git") else ""

    # --list before the verb: after it, `diff -- A B` would take it for a revision
    run = run_curator("--list", str(root), *command, cwd=root)

    assert run.code == case["exit"], f"{case['about']}: exit {run.code}\n{run.err}"
    assert run.code in (1, 2)
    assert "Traceback" not in run.err + run.out
    assert "internal error" not in run.err
    if "code" in case:
        problems = json.loads(run.out)["problems"]
        found = [(p["code"], p["file"]) for p in problems]
        assert case["code"] in {code for code, _ in found}, found
        if "file" in case:
            assert (case["code"], case["file"]) in found, found
    if "refusal" in case:
        assert case["refusal"] in run.err, run.err
    assert fingerprint(root) == before, "a file of the list changed"
    if case.get("git"):
        assert git(root, "rev-parse", "HEAD") + git(root, "tag") == head
    assert not (root / "pwned").exists() and not (scratch / "pwned").exists()

    loaded = load(root)
    assert untouched(base, touched, "controls") <= set(loaded.controls)
    assert untouched(base, touched, "catalogue") <= set(loaded.catalogue)
    if "list.toml" not in touched:
        assert loaded.manifest is not None


def test_the_corpus_covers_every_file_kind_and_input_verb() -> None:
    cases = [tomli.loads((CORPUS / n / "case.toml").read_text("utf-8")) for n in CASES]
    assert len(cases) >= 40
    verbs = {
        " ".join(c["command"][:2]) if c["command"][0] == "comments" else c["command"][0]
        for c in cases
    }
    assert {
        "check",
        "weigh",
        "new",
        "comment",
        "status",
        "apply-amendment",
        "comments import",
        "comments answer",
        "comments map",
        "publish",
        "diff",
        "log",
        "release",
        "verify",
        "merge-file",
    } <= verbs
    kinds = {
        p.relative_to(CORPUS / n / "list").parts[0]
        for n in CASES
        if (CORPUS / n / "list").is_dir()
        for p in (CORPUS / n / "list").rglob("*.toml")
    }
    assert {"list.toml", "controls", "catalogue", "discussion", "public-comments"} <= kinds
    assert all(c["exit"] in (1, 2) for c in cases)
    assert set(GENERATORS) == {c["generate"] for c in cases if "generate" in c}


def test_no_committed_case_file_is_large() -> None:
    # what is large is generated; the project's tooling refuses files over 1 MiB
    sizes = [p.stat().st_size for p in CORPUS.rglob("*") if p.is_file()]
    assert max(sizes) < 64 * 1024
