"""The read cache never serves stale data, is never fatal, and the incremental check and the fast
validator agree with the plain load and with jsonschema."""

from __future__ import annotations

import copy
import importlib.util
import os
import pickle
import shutil
import sys
from pathlib import Path

import pytest
import tomli
from gitrepo import new_repo

from curator.core import criteria
from curator.core.diff import diff_lists
from curator.store.formats import read as reader
from curator.store.formats import validate
from curator.store.formats.atomic import TEMP_PREFIX
from curator.store.formats.layout import DEFINITIONS, kind_of
from curator.store.formats.schemas import KINDS
from curator.store.git import plumbing, revisions
from curator.store.index import cache, cross_checks, incremental
from curator.store.index.load import Controls, build, load
from curator.store.index.source import Entry, walk

GENERATE = Path(__file__).resolve().parent.parent / "benchmarks" / "generate.py"


@pytest.fixture(autouse=True)
def own_cache(cache_home: Path) -> Path:
    return cache_home


def counted_load(root: Path):
    """`load(root)` through the list's cache, with how many files had to be parsed."""
    files = cache.ListIndex.of(root)
    assert files is not None
    with files:
        loaded = build(files.resolve(walk(root, read=False)))
    return loaded, files.misses


def plain(root: Path):
    """The list loaded with no cache at all: what every cached answer must equal."""
    loaded = build(walk(root))
    return loaded.problems, loaded.files, tuple(sorted(loaded.broken)), loaded.notices


def same_size_edit(path: Path, old: str, new: str) -> None:
    """Change the text in place keeping the size, then put the mtime back to the nanosecond."""
    assert len(old.encode()) == len(new.encode())
    before = path.stat()
    path.write_text(path.read_text().replace(old, new, 1))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (
        before.st_size,
        before.st_mtime_ns,
        before.st_ino,
    )


def generated(out: Path, **sizes: int) -> Path:
    spec = importlib.util.spec_from_file_location("generate", GENERATE)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules.setdefault("generate", module)  # its dataclasses look their module up
    spec.loader.exec_module(module)
    options = {"controls": 40, "comments": 300, "public_comments": 120, "items": 30, "commits": 30}
    options.update(sizes)
    args = [str(out), "--seed", "3"]
    for key, value in options.items():
        args += [f"--{key.replace('_', '-')}", str(value)]
    assert module.main(args) == 0
    return out


# ---------------------------------------------------------------- stale data, never


def test_unchanged_files_are_not_parsed_again(lst, trusting):
    first, parsed = counted_load(lst.root)
    assert parsed == first.files
    again, parsed = counted_load(lst.root)
    assert parsed == 0
    assert again == first


def test_a_file_changed_a_moment_ago_is_known_by_its_content(lst):
    counted_load(lst.root)
    again, parsed = counted_load(lst.root)  # racy stamps are not trusted: read, not parsed
    assert parsed == 0
    assert again.controls["3A090"].title == "Integrated circuits for advanced computing"


def test_an_edit_keeping_size_and_mtime_gives_fresh_results(lst, trusting):
    counted_load(lst.root)
    same_size_edit(lst.root / "controls/3A090.toml", "advanced computing", "advanced COMPUTING")
    loaded, parsed = counted_load(lst.root)
    assert parsed == 1
    assert loaded.controls["3A090"].title == "Integrated circuits for advanced COMPUTING"


def test_check_sees_an_edit_keeping_size_and_mtime(lst, curator):
    assert curator("check", "--list", str(lst.root)).code == 0
    same_size_edit(lst.root / "controls/3A090.toml", 'status = "proposed"', 'status = "proposxd"')
    done = curator("check", "--list", str(lst.root))
    assert done.code == 1
    assert "controls/3A090.toml:4: status: 'proposxd' is not a valid status" in done.out


