"""The CI files `curator init` writes, run as the forges run them: a real repository with a base
branch and a change branch, each file read as YAML, its shell run with the variables GitHub or
GitLab would set, and `curator` this checkout's. Installing is left out; what it would install
is checked instead."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from conftest import run_curator
from gitrepo import LIST_DIR, git, identity, new_repo

from curator import DISTRIBUTION, __version__

CHAIR = identity("Committee chair", "chair@example.org")
MEMBER = identity("Industry member 1", "industry-1@example.org")
NO_COMMIT = "0" * 40
DEFAULT_INSTALL = f"python -m pip install {DISTRIBUTION}=={__version__}"
CANCELLED_OK = "${{ !cancelled() }}"


@dataclass
class Forge:
    """A repository with two lists on `main` and a branch `change` made by a member."""

    origin: Path
    base: str  # main's commit
    head: str  # change's commit

    def checkout(self, where: Path, commit: str) -> Path:
        """The repository as a runner has it: cloned whole, `commit` checked out."""
        git(where.parent, "clone", "--quiet", "--no-checkout", str(self.origin), where.name)
        git(where, "checkout", "--quiet", "--detach", commit)
        return where


def make_forge(tmp_path: Path, change, *init_args: str) -> Forge:
    repo = new_repo(tmp_path / "origin")
    done = run_curator(
        "init",
        "lists/second",
        "--chair-name",
        "Committee chair",
        "--chair-email",
        "chair@example.org",
        *init_args,
        cwd=repo.top,
    )
    assert done.code == 0, done.err
    base = repo.commit("A second list, and CI for both", env=CHAIR)
    repo.git("checkout", "--quiet", "-b", "change")
    change(repo)
    head = repo.commit("Raise 3A090.a.1 to 6000", env=MEMBER)
    repo.git("checkout", "--quiet", "main")
    return Forge(repo.top, base, head)


def raise_a1(repo) -> None:
    """The criteria and the text raised together, as check requires."""
    repo.edit("controls/3A090.toml", "tpp >= 4800", "tpp >= 6000")
    repo.edit("controls/3A090.toml", "of 4800 or more", "of 6000 or more")


@pytest.fixture
def forge(tmp_path, cache_home) -> Forge:
    return make_forge(tmp_path, raise_a1)


def runner_env(extra: dict[str, str]) -> dict[str, str]:
    """The variables a job sees, with this checkout's curator first on PATH."""
    bin_dir = Path(sys.executable).parent
    assert (bin_dir / "curator").exists(), "the tests run from the project's virtual environment"
    base = {k: v for k, v in os.environ.items() if not k.startswith(("CURATOR_", "GITHUB_", "CI_"))}
    return {**base, **identity(), "PATH": f"{bin_dir}{os.pathsep}{base['PATH']}", **extra}


# ---------------------------------------------------------------- GitHub Actions


def evaluate(text: str, context: dict) -> str:
    """GitHub's `${{ a.b || c.d }}`, for the property lookups joined by `||` the workflow uses;
    anything else is refused, so the test cannot pass over what it does not understand."""

    def one(match: re.Match) -> str:
        expression = match[1].strip()
        assert re.fullmatch(r"[\w.]+(\s*\|\|\s*[\w.]+)*", expression), expression
        for path in re.split(r"\s*\|\|\s*", expression):
            value: object = {"github": context}
            for key in path.split("."):
                value = value.get(key) if isinstance(value, dict) else None
            if value:
                return str(value)
        return ""

    return re.sub(r"\$\{\{(.*?)\}\}", one, text)


@dataclass
class Step:
    name: str
    code: int
    output: str


@dataclass
class GitHubRun:
    steps: list[Step]
    summary: str
    install: str


def run_github(workflow: Path, checkout: Path, context: dict, tmp_path: Path) -> GitHubRun:
    document = yaml.safe_load(workflow.read_text())
    triggers = document.get("on", document.get(True))  # YAML 1.1 reads a bare `on` as true
    assert set(triggers) == {"push", "pull_request"}
    (job,) = document["jobs"].values()
    job_env = {name: evaluate(str(value), context) for name, value in job["env"].items()}
    summary = tmp_path / "step-summary.md"
    summary.write_text("")
    env = runner_env(
        {
            "GITHUB_STEP_SUMMARY": str(summary),
            "GITHUB_EVENT_NAME": context["event_name"],
            "GITHUB_SHA": context["sha"],
            "GITHUB_WORKSPACE": str(checkout),
            **({"GITHUB_BASE_REF": "main"} if context["event_name"] == "pull_request" else {}),
            **job_env,
        }
    )
    steps, install, failed = [], "", False
    for number, step in enumerate(job["steps"]):
        if "uses" in step:
            if step["uses"].startswith("actions/checkout@"):
                assert step["with"]["fetch-depth"] == 0  # the whole history under review
            continue
        if step.get("name") == "install curator":
            install = step["run"]
            continue
        condition = step.get("if")
        assert condition in (None, CANCELLED_OK), condition
        if failed and condition is None:
            continue  # GitHub skips the steps after a failure unless told otherwise
        step_env_file = tmp_path / f"github-env-{number}"
        step_env_file.write_text("")
        script = tmp_path / f"step-{number}.sh"
        script.write_text(step["run"])
        done = subprocess.run(
            ["bash", "-e", str(script)],
            cwd=checkout,
            env={**env, "GITHUB_ENV": str(step_env_file)},
            capture_output=True,
            text=True,
            timeout=300,
        )
        steps.append(Step(step.get("name", ""), done.returncode, done.stdout + done.stderr))
        failed = failed or done.returncode != 0
        for line in step_env_file.read_text().splitlines():
            assert "<<" not in line  # (the multi-line form is not used)
            name, _, value = line.partition("=")
            env[name] = value
    return GitHubRun(steps, summary.read_text(), install)


