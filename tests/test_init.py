"""`curator init DIR`: a new list that passes check and fmt --check from the start, chaired by
whoever runs it, in a repository whose hooks, CI and .gitignore work for every list in it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml
from conftest import make_list, run_curator
from gitrepo import git

from curator import DISTRIBUTION, __version__
from curator.core.problems import CuratorError
from curator.store.formats.atomic import WriteFailed
from curator.store.index.load import load
from curator.store.setup import scaffold

PROJECT = Path(__file__).resolve().parents[1]
WORKFLOW = ".github/workflows/curator.yml"


@pytest.fixture
def who(tmp_path) -> dict[str, str]:
    """A git identity of the test's own, as `git config --global` would give it."""
    config = tmp_path / "gitconfig"
    config.write_text("[user]\n\tname = Ada Chair\n\temail = ada@example.org\n")
    return {"GIT_CONFIG_GLOBAL": str(config), "GIT_CONFIG_NOSYSTEM": "1"}


@pytest.fixture
def nobody(tmp_path) -> dict[str, str]:
    """No git identity at all."""
    config = tmp_path / "empty-gitconfig"
    config.write_text("")
    return {"GIT_CONFIG_GLOBAL": str(config), "GIT_CONFIG_NOSYSTEM": "1"}


def init(*args: str, env: dict[str, str], cwd: Path | None = None):
    return run_curator("init", *args, env=env, cwd=cwd)


def repository(top: Path) -> Path:
    top.mkdir(parents=True)
    git(top, "init", "--quiet", "-b", "main")
    return top


