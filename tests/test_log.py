"""`curator log CONTROL-ID`: the versions of a control from git history, following renames."""

from __future__ import annotations

import json

from gitrepo import LIST_DIR, identity, new_repo


def test_log_lists_versions_newest_first_with_their_effect(tmp_path):
    repo = new_repo(tmp_path / "repo")
    repo.edit("controls/3A090.toml", "tpp >= 4800", "tpp >= 6000")
    repo.commit("Raise a.1 to 6000", env=identity("Industry member", "industry-1@example.org"))
    repo.edit("controls/3A090.toml", "of 4800 or more", "of at least 4800")
    repo.commit("Reword a.1")
    done = repo.curator("log", "3A090", "--list", LIST_DIR)
    assert done.code == 0, done.err
    lines = done.out.splitlines()
    assert lines[0] == "3A090: 3 versions, newest first"
    entries = [line for line in lines[1:] if not line.startswith("    ")]
    assert "3A090 changed items[a.1].text  [editorial]" in entries[0]
    assert "Industry member" in entries[1]
    assert "items released: ascend-910b, rtx-4090  [loosened]" in entries[1]
    assert "3A090 added" in entries[2] and "[tightened]" in entries[2]
    assert "    Raise a.1 to 6000" in lines


def test_log_json_gives_commit_author_and_change(tmp_path):
    repo = new_repo(tmp_path / "repo")
    head = repo.commit  # keep the commit id of the change
    repo.edit("controls/3A090.toml", "tpp >= 1600", "tpp >= 1000")
    commit = head("Lower a.2")
    done = repo.curator("log", "3A090", "--list", LIST_DIR, "--format", "json")
    document = json.loads(done.out)
    newest = document["versions"][0]
    assert newest["commit"] == commit
    assert newest["author"] == "Test Person"
    assert (newest["change"], newest["effect"]) == ("modified", "tightened")
    assert newest["fields"] == ["items[a.2].match"]
    assert newest["subject"] == "Lower a.2"


def test_log_follows_a_rename(tmp_path):
    repo = new_repo(tmp_path / "repo")
    repo.git("mv", f"{LIST_DIR}/controls/3A090.toml", f"{LIST_DIR}/controls/3A092.toml")
    repo.edit("controls/3A092.toml", 'id = "3A090"', 'id = "3A092"')
    repo.commit("Renumber 3A090 as 3A092")
    repo.edit("controls/3A092.toml", "tpp >= 4800", "tpp >= 6000")
    repo.commit("Raise a.1")
    done = repo.curator("log", "3A092", "--list", LIST_DIR, "--format", "json")
    assert done.code == 0, done.err
    versions = json.loads(done.out)["versions"]
    assert [(v["id"], v["change"]) for v in versions] == [
        ("3A092", "modified"),
        ("3A092", "renamed"),
        ("3A090", "added"),
    ]
    text = repo.curator("log", "3A092", "--list", LIST_DIR).out
    assert "3A092 renamed from 3A090" in text


def test_log_of_a_control_without_history(tmp_path):
    repo = new_repo(tmp_path / "repo")
    done = repo.curator("log", "9E999", "--list", LIST_DIR)
    assert done.code == 1
    assert "9E999 has no committed versions" in done.err


def test_log_refuses_an_id_that_is_not_a_control_id(tmp_path):
    repo = new_repo(tmp_path / "repo")
    done = repo.curator("log", "../list", "--list", LIST_DIR)
    assert done.code == 2
    assert "not a valid control id" in done.err


def test_log_compares_each_commit_with_its_own_parent_across_a_merge(tmp_path):
    repo = new_repo(tmp_path / "repo")
    repo.git("checkout", "--quiet", "-b", "side")
    repo.edit("controls/3A090.toml", 'visibility = "public"', 'visibility = "committee"')
    repo.commit("Side: committee only")
    repo.git("checkout", "--quiet", "main")
    repo.edit("controls/3A090.toml", "tpp >= 4800", "tpp >= 6000")
    repo.commit("Main: raise a.1")
    repo.git("merge", "--quiet", "--no-edit", "side")
    done = repo.curator("log", "3A090", "--list", LIST_DIR, "--format", "json")
    fields = {v["subject"]: v["fields"] for v in json.loads(done.out)["versions"]}
    assert fields["Side: committee only"] == ["visibility"]
    assert fields["Main: raise a.1"] == ["items[a.1].match"]
    assert len(fields) == 3