def test_switching_branches_gives_fresh_results_and_reuses_what_was_parsed(tmp_path, trusting):
    repo = new_repo(tmp_path / "repo")
    repo.git("checkout", "--quiet", "-b", "tight")
    repo.edit("controls/3A090.toml", "tpp >= 4800", "tpp >= 6000")
    repo.commit("raise a.1")
    tight, _ = counted_load(repo.root)
    repo.git("checkout", "--quiet", "main")
    main, _ = counted_load(repo.root)
    assert main.controls["3A090"].items[0].match == "tpp >= 4800"
    repo.git("checkout", "--quiet", "tight")
    again, parsed = counted_load(repo.root)
    assert again.controls["3A090"].items[0].match == "tpp >= 6000"
    assert parsed == 0  # the branch's files were parsed before: known by their blob ids
    assert again == tight


def test_a_schema_change_discards_the_cache(lst, trusting, monkeypatch):
    first, _ = counted_load(lst.root)
    monkeypatch.setattr(cache, "schema_digest", lambda: "another-schema")
    again, parsed = counted_load(lst.root)
    assert parsed == first.files
    assert again == first


def test_a_new_tool_version_discards_the_cache(lst, trusting, monkeypatch):
    first, _ = counted_load(lst.root)
    monkeypatch.setattr(cache, "__version__", "99.0")
    _, parsed = counted_load(lst.root)
    assert parsed == first.files


# ---------------------------------------------------------------- the definitions as built


def definitions(root: Path, checked: bool = True):
    return load(root, folders=DEFINITIONS, watch=None if checked else cross_checks.Unchecked())


def plain_definitions(root: Path, checked: bool = True):
    return build(walk(root, DEFINITIONS), watch=None if checked else cross_checks.Unchecked())


@pytest.mark.parametrize("checked", [True, False])
def test_the_definitions_kept_as_built_equal_a_plain_load(lst, trusting, checked):
    (lst.root / "controls" / "3A091.toml").write_text('id = "3A091"\n')  # with its problems
    first = definitions(lst.root, checked)
    assert first == plain_definitions(lst.root, checked)
    assert any(p.file == "controls/3A091.toml" for p in first.problems)
    assert definitions(lst.root, checked) == first


def test_the_definitions_kept_as_built_follow_an_edit_keeping_size_and_mtime(lst, trusting):
    definitions(lst.root)
    same_size_edit(lst.root / "controls/3A090.toml", "advanced computing", "advanced COMPUTING")
    load(lst.root)  # the cache learns the new stamp; what was built is now of other files
    again = definitions(lst.root)
    assert again.controls["3A090"].title == "Integrated circuits for advanced COMPUTING"
    assert again == plain_definitions(lst.root)


def test_the_definitions_kept_as_built_follow_a_new_and_a_removed_file(lst, trusting):
    definitions(lst.root)
    (lst.root / "catalogue" / "a800.toml").unlink()
    shutil.copy(lst.root / "controls/3A090.toml", lst.root / "controls/3A091.toml")
    load(lst.root)
    again = definitions(lst.root)
    assert "a800" not in again.catalogue
    assert again == plain_definitions(lst.root)


def test_the_definitions_kept_as_built_are_dropped_with_a_new_tool_version(
    lst, trusting, monkeypatch
):
    definitions(lst.root)
    files = cache.ListIndex.of(lst.root)
    state = files.state_of(list(walk(lst.root, DEFINITIONS, read=False)))
    assert state is not None and files.built("definitions", state) is not None
    monkeypatch.setattr(cache, "__version__", "99.0")
    assert cache.ListIndex.of(lst.root).built("definitions", state) is None


def test_the_cache_lives_under_xdg_cache_home(lst, curator, cache_home):
    curator("check", "--list", str(lst.root))
    assert list((cache_home / "curator" / "lists").glob("*/*.cache"))


def test_curator_cache_0_turns_it_off(lst, curator, cache_home):
    done = curator("check", "--list", str(lst.root), env={"CURATOR_CACHE": "0"})
    assert done.code == 0
    assert not cache_home.exists()


