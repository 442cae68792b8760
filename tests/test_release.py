"""`curator release VERSION`: chair only, clean tree, passing check, a greater version; writes the
version, a CHANGELOG.md section, a commit by the chair and the annotated tag."""

from __future__ import annotations

from conftest import make_list, run_curator
from gitrepo import LIST_DIR, identity, new_repo

from curator.core import changelog
from curator.core.diff import diff_lists
from curator.store.load import load


def _released(tmp_path):
    repo = new_repo(tmp_path / "repo")
    first = repo.curator("release", "1.0", "--as", "chair", "--list", LIST_DIR)
    assert first.code == 0, first.err
    return repo


def test_release_writes_changelog_version_commit_and_tag(tmp_path):
    repo = _released(tmp_path)
    repo.edit("controls/3A090.toml", "tpp >= 4800", "tpp >= 6000")
    repo.edit("controls/3A090.toml", "of 4800 or more", "of 6000 or more")  # text and criteria
    repo.commit("Raise a.1")
    done = repo.curator("release", "1.1", "--as", "chair", "--list", LIST_DIR)
    assert done.code == 0, done.err
    assert "released test-list/v1.1" in done.out
    assert 'version = "1.1"' in repo.lst.read("list.toml")
    log = repo.lst.read("CHANGELOG.md")
    assert log.startswith("# Changelog\n\n## 1.1 — ")
    assert "Compared with test-list/v1.0." in log
    loosened = log.index("### Loosened")
    assert "**3A090** Integrated circuits for advanced computing" in log[loosened:]
    assert "releases ascend-910b, rtx-4090" in log
    assert log.index("## 1.1") < log.index("## 1.0")
    assert repo.git("status", "--porcelain").stdout == ""
    assert repo.git("cat-file", "-t", "test-list/v1.1").stdout.strip() == "tag"
    author = repo.git("log", "-1", "--format=%an <%ae>").stdout.strip()
    assert author == "Committee chair <chair@example.org>"
    tagged = repo.git("rev-parse", "test-list/v1.1^{commit}").stdout
    assert tagged == repo.git("rev-parse", "HEAD").stdout
    assert repo.curator("check", "--list", LIST_DIR).code == 0
    assert repo.curator("fmt", "--check", "--list", LIST_DIR).code == 0


def test_release_message_is_used_for_commit_and_tag(tmp_path):
    repo = new_repo(tmp_path / "repo")
    done = repo.curator("release", "1.0", "--as", "chair", "-m", "First list", "--list", LIST_DIR)
    assert done.code == 0, done.err
    assert repo.git("log", "-1", "--format=%s").stdout.strip() == "First list"
    assert "First list" in repo.git("tag", "-n1", "test-list/v1.0").stdout
    assert "First release." in repo.lst.read("CHANGELOG.md")


def test_release_refuses_a_dirty_tree(tmp_path):
    repo = _released(tmp_path)
    repo.edit("controls/3A090.toml", "tpp >= 4800", "tpp >= 6000")
    before = repo.lst.snapshot()
    done = repo.curator("release", "1.1", "--as", "chair", "--list", LIST_DIR)
    assert done.code == 1
    assert "uncommitted changes" in done.err
    assert f"{LIST_DIR}/controls/3A090.toml" in done.err
    assert repo.lst.snapshot() == before
    assert repo.git("tag", "--list", "test-list/v1.1").stdout == ""


def test_release_refuses_an_untracked_file_in_the_list(tmp_path):
    repo = _released(tmp_path)
    repo.lst.write("catalogue/new-chip.toml", 'id = "new-chip"\n')
    done = repo.curator("release", "1.1", "--as", "chair", "--list", LIST_DIR)
    assert done.code == 1
    assert "uncommitted changes" in done.err


def test_release_refuses_a_version_not_greater_than_the_last(tmp_path):
    repo = _released(tmp_path)
    for version in ("1.0", "0.9", "1.0.0"):
        done = repo.curator("release", version, "--as", "chair", "--list", LIST_DIR)
        assert done.code == 1, version
        assert "not greater than the last release 1.0" in done.err