def tree(top: Path) -> dict[str, bytes]:
    return {
        p.relative_to(top).as_posix(): p.read_bytes()
        for p in sorted(top.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(top).parts
    }


# ---------------------------------------------------------------- the list


def test_init_creates_a_valid_canonical_list_in_a_new_repository(tmp_path, who):
    folder = tmp_path / "quantum-list"
    done = init(str(folder), "--title", "Quantum controls", env=who)
    assert done.code == 0, done.err
    assert (folder / ".git").is_dir()
    loaded = load(folder)
    assert loaded.problems == ()
    assert (loaded.manifest.id, loaded.manifest.title) == ("quantum-list", "Quantum controls")
    for sub in ("controls", "catalogue", "discussion", "public-comments"):
        assert (folder / sub / ".gitkeep").is_file()
    assert run_curator("check", "--list", str(folder)).code == 0
    assert run_curator("fmt", "--check", "--list", str(folder)).code == 0


def test_the_chair_is_who_git_says_you_are(tmp_path, who):
    folder = tmp_path / "list"
    done = init(str(folder), env=who)
    assert done.code == 0, done.err
    chair = load(folder).manifest.chair
    assert (chair.id, chair.name, chair.email) == ("chair", "Ada Chair", "ada@example.org")
    assert "chaired by Ada Chair <ada@example.org>" in done.out


def test_the_chair_given_wins_over_git_config(tmp_path, who):
    folder = tmp_path / "list"
    done = init(str(folder), "--chair-name", "Bo Chair", "--chair-email", "bo@example.org", env=who)
    assert done.code == 0, done.err
    chair = load(folder).manifest.chair
    assert (chair.name, chair.email) == ("Bo Chair", "bo@example.org")


def test_the_chair_recognised_by_git_config_may_release_at_once(tmp_path, who):
    folder = tmp_path / "list"
    assert init(str(folder), "--id", "dual-use", env=who).code == 0
    git(folder, "add", "-A")
    git(folder, "commit", "--quiet", "-m", "New list")
    done = run_curator("release", "0.1", "--list", str(folder), env=who)  # no --as
    assert done.code == 0, done.err
    assert git(folder, "tag").stdout.split() == ["dual-use/v0.1"]


def test_without_a_git_identity_the_chair_is_a_placeholder_and_init_says_so(tmp_path, nobody):
    folder = tmp_path / "list"
    done = init(str(folder), env=nobody)
    assert done.code == 0, done.err
    chair = load(folder).manifest.chair
    assert (chair.name, chair.email) == ("Committee chair", "chair@example.org")
    assert "the chair is a placeholder" in done.out


def test_an_invalid_chair_email_is_refused_and_nothing_is_written(tmp_path, who):
    top = repository(tmp_path / "repo")
    before = tree(top)
    done = init("lists/new", "--chair-email", "not an email", env=who, cwd=top)
    assert done.code == 2
    assert done.err.startswith("curator: the chair's email: ")
    assert "--chair-email" in done.err and "Traceback" not in done.err
    assert tree(top) == before and not (top / "lists").exists()


def test_an_invalid_email_in_git_config_is_refused_too(tmp_path):
    config = tmp_path / "gitconfig"
    config.write_text("[user]\n\tname = Ada\n\temail = ada at example\n")
    env = {"GIT_CONFIG_GLOBAL": str(config), "GIT_CONFIG_NOSYSTEM": "1"}
    done = init(str(tmp_path / "list"), env=env)
    assert done.code == 2 and "git config user.email" in done.err
    assert not (tmp_path / "list").exists()


def test_init_refuses_a_folder_that_already_has_a_list(tmp_path, who):
    folder = tmp_path / "list"
    folder.mkdir()
    (folder / "list.toml").write_text('id = "x"\ntitle = "X"\n')
    done = init(str(folder), env=who)
    assert done.code == 1
    assert "already holds a list" in done.err
    assert (folder / "list.toml").read_text() == 'id = "x"\ntitle = "X"\n'
    assert not (folder / ".git").exists()


def test_init_refuses_an_id_that_cannot_be_a_list_id(tmp_path, who):
    done = init(str(tmp_path / "list"), "--id", "Not An Id", env=who)
    assert done.code == 2
    assert "not a valid list id" in done.err


def test_init_inside_a_repository_uses_it(tmp_path, who):
    top = repository(tmp_path / "repo")
    done = init(str(top / "lists" / "new-list"), env=who)
    assert done.code == 0, done.err
    assert not (top / "lists" / "new-list" / ".git").exists()
    assert "lists/**/controls/*.toml merge=curator" in (top / ".gitattributes").read_text()
    assert "curator check --list lists/new-list" in (top / WORKFLOW).read_text()


def test_a_run_that_failed_midway_is_completed_by_running_it_again(tmp_path, who, monkeypatch):
    top = repository(tmp_path / "repo")
    for name, value in who.items():
        monkeypatch.setenv(name, value)
    real = scaffold.write_atomic

    def full_disk_at_the_manifest(path, data, expected="any", durable=True):
        if path.name == "list.toml":
            raise WriteFailed(path, OSError(28, "No space left on device"))
        real(path, data, expected, durable)

    monkeypatch.setattr(scaffold, "write_atomic", full_disk_at_the_manifest)
    with pytest.raises(CuratorError):
        scaffold.init_list(top / "lists" / "new", None, None)
    assert not (top / "lists/new/list.toml").exists()
    monkeypatch.setattr(scaffold, "write_atomic", real)
    done = scaffold.init_list(top / "lists" / "new", None, None)
    assert done.kept == ()  # what the first run wrote is taken as it is, nothing refused
    assert load(top / "lists" / "new").problems == ()
    assert "curator check --list lists/new" in (top / WORKFLOW).read_text()


# ---------------------------------------------------------------- .gitignore


def test_the_gitignore_keeps_temp_files_and_caches_out_of_commits(tmp_path, who):
    top = repository(tmp_path / "repo")
    assert init("lists/new", env=who, cwd=top).code == 0
    left = ["lists/new/controls/.curator-4242-0.tmp", ".cache/curator/lists/x", ".venv/bin/python"]
    for rel in left:
        (top / rel).parent.mkdir(parents=True, exist_ok=True)
        (top / rel).write_text("x")
    assert git(top, "check-ignore", *left).stdout.split() == left
    kept = ["lists/new/list.toml", ".gitignore", WORKFLOW, ".pre-commit-config.yaml"]
    assert git(top, "check-ignore", *kept, check=False).stdout == ""


def test_a_gitignore_of_your_own_is_extended_not_replaced(tmp_path, who):
    top = repository(tmp_path / "repo")
    (top / ".gitignore").write_text("build/\n.venv/\n")
    assert init("lists/new", env=who, cwd=top).code == 0
    lines = (top / ".gitignore").read_text().splitlines()
    assert lines[:2] == ["build/", ".venv/"] and ".curator-*.tmp" in lines
    assert lines.count(".venv/") == 1 and not any("virtual environment" in x for x in lines)
    assert init("lists/other", env=who, cwd=top).code == 0
    assert (top / ".gitignore").read_text().splitlines() == lines  # nothing added twice


# ---------------------------------------------------------------- hooks and CI of every list


def test_the_hooks_run_the_installed_curator_on_each_list(tmp_path, who):
    top = repository(tmp_path / "repo")
    assert init("lists/new-list", env=who, cwd=top).code == 0
    config = (top / ".pre-commit-config.yaml").read_text()
    assert "repo: local" in config and "http" not in config.replace("https://pre-commit.com", "")
    entries = re.findall(r"entry: (.+)", config)
    assert entries == ["curator check --list lists/new-list", "curator fmt --list lists/new-list"]
    for entry in entries:  # what pre-commit runs, from the repository's top
        assert run_curator(*entry.split()[1:], cwd=top).code == 0
    (files,) = set(re.findall(r"files: (.+)", config))
    assert re.match(files, "lists/new-list/controls/3A090.toml")
    assert not re.match(files, "lists/other/controls/3A090.toml")


def test_a_second_list_extends_the_hooks_and_the_ci_to_every_list(tmp_path, who):
    top = repository(tmp_path / "repo")
    make_list(top / "lists" / "committed")
    git(top, "add", "-A")
    git(top, "commit", "--quiet", "-m", "A list made by hand")
    assert init("lists/alpha", env=who, cwd=top).code == 0
    done = init("lists/beta", env=who, cwd=top)
    assert done.code == 0, done.err
    assert f"updated {WORKFLOW}" in done.out and "updated .pre-commit-config.yaml" in done.out
    every = ["lists/alpha", "lists/beta", "lists/committed"]
    hooks = (top / ".pre-commit-config.yaml").read_text()
    assert re.findall(r"entry: curator check --list (.+)", hooks) == every
    assert re.findall(r"entry: curator fmt --list (.+)", hooks) == every
    workflow = (top / WORKFLOW).read_text()
    assert re.findall(r"curator verify --list (\S+)", workflow) == every
    assert re.findall(r"curator diff --list (\S+) --format markdown", workflow) == every


def test_an_edited_ci_file_is_left_alone_and_the_lines_for_the_new_list_shown(tmp_path, who):
    top = repository(tmp_path / "repo")
    assert init("lists/alpha", env=who, cwd=top).code == 0
    edited = (
        (top / WORKFLOW).read_text().replace('python-version: "3.12"', 'python-version: "3.13"')
    )
    (top / WORKFLOW).write_text(edited)
    done = init("lists/beta", env=who, cwd=top)
    assert done.code == 0, done.err
    assert (top / WORKFLOW).read_text() == edited
    assert f"kept {WORKFLOW} (edited since curator wrote it)" in done.out
    shown = done.out.split(f"kept {WORKFLOW}", 1)[1].split("hooks and CI for", 1)[0]
    assert "curator verify --list lists/beta" in shown and "lists/alpha" not in shown
    assert "updated .pre-commit-config.yaml" in done.out  # the unedited one still follows


def test_a_ci_file_not_written_by_curator_is_left_alone(tmp_path, who):
    top = repository(tmp_path / "repo")
    (top / ".gitlab-ci.yml").write_text("test:\n  script: make test\n")
    done = init("lists/alpha", "--ci", "gitlab", env=who, cwd=top)
    assert done.code == 0, done.err
    assert (top / ".gitlab-ci.yml").read_text() == "test:\n  script: make test\n"
    assert "kept .gitlab-ci.yml (not written by curator)" in done.out
    assert "curator-diff.md" in done.out  # curator's whole file shown, to merge by hand


def test_gitlab_ci_is_written_on_request_and_then_kept_up_to_date(tmp_path, who):
    top = repository(tmp_path / "repo")
    assert init("lists/alpha", "--ci", "gitlab", env=who, cwd=top).code == 0
    assert not (top / WORKFLOW).exists()
    assert init("lists/beta", env=who, cwd=top).code == 0
    gitlab = (top / ".gitlab-ci.yml").read_text()
    assert "CI_MERGE_REQUEST_DIFF_BASE_SHA" in gitlab
    assert re.findall(r"curator check --list (\S+)", gitlab) == ["lists/alpha", "lists/beta"]
    assert not (top / WORKFLOW).exists()  # only the forge in use


# ---------------------------------------------------------------- what the CI installs


def install_line(top: Path) -> str:
    steps = yaml.safe_load((top / WORKFLOW).read_text())["jobs"]["lists"]["steps"]
    (line,) = [step["run"] for step in steps if step.get("name") == "install curator"]
    return line


def test_the_ci_installs_this_release_from_the_package_index(tmp_path, who):
    top = repository(tmp_path / "repo")
    assert init("lists/alpha", env=who, cwd=top).code == 0
    assert install_line(top) == f"python -m pip install {DISTRIBUTION}=={__version__}"
    hooks = (top / ".pre-commit-config.yaml").read_text()
    assert f"#   python -m pip install {DISTRIBUTION}=={__version__}\n" in hooks


def test_a_git_url_is_installed_under_this_distributions_name(tmp_path, who):
    top = repository(tmp_path / "repo")
    url = "git+https://git.example.org/committee/curator.git@main"
    assert init("lists/alpha", "--source", url, env=who, cwd=top).code == 0
    assert install_line(top) == f"python -m pip install '{DISTRIBUTION} @ {url}'"


def test_a_wheel_outside_the_repository_is_copied_into_it(tmp_path, who):
    top = repository(tmp_path / "repo")
    wheel = tmp_path / "dist" / "export_control_curator-0.1.0-py3-none-any.whl"
    wheel.parent.mkdir()
    wheel.write_bytes(b"PK wheel bytes")
    done = init("lists/alpha", "--source", str(wheel), env=who, cwd=top)
    assert done.code == 0, done.err
    kept = top / ".curator" / wheel.name
    assert kept.read_bytes() == b"PK wheel bytes"
    assert install_line(top) == f"python -m pip install ./.curator/{wheel.name}"
    assert init("lists/beta", env=who, cwd=top).code == 0  # the next init keeps that source
    assert install_line(top) == f"python -m pip install ./.curator/{wheel.name}"


def test_a_wheel_inside_the_repository_is_installed_where_it_is(tmp_path, who):
    top = repository(tmp_path / "repo")
    wheel = top / "vendor" / "export_control_curator-0.2.0.tar.gz"
    wheel.parent.mkdir()
    wheel.write_bytes(b"sdist")
    assert init("lists/alpha", "--source", str(wheel), env=who, cwd=top).code == 0
    assert install_line(top) == f"python -m pip install ./vendor/{wheel.name}"
    assert not (top / ".curator").exists()


@pytest.mark.parametrize(
    "source",
    ["curator==0.1.0", "https://example.org/page", "no-such-file.whl", "ftp://example.org/x.whl"],
)
def test_a_source_that_is_neither_url_nor_file_is_refused_and_nothing_written(
    tmp_path, who, source
):
    top = repository(tmp_path / "repo")
    before = tree(top)
    done = init("lists/new", "--source", source, env=who, cwd=top)
    assert done.code == 2
    assert "neither a URL" in done.err and "Traceback" not in done.err
    assert tree(top) == before and not (top / "lists").exists()


def test_a_wheel_of_another_project_is_refused(tmp_path, who):
    wheel = tmp_path / "curator-2.1-py3-none-any.whl"  # the image-gallery generator's
    wheel.write_bytes(b"PK")
    done = init(str(tmp_path / "list"), "--source", str(wheel), env=who)
    assert done.code == 2 and f"not a wheel or sdist of {DISTRIBUTION}" in done.err
    assert not (tmp_path / "list").exists()


# ---------------------------------------------------------------- the name on the index


def test_the_distribution_is_ours_and_the_command_and_package_keep_their_name():
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text())["project"]
    assert (project["name"], project["version"]) == (DISTRIBUTION, __version__)
    assert project["scripts"] == {"curator": "curator.cli:run"}
    assert run_curator("--version").out.strip() == f"curator {__version__}"


def test_nothing_in_the_project_installs_the_other_curator():
    """`curator` on the package index is an unrelated image-gallery generator."""
    texts = [PROJECT / "README.md", PROJECT / ".pre-commit-hooks.yaml"]
    texts += sorted((PROJECT / "curator").rglob("*.py"))
    for path in texts:
        text = path.read_text()
        assert not re.search(r"pip install( -\S+)* [\"']?curator([=<>~!\s\"']|$)", text), path


def test_this_project_provides_the_hooks_it_configures():
    hooks = (PROJECT / ".pre-commit-hooks.yaml").read_text()
    assert "- id: curator-check\n" in hooks and "entry: curator check\n" in hooks
    assert "- id: curator-fmt\n" in hooks and "entry: curator fmt\n" in hooks