def pull_request(forge: Forge, tmp_path: Path) -> GitHubRun:
    """A pull request from `change` into `main`, checked out as GitHub does: the merge of both."""
    checkout = forge.checkout(tmp_path / "work", forge.base)
    git(checkout, "merge", "--quiet", "--no-ff", "--no-edit", forge.head)
    merge = git(checkout, "rev-parse", "HEAD").stdout.strip()
    context = {
        "event_name": "pull_request",
        "sha": merge,
        "event": {"pull_request": {"base": {"sha": forge.base}, "head": {"sha": forge.head}}},
    }
    return run_github(checkout / ".github/workflows/curator.yml", checkout, context, tmp_path)


def test_a_pull_request_is_checked_verified_and_diffed_into_the_job_summary(forge, tmp_path):
    run = pull_request(forge, tmp_path)
    assert [step.code for step in run.steps] == [0, 0, 0], [s.output for s in run.steps]
    names = [step.name for step in run.steps]
    assert names[1:] == [
        "lists/second: check, fmt --check, verify, diff",
        f"{LIST_DIR}: check, fmt --check, verify, diff",
    ]
    summary = run.summary
    assert "### second: 0 controls changed" in summary and "No control changed." in summary
    assert "### test-list: 1 control changed" in summary
    (row,) = [line for line in summary.splitlines() if line.startswith("| **3A090**")]
    assert "**loosened**" in row and "e.g. an item with tpp=4800" in row
    assert row.endswith("| — | ascend-910b, rtx-4090 |")
    assert f"From {forge.base[:12]} to {forge.head[:12]}." in summary


def test_the_workflow_installs_this_project_and_nothing_else(forge, tmp_path):
    assert pull_request(forge, tmp_path).install == DEFAULT_INSTALL


def test_verify_walks_the_pull_requests_commits(tmp_path, cache_home):
    def recommend_by_hand(repo) -> None:  # a chair-only move, made by a member
        repo.edit("controls/3A090.toml", 'status = "proposed"', 'status = "recommended"')

    forge = make_forge(tmp_path, recommend_by_hand)
    run = pull_request(forge, tmp_path)
    second, listed = run.steps[1:]
    assert second.code == 0
    assert listed.code == 1 and "chair-only" in listed.output
    assert "### test-list: 1 control changed" in run.summary  # the summary is written anyway


def test_a_list_with_problems_fails_its_step_and_the_next_list_is_still_reviewed(
    tmp_path, cache_home
):
    def break_second_and_raise(repo) -> None:
        raise_a1(repo)
        bad = repo.top / "lists/second/controls/3A091.toml"
        bad.write_text('id = "3A091"\ntitle = "Broken"\narea = "nowhere"\nstatus = "draft"\n')

    forge = make_forge(tmp_path, break_second_and_raise)
    run = pull_request(forge, tmp_path)
    second, listed = run.steps[1:]
    assert second.code == 1 and "3A091.toml" in second.output
    assert listed.code == 0
    assert "| **3A090**" in run.summary


def test_a_push_reviews_the_commits_it_added(forge, tmp_path):
    checkout = forge.checkout(tmp_path / "work", forge.head)
    context = {"event_name": "push", "sha": forge.head, "event": {"before": forge.base}}
    run = run_github(checkout / ".github/workflows/curator.yml", checkout, context, tmp_path)
    assert [step.code for step in run.steps] == [0, 0, 0], [s.output for s in run.steps]
    assert "| **3A090**" in run.summary


def test_the_first_push_of_a_branch_verifies_its_history_and_says_there_is_no_diff(forge, tmp_path):
    checkout = forge.checkout(tmp_path / "work", forge.head)
    context = {"event_name": "push", "sha": forge.head, "event": {"before": NO_COMMIT}}
    run = run_github(checkout / ".github/workflows/curator.yml", checkout, context, tmp_path)
    assert [step.code for step in run.steps] == [0, 0, 0], [s.output for s in run.steps]
    assert f"{LIST_DIR}: no earlier commit to compare with." in run.summary