def test_versions_compare_numerically(tmp_path):
    repo = new_repo(tmp_path / "repo")
    assert repo.curator("release", "1.9", "--as", "chair", "--list", LIST_DIR).code == 0
    done = repo.curator("release", "1.10", "--as", "chair", "--list", LIST_DIR)
    assert done.code == 0, done.err


def test_release_refuses_a_version_that_is_not_dotted_numbers(tmp_path):
    repo = new_repo(tmp_path / "repo")
    done = repo.curator("release", "v2", "--as", "chair", "--list", LIST_DIR)
    assert done.code == 2
    assert "not a version" in done.err


def test_release_refuses_a_member_who_is_not_the_chair(tmp_path):
    repo = new_repo(tmp_path / "repo")
    done = repo.curator("release", "1.0", "--as", "industry-1", "--list", LIST_DIR)
    assert done.code == 1
    assert "only the chair" in done.err
    assert repo.git("tag").stdout == ""


def test_release_recognises_the_chair_by_git_email(tmp_path):
    repo = new_repo(tmp_path / "repo")
    repo.git("config", "user.email", "chair@example.org")
    repo.git("config", "user.name", "Committee chair")
    done = run_curator("release", "1.0", "--list", LIST_DIR, cwd=repo.top)
    assert done.code == 0, done.err
    assert repo.git("log", "-1", "--format=%ae").stdout.strip() == "chair@example.org"


def test_release_refuses_a_failing_check(tmp_path):
    repo = new_repo(tmp_path / "repo")
    repo.edit("controls/3A090.toml", 'area = "advanced-computing"', 'area = "nowhere"')
    repo.commit("break the area")
    before = repo.lst.snapshot()
    done = repo.curator("release", "2.0", "--as", "chair", "--list", LIST_DIR)
    assert done.code == 1
    assert "`curator check` finds 1 problem" in done.err
    assert repo.lst.snapshot() == before
    assert repo.git("tag").stdout == ""


def test_changelog_section_groups_by_effect(tmp_path):
    old = make_list(tmp_path / "old")
    new = make_list(tmp_path / "new")
    text = new.read("controls/3A090.toml")
    lowered = text.replace("tpp >= 1600", "tpp >= 1000").replace(">= 5.92", ">= 2")
    new.write("controls/3A090.toml", lowered)
    new.write("controls/3A091.toml", text.replace('"3A090"', '"3A091"'))
    new.write("controls/3A092.toml", text.replace('"3A090"', '"3A092"').replace("A 't", "The t"))
    (old.root / "controls/3A092.toml").write_text(
        new.read("controls/3A091.toml").replace("3A091", "3A092")
    )
    result = diff_lists(load(old.root), load(new.root), "test-list/v1.0", "1.1")
    section = changelog.section(result, "1.1", "2026-12-01", "test-list/v1.0")
    assert section.startswith("## 1.1 — 2026-12-01\n\nCompared with test-list/v1.0.\n")
    assert section.index("### Tightened") < section.index("### Added")
    assert "- **3A091** Integrated circuits for advanced computing: newly captures a100" in section
    tightened = section[section.index("### Tightened") : section.index("### Added")]
    assert "**3A090**" in tightened and "newly captures h20" in tightened
    editorial = section[section.index("### Editorial") :]
    assert "**3A092**" in editorial


def test_prepend_keeps_older_sections_below(tmp_path):
    first = changelog.prepend("", "## 1.0 — 2026-01-01\n\nFirst release.\n")
    second = changelog.prepend(first, "## 1.1 — 2026-02-01\n\nCompared with x.\n")
    assert second.count("# Changelog") == 1
    assert second.index("## 1.1") < second.index("## 1.0")


def test_release_as_the_chair_by_someone_else_is_refused(tmp_path):
    repo = new_repo(tmp_path / "repo")
    before = repo.lst.snapshot()
    head = repo.git("rev-parse", "HEAD").stdout
    member = identity("Industry member 1", "industry-1@example.org")
    done = repo.curator("release", "1.0", "--as", "chair", "--list", LIST_DIR, env=member)
    assert done.code == 1
    assert "you act as chair <chair@example.org>" in done.err
    assert "git here writes commits and tags as <industry-1@example.org>" in done.err
    assert repo.lst.snapshot() == before
    assert repo.git("rev-parse", "HEAD").stdout == head
    assert repo.git("tag").stdout == ""