@pytest.mark.parametrize("damage", ["garbage", "truncated", "flipped", "empty"])
def test_a_damaged_cache_is_ignored_and_rebuilt(lst, curator, cache_home, damage):
    before = curator("check", "--list", str(lst.root), "--format", "json")
    for file in (cache_home / "curator" / "lists").glob("*/*.cache"):
        data = file.read_bytes()
        file.write_bytes(
            {
                "garbage": b"\x00not a cache\xff" * 10,
                "truncated": data[: len(data) // 2],
                "flipped": data[:-5] + bytes([data[-5] ^ 0xFF]) + data[-4:],
                "empty": b"",
            }[damage]
        )
    lst.write("controls/3A090.toml", lst.read("controls/3A090.toml").replace("4800", "5000"))
    after = curator("check", "--list", str(lst.root), "--format", "json")
    assert after.code == 0 and after.out == before.out
    assert cache.ListIndex.of(lst.root).stamps_of("controls") is not None


def test_an_unusable_cache_folder_is_never_fatal(lst, curator, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would be")
    done = curator("check", "--list", str(lst.root), env={"XDG_CACHE_HOME": str(blocked)})
    assert done.code == 0
    assert "files, no problems" in done.err


def test_fmt_check_remembers_canonical_files_and_sees_a_change(lst, curator):
    assert curator("fmt", "--list", str(lst.root)).code == 0
    assert curator("fmt", "--check", "--list", str(lst.root)).code == 0
    assert curator("fmt", "--check", "--list", str(lst.root)).code == 0
    path = lst.root / "catalogue/a100.toml"
    path.write_text(path.read_text().replace('name = "NVIDIA A100"', 'name    = "NVIDIA A100"'))
    done = curator("fmt", "--check", "--list", str(lst.root))
    assert done.code == 1
    assert "catalogue/a100.toml: not in canonical form" in done.out


# ---------------------------------------------------------------- controls made when asked for


def test_a_loaded_lists_controls_are_its_records_by_id_in_the_lists_order(tmp_path):
    root = generated(tmp_path / "list", controls=12, comments=0, public_comments=0)
    controls = load(root).controls
    whole = pickle.loads(pickle.dumps(controls))  # sent or kept: a dict of every record
    assert type(whole) is dict and len(whole) == len(controls) == 12
    assert list(whole) == list(controls) and list(whole.values()) == list(controls.values())
    assert whole == controls
    assert all(c.id == cid and c.file.endswith(f"/{cid}.toml") for cid, c in whole.items())
    assert controls.get("9Z999") is None and "9Z999" not in controls


def test_the_outlines_of_controls_not_made_are_those_of_their_records(tmp_path):
    root = generated(tmp_path / "list", controls=12, comments=0, public_comments=0)
    controls = Controls()
    for path in sorted((root / "controls").rglob("*.toml")):
        rel = str(path.relative_to(root))
        controls.add(path.stem, rel, reader.read("control", rel, path.read_bytes()).data)
    outlines = controls.outlines()  # read from the data: no record made yet
    assert outlines == {cid: control.outline() for cid, control in controls.items()}
    assert len(outlines) == 12


# ---------------------------------------------------------------- the incremental check


def _mutations(root: Path) -> list[tuple[str, callable]]:
    """Changes that move problems between files, each one step on top of the last."""
    controls = sorted((root / "controls").glob("*.toml"))
    discussed = sorted(p for p in (root / "discussion").iterdir() if p.is_dir())
    target = discussed[0].name
    victim = discussed[1].name
    comment = sorted(discussed[2].glob("*.toml"))[0]
    public = sorted((root / "public-comments").rglob("*.toml"))

    def edit(path: Path, old: str, new: str) -> None:
        text = path.read_text()
        assert old in text, (path, old)
        path.write_text(text.replace(old, new, 1))

    def edit_list(old: str, new: str) -> None:
        """An edit of list.toml that leaves it usable (else no control would be checked)."""
        edit(root / "list.toml", old, new)
        raw = (root / "list.toml").read_bytes()
        assert reader.read("list", "list.toml", raw).data is not None, (old, new)

    def status(control: str, value: str) -> None:
        path = root / "controls" / f"{control}.toml"
        text = path.read_text()
        line = next(x for x in text.splitlines() if x.startswith("status = "))
        path.write_text(text.replace(line, f'status = "{value}"', 1))

    def relabel(path: Path) -> None:
        path.write_text(path.read_text().replace('label = "', 'label = "z'))

    def map_to(path: Path, control: str) -> None:
        text = path.read_text().replace("[disposition]", "[old]")
        path.write_text(text.split("\n[old]")[0].rstrip("\n") + f'\nmapping = ["{control}"]\n')

    def cited_paragraph() -> tuple[Path, str, str]:
        """A control's paragraph whose text states its criteria's limits on one line: its
        file, its label and that line."""
        for path in controls[2:]:
            if path.stem in (target, victim):
                continue
            text = path.read_text()
            for item in tomli.loads(text).get("items", ()):
                line = f'text = "{item["text"]}"'
                if item.get("match") and line in text and any(c.isdigit() for c in item["text"]):
                    return path, item["label"], line
        raise AssertionError("no paragraph to cite")

    cited, cited_label, cited_line = cited_paragraph()
    cited_match = next(
        i["match"] for i in tomli.loads(cited.read_text())["items"] if i["label"] == cited_label
    )

    def cite(path: Path) -> None:
        # a paragraph whose criteria are the cited one's, its limits stated only there
        path.write_text(
            path.read_text()
            + f'\n[[items]]\nlabel = "z"\ntext = "Items within the limits in {cited.stem}.'
            + f'{cited_label};"\nmatch = "{cited_match}"\n'
        )

    def amended_parameter() -> str:
        """A parameter that an amendment compares with a number (declared as a number)."""
        for path in sorted((root / "discussion").rglob("*.toml")):
            match = tomli.loads(path.read_text()).get("amendment", {}).get("match", "")
            for atom in criteria.atoms(criteria.parse(match)) if match else ():
                if not isinstance(atom.value, bool):
                    return atom.param
        raise AssertionError("no amendment compares a parameter with a number")

    amended = amended_parameter()
    first = controls[0]
    # an area and a regime some control is in, and that regime's line of members
    area, regime = (
        next(
            data[key]
            for data in map(tomli.loads, map(Path.read_text, controls))
            if data.get(key, "") not in ("", "unilateral", "plurilateral")
        )
        for key in ("area", "regime")
    )
    regime_members = next(
        line
        for line in (root / "list.toml").read_text().split(f"[regimes.{regime}]\n")[1].splitlines()
        if line.startswith("members = ")
    )
    assert '"CA", ' in regime_members  # (one member to leave out)
    return [
        ("nothing", lambda: None),
        ("comment by a stranger", lambda: edit(comment, 'author = "', 'author = "x')),
        (
            "public comments on a final control",
            lambda: (map_to(public[0], target), map_to(public[1], target), status(target, "final")),
        ),
        ("control withdrawn", lambda: status(target, "withdrawn")),
        ("control deleted: orphans", lambda: (root / "controls" / f"{victim}.toml").unlink()),
        (
            "control back",
            lambda: (root / "controls" / f"{victim}.toml").write_text(
                f'id = "{victim}"\ntitle = "Back"\narea = "quantum"\nstatus = "draft"\n'
            ),
        ),
        ("id mismatch", lambda: edit(first, f'id = "{first.stem}"', f'id = "{controls[1].stem}"')),
        ("id fixed", lambda: edit(first, f'id = "{controls[1].stem}"', f'id = "{first.stem}"')),
        (
            "related to a missing control",
            lambda: edit(first, "\nstatus = ", '\nrelated = ["9E999"]\nstatus = '),
        ),
        (
            "the missing control appears",
            lambda: (root / "controls/9E999.toml").write_text(
                'id = "9E999"\ntitle = "New"\narea = "hypersonics"\nstatus = "draft"\n'
            ),
        ),
        ("a paragraph cites another entry's limits", lambda: cite(first)),
        ("the cited entry states none", lambda: edit(cited, cited_line, 'text = "Items."')),
        ("broken toml", lambda: edit(public[2], "tracking_number = ", "tracking_number = = ")),
        ("fixed toml", lambda: edit(public[2], "tracking_number = = ", "tracking_number = ")),
        (
            "paragraphs dropped under amendments",
            lambda: relabel(root / "controls" / f"{target}.toml"),
        ),
        (
            "member removed",
            lambda: edit_list('id = "industry-1"', 'id = "industry-x"'),
        ),
        ("the list retitled", lambda: edit_list('\ntitle = "', '\ntitle = "New: ')),
        (
            "a parameter an amendment compares with a number made a flag",
            lambda: edit_list(
                f"[parameters.{amended}]\n", f'[parameters.{amended}]\ntype = "flag"\n'
            ),
        ),
        (
            "the parameter a number again",
            lambda: edit_list(
                f'[parameters.{amended}]\ntype = "flag"\n', f"[parameters.{amended}]\n"
            ),
        ),
        (
            "member back",
            lambda: edit_list('id = "industry-x"', 'id = "industry-1"'),
        ),
        ("the docket's agency renamed", lambda: edit_list('agency = "', 'agency = "New ')),
        (
            "a regime's members changed",
            lambda: edit_list(regime_members, regime_members.replace('"CA", ', "")),
        ),
        ("a regime renamed", lambda: edit_list(f"[regimes.{regime}]", "[regimes.x]")),
        ("the regime back", lambda: edit_list("[regimes.x]", f"[regimes.{regime}]")),
        ("an area renamed", lambda: edit_list(f"[areas.{area}]", "[areas.x]")),
        ("the area back", lambda: edit_list("[areas.x]", f"[areas.{area}]")),
        (
            "new comment",
            lambda: (root / "discussion" / target / "2031-01-01T000000Z-chair.toml").write_text(
                'author = "chair"\nat = 2031-01-01T00:00:00Z\nbody = "Late."\n'
            ),
        ),
        (
            "new comment, badly named",
            lambda: (root / "discussion" / target / "late-note.toml").write_text(
                'author = "chair"\nat = 2031-01-02T00:00:00Z\nbody = "Later."\n'
            ),
        ),
        ("public comment removed", lambda: public[3].unlink()),
        ("a file that is not a list file", lambda: (root / "controls/README.md").write_text("x")),
        ("a hidden file", lambda: (root / "discussion" / target / ".draft.toml").write_text("")),
        ("a temp file a killed write left", lambda: _left_over(root / "catalogue")),
        ("a pipe named like a comment", lambda: os.mkfifo(root / "discussion" / target / PIPE)),
        ("a folder named like a control", lambda: (root / "controls/9E998.toml").mkdir()),
        ("list files in a subfolder", lambda: _write(root / "controls/old/9E997.toml", "x")),
        ("a list file out of place", lambda: _write(root / "public-comments/x.toml", "x")),
        ("the strays cleared away", lambda: _clear(root, target)),
        (
            "a status change recorded, not made",
            lambda: (root / "discussion" / target / "2031-01-04T000000Z-chair.toml").write_text(
                'author = "chair"\nat = 2031-01-04T00:00:00Z\nbody = "Reopened."\n\n'
                '[transition]\nfrom = "withdrawn"\nto = "draft"\n'
            ),
        ),
        ("the change made", lambda: status(target, "draft")),
        ("the change undone by hand", lambda: status(target, "withdrawn")),
    ]


PIPE = "2031-01-03T000000Z-chair.toml"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def _left_over(folder: Path) -> None:
    """A temp file of the atomic writer whose process is gone."""
    temp = folder / f"{TEMP_PREFIX}{2**31 - 2}-0.tmp"  # a pid no process has
    temp.write_text("half")
    os.utime(temp, (1, 1))


def _clear(root: Path, target: str) -> None:
    for rel in (
        "controls/README.md",
        f"discussion/{target}/.draft.toml",
        f"discussion/{target}/{PIPE}",
    ):
        (root / rel).unlink()
    for temp in (root / "catalogue").glob(f"{TEMP_PREFIX}*"):
        temp.unlink()
    for folder in ("controls/9E998.toml", "controls/old"):
        shutil.rmtree(root / folder)
    (root / "public-comments/x.toml").unlink()


def test_the_incremental_check_agrees_with_a_full_load(tmp_path, trusting):
    root = generated(tmp_path / "list")
    for name, mutate in _mutations(root):
        mutate()
        found = incremental.check(root)
        assert (found.problems, found.files, found.broken, found.notices) == plain(root), name
        again = incremental.check(root)  # the remembered answer
        assert (again.problems, again.files, again.broken, again.notices) == plain(root), name
        unfinished = "transition-not-applied" in {p.code for p in found.problems}
        assert unfinished == (
            name in ("a status change recorded, not made", "the change undone by hand")
        ), name


def test_check_json_is_the_same_with_and_without_the_cache(tmp_path, curator):
    root = generated(tmp_path / "list", controls=20, comments=100, public_comments=40)
    (root / "controls" / sorted(os.listdir(root / "controls"))[0]).write_text('id = "x"\n')
    cached = [curator("check", "--list", str(root), "--format", "json") for _ in range(2)]
    uncached = curator("check", "--list", str(root), "--format", "json", env={"CURATOR_CACHE": "0"})
    assert cached[0].code == cached[1].code == uncached.code == 1
    assert cached[0].out == cached[1].out == uncached.out


# ---------------------------------------------------------------- the two validators


def _breakages(kind: str, data: dict) -> list[dict]:
    """Copies of a file's data with one thing wrong (or, for some, still right)."""
    out = []
    for key in list(data):
        dropped = copy.deepcopy(data)
        del dropped[key]
        out.append(dropped)
        for value in (None, 7, 1.5, True, "", "x" * 5000, [], ["a", "a"], {"k": 1}):
            changed = copy.deepcopy(data)
            changed[key] = value
            out.append(changed)
    extra = copy.deepcopy(data)
    extra["colour"] = "red"
    out.append(extra)
    for key, value in data.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            for inner in value[0]:
                changed = copy.deepcopy(data)
                changed[key][0][inner] = 12
                out.append(changed)
        if isinstance(value, dict):
            changed = copy.deepcopy(data)
            changed[key]["Not A Key!"] = 1
            out.append(changed)
    return out


def test_jsonschema_rs_and_jsonschema_agree_on_every_file_and_its_breakages(tmp_path):
    root = generated(tmp_path / "list", controls=25, comments=120, public_comments=60, items=20)
    seen = {kind: 0 for kind in KINDS}
    for entry in walk(root):
        kind = kind_of(entry.path)
        view = validate.json_view(tomli.loads(entry.raw.decode()))
        for instance in [view, *_breakages(kind, view)]:
            fast = validate._fast(kind).is_valid(instance)
            slow = validate._slow(kind).is_valid(instance)
            assert fast == slow, (entry.path, instance)
            seen[kind] += 1
    assert all(seen.values())


def test_a_build_reads_what_was_said_after_the_definitions_and_may_keep_only_its_problems(
    tmp_path,
):
    root = generated(tmp_path / "list")
    for _, mutate in _mutations(root):
        mutate()  # problems of every kind, in definitions and in comments
    whole = build(walk(root))
    fetched: list[str] = []

    def unread(entry: Entry) -> Entry:
        if entry.raw is None:
            return entry

        def fetch(raw: bytes = entry.raw, path: str = entry.path) -> bytes:
            fetched.append(path)
            return raw

        return Entry(entry.path, None, stamp=entry.stamp, fetch=fetch)

    given = [unread(e) for e in reversed(list(walk(root)))]  # comments first
    lean = build(given, keep_comments=False)
    assert (lean.problems, lean.broken, lean.files) == (whole.problems, whole.broken, whole.files)
    assert lean.controls == whole.controls and lean.manifest == whole.manifest
    assert lean.comments == () and lean.public_comments == ()
    comments = [kind_of(p) in ("comment", "public-comment") for p in fetched]
    assert comments == sorted(comments) and any(comments)  # every definition read before a comment
    assert len(fetched) == len(set(fetched))


# ---------------------------------------------------------------- loading through the cache


def test_load_through_the_cache_equals_a_plain_load(tmp_path):
    root = generated(tmp_path / "list", controls=20, comments=80, public_comments=30)
    assert load(root) == load(root) == build(walk(root))


def test_a_list_copied_elsewhere_has_its_own_cache(tmp_path, cache_home):
    root = generated(tmp_path / "list", controls=10, comments=20, public_comments=10)
    load(root)
    copy_root = tmp_path / "copy"
    shutil.copytree(root, copy_root)
    (copy_root / "list.toml").write_text("broken = = \n")
    assert load(copy_root).manifest is None
    assert load(root).manifest is not None
    assert len(list((cache_home / "curator" / "lists").iterdir())) == 2


def test_a_cache_of_another_format_is_removed_when_a_new_one_is_made(tmp_path, cache_home):
    lists = cache_home / "curator" / "lists"
    old = lists / "0123456789abcdef0123456789abcdef"  # as an older curator named them
    old.mkdir(parents=True)
    (old / "results-discussion.cache").write_bytes(b"x" * 1000)
    kept = lists / f"fedcba9876543210fedcba9876543210.v{cache.FORMAT}"
    kept.mkdir()
    load(generated(tmp_path / "list", controls=10, comments=20, public_comments=10))
    assert not old.exists()
    assert kept.exists()
    assert len(list(lists.iterdir())) == 2


def test_a_diff_of_two_revisions_skips_unchanged_controls_and_says_the_same(tmp_path):
    root = generated(tmp_path / "list", controls=40, comments=60, public_comments=20)
    place = plumbing.place_of(root)
    for old, new in (("scale/v1.0", "scale/v2.0"), ("scale/v2.0", "HEAD"), ("HEAD", "HEAD")):
        whole = [revisions.load_revision(place, rev, cache.ReadCache()) for rev in (old, new)]
        expected = diff_lists(*whole, old, new).as_json()
        assert (
            diff_lists(*revisions.load_differing(place, old, new), old, new).as_json() == expected
        )


def test_a_diff_says_the_same_whether_it_parses_its_few_controls_or_looks_them_up(
    tmp_path, trusting
):
    root = generated(tmp_path / "list", controls=40, comments=60, public_comments=20)
    place = plumbing.place_of(root)
    expected = diff_lists(*revisions.load_differing(place, "scale/v2.0", "HEAD"), "v2", "HEAD")
    load(root)  # the controls' results, in the cache: a few of them are parsed, not looked up
    files = cache.ListIndex.of(root)
    assert not files.worth_looking_up("controls/3A090.toml", 1)
    assert files.worth_looking_up("controls/3A090.toml", 40)
    again = diff_lists(*revisions.load_differing(place, "scale/v2.0", "HEAD"), "v2", "HEAD")
    assert again.as_json() == expected.as_json()


def test_results_decoded_already_are_always_worth_looking_up(lst, trusting):
    load(lst.root)
    files = cache.ListIndex.of(lst.root)
    assert files.results_of("controls") is not None
    assert files.worth_looking_up("controls/3A090.toml", 1)


def release_definitions(repo, revision: str):
    place = plumbing.place_of(repo.root)
    return revisions.load_revision(
        place, revision, folders=DEFINITIONS, watch=cross_checks.Unchecked()
    )


def test_a_revisions_definitions_are_kept_as_built_and_equal_a_fresh_read(tmp_path, monkeypatch):
    repo = new_repo(tmp_path / "repo")
    first = release_definitions(repo, "HEAD")
    fresh = revisions.load_revision(
        plumbing.place_of(repo.root),
        "HEAD",
        cache.ReadCache(),
        folders=DEFINITIONS,
        watch=cross_checks.Unchecked(),
    )
    assert first == fresh

    def no_building(*args, **kwargs):
        raise AssertionError("built again")

    monkeypatch.setattr(revisions, "build", no_building)
    assert release_definitions(repo, "HEAD") == first  # one unpickling


def test_a_revision_with_other_files_is_not_answered_with_another_kept_one(tmp_path):
    repo = new_repo(tmp_path / "repo")
    release_definitions(repo, "HEAD")
    repo.edit("controls/3A090.toml", "advanced computing", "advanced COMPUTING")
    repo.commit("Retitle 3A090")
    newer = release_definitions(repo, "HEAD")
    assert newer.controls["3A090"].title == "Integrated circuits for advanced COMPUTING"
    older = release_definitions(repo, "HEAD~1")
    assert older.controls["3A090"].title == "Integrated circuits for advanced computing"