# ---------------------------------------------------------------- GitLab CI/CD


@dataclass
class GitLabRun:
    code: int
    output: str
    report: str
    install: str
    job: dict


def run_gitlab(forge: Forge, tmp_path: Path, variables: dict[str, str]) -> GitLabRun:
    """A merge request pipeline: the runner clones, checks out the request's head and runs the
    job's script lines as one shell script that stops at the first failing line."""
    checkout = forge.checkout(tmp_path / "work", forge.head)
    document = yaml.safe_load((checkout / ".gitlab-ci.yml").read_text())
    rules = document["workflow"]["rules"]
    assert rules[0] == {"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}
    job = document["curator"]
    install, *script = job["script"]
    done = subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", "\n".join(script)],
        cwd=checkout,
        env=runner_env({**job["variables"], **variables}),
        capture_output=True,
        text=True,
        timeout=300,
    )
    (report,) = job["artifacts"]["paths"]
    return GitLabRun(
        done.returncode, done.stdout + done.stderr, (checkout / report).read_text(), install, job
    )


@pytest.fixture
def gitlab_forge(tmp_path, cache_home) -> Forge:
    return make_forge(tmp_path, raise_a1, "--ci", "gitlab")


def merge_request(forge: Forge) -> dict[str, str]:
    return {
        "CI_PIPELINE_SOURCE": "merge_request_event",
        "CI_MERGE_REQUEST_DIFF_BASE_SHA": forge.base,
        "CI_COMMIT_SHA": forge.head,
        "CI_COMMIT_BEFORE_SHA": NO_COMMIT,  # what GitLab sets in a merge request pipeline
    }


def test_a_merge_request_pipeline_writes_the_diff_as_a_report(gitlab_forge, tmp_path):
    run = run_gitlab(gitlab_forge, tmp_path, merge_request(gitlab_forge))
    assert run.code == 0, run.output
    assert "### test-list: 1 control changed" in run.report
    assert "### second: 0 controls changed" in run.report
    (row,) = [line for line in run.report.splitlines() if line.startswith("| **3A090**")]
    assert "**loosened**" in row and row.endswith("| — | ascend-910b, rtx-4090 |")
    artifacts = run.job["artifacts"]
    assert artifacts["when"] == "always" and artifacts["expose_as"]
    assert run.install == DEFAULT_INSTALL


def test_a_merge_request_with_a_forged_move_fails_with_the_report_written(tmp_path, cache_home):
    def recommend_by_hand(repo) -> None:
        repo.edit("controls/3A090.toml", 'status = "proposed"', 'status = "recommended"')

    forge = make_forge(tmp_path, recommend_by_hand, "--ci", "gitlab")
    run = run_gitlab(forge, tmp_path, merge_request(forge))
    assert run.code == 1 and "chair-only" in run.output
    assert "### test-list: 1 control changed" in run.report


def test_a_branch_pipeline_reviews_the_pushed_commits(gitlab_forge, tmp_path):
    variables = {
        "CI_PIPELINE_SOURCE": "push",
        "CI_COMMIT_BRANCH": "change",
        "CI_COMMIT_SHA": gitlab_forge.head,
        "CI_COMMIT_BEFORE_SHA": gitlab_forge.base,
    }
    run = run_gitlab(gitlab_forge, tmp_path, variables)
    assert run.code == 0, run.output
    assert "| **3A090**" in run.report


# ---------------------------------------------------------------- what is installed


def test_both_forges_install_from_the_source_given(tmp_path, cache_home):
    url = "git+https://git.example.org/committee/curator.git@v0.1.0"
    repo = new_repo(tmp_path / "origin")
    done = run_curator(
        "init", "lists/second", "--chair-email", "chair@example.org", "--source", url,
        "--ci", "gitlab", cwd=repo.top,
    )  # fmt: skip
    assert done.code == 0, done.err
    done = run_curator(
        "init",
        "lists/third",
        "--chair-email",
        "chair@example.org",
        "--ci",
        "github",
        cwd=repo.top,
    )  # fmt: skip  (the second init keeps the source the first was given)
    assert done.code == 0, done.err
    wanted = f"python -m pip install '{DISTRIBUTION} @ {url}'"
    github = yaml.safe_load((repo.top / ".github/workflows/curator.yml").read_text())
    (install,) = [
        s["run"] for s in github["jobs"]["lists"]["steps"] if "install" in s.get("name", "")
    ]
    assert install == wanted
    gitlab = yaml.safe_load((repo.top / ".gitlab-ci.yml").read_text())
    assert gitlab["curator"]["script"][0] == wanted
