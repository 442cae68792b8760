"""Which list: --list, else $CURATOR_LIST, else the one lists/*/list.toml found upward."""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import make_list


def test_list_found_from_a_subfolder(tmp_path, curator):
    make_list(tmp_path / "repo" / "lists" / "alpha")
    deep = tmp_path / "repo" / "docs" / "notes"
    deep.mkdir(parents=True)
    run = curator("check", cwd=deep)
    assert run.code == 0, run.err


def test_environment_variable_names_the_list(tmp_path, curator):
    make_list(tmp_path / "x")
    run = curator("check", cwd=tmp_path, env={"CURATOR_LIST": str(tmp_path / "x")})
    assert run.code == 0, run.err


def test_several_lists_ask_for_a_choice(tmp_path, curator):
    make_list(tmp_path / "lists" / "alpha")
    make_list(tmp_path / "lists" / "beta")
    run = curator("fmt", "--check", cwd=tmp_path)
    assert run.code == 2
    assert "several lists found" in run.err and "--list" in run.err


def test_check_without_a_list_checks_every_list_with_a_summary_line_each(tmp_path, curator):
    make_list(tmp_path / "lists" / "alpha")
    make_list(tmp_path / "lists" / "beta")
    run = curator("check", cwd=tmp_path)
    assert run.code == 0, run.err
    assert run.err.splitlines() == [
        "lists/alpha: 9 files, no problems",
        "lists/beta: 9 files, no problems",
    ]


def test_check_of_several_lists_fails_when_one_has_a_problem_and_names_it_from_here(
    tmp_path, curator
):
    make_list(tmp_path / "lists" / "alpha")
    beta = make_list(tmp_path / "lists" / "beta")
    beta.write(
        "controls/3A090.toml",
        beta.read("controls/3A090.toml").replace("tpp >= 4800", "tps >= 4800"),
    )
    run = curator("check", cwd=tmp_path)
    assert run.code == 1
    assert run.out.startswith("lists/beta/controls/3A090.toml:")
    assert "unknown parameter 'tps'" in run.out
    summaries = run.err.splitlines()[-2:]
    assert summaries[0] == "lists/alpha: 9 files, no problems"
    assert summaries[1] == "lists/beta: 9 files, 1 problem"


def test_check_of_several_lists_as_json_gives_each_list(tmp_path, curator):
    make_list(tmp_path / "lists" / "alpha")
    beta = make_list(tmp_path / "lists" / "beta")
    beta.write(
        "controls/3A090.toml",
        beta.read("controls/3A090.toml").replace("tpp >= 4800", "tps >= 4800"),
    )
    run = curator("check", "--format", "json", cwd=tmp_path)
    report = json.loads(run.out)
    assert run.code == 1 and report["ok"] is False
    assert [(entry["list"], entry["ok"], len(entry["problems"])) for entry in report["lists"]] == [
        ("lists/alpha", True, 0),
        ("lists/beta", False, 1),
    ]


def test_no_list_says_how_to_name_one(tmp_path, curator):
    run = curator("check", cwd=tmp_path)
    assert run.code == 2
    assert "no list found" in run.err


def test_version_and_help_work_for_every_verb(curator):
    assert curator("--version").out.startswith("curator ")
    from curator.cli import parser

    verbs = parser()._subparsers._group_actions[0].choices
    for verb in verbs:
        run = curator(verb, "--help")
        assert run.code == 0, verb
        assert "usage: curator" in run.out


def test_the_help_lists_every_verb_git_runs_included(capsys):
    from curator.cli import VERBS, main

    with pytest.raises(SystemExit):
        main(["--help"])
    listed = re.findall(r"^    (\S+)", capsys.readouterr().out, re.MULTILINE)
    assert set(listed) == {verb for verbs in VERBS.values() for verb in verbs}
    assert "textconv" in listed


def test_help_shows_percent_signs_as_git_takes_them(capsys):
    # argparse %-formats help= strings but not descriptions: a doubled % would show
    from curator.cli import VERBS, main

    for verb in (verb for verbs in VERBS.values() for verb in verbs):
        with pytest.raises(SystemExit):
            main([verb, "--help"])
        shown = capsys.readouterr().out
        assert "%%" not in shown, verb
        if verb == "git-setup":
            assert "merge-file %O %A %B %P" in " ".join(shown.split())


def test_each_verb_is_registered_by_the_module_the_cli_imports_for_it():
    import argparse

    from curator.cli import VERBS, modules

    for name, verbs in VERBS.items():
        (module,) = modules(verbs[0])
        top = argparse.ArgumentParser()
        module.register(sub := top.add_subparsers())
        assert module.__name__ == f"curator.cli.{name}"
        assert tuple(sub.choices) == verbs


def test_the_verb_is_found_past_the_list_option():
    from curator.cli import verb_of

    assert verb_of(["--list", "lists/x", "diff", "a", "b"]) == "diff"
    assert verb_of(["--list=lists/x", "check"]) == "check"
    assert verb_of(["--version"]) is None
    assert verb_of([]) is None


def test_every_verb_but_the_tui_is_a_short_lived_process():
    from curator.cli import short_lived

    assert short_lived(["--list", "lists/x", "check"])
    assert short_lived(["publish", "--out", "x"])
    assert not short_lived(["--list", "lists/x", "tui"])
    assert not short_lived([])  # no verb: the TUI
