"""`curator init`: a new list, and what makes its repository work — a .gitignore, pre-commit
hooks and a CI workflow that cover every list in the repository (docs/design.md §11).

The hooks and the CI files are generated for all the lists at once and sealed with a digest of
their text on their last line. A later `init` (another list) rewrites a file that is still as
curator wrote it; a file someone edited, or wrote themselves, is theirs: it is left alone and
the lines it lacks are shown instead.
"""

from __future__ import annotations

import hashlib
import json
import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from curator import DISTRIBUTION, __version__
from curator.core import ids
from curator.core.problems import CuratorError, InvalidValue
from curator.store.formats import validate
from curator.store.formats.atomic import digest, write_atomic
from curator.store.formats.layout import FOLDERS
from curator.store.formats.write import render
from curator.store.git import identity, plumbing
from curator.store.git.repo import git_setup

PRE_COMMIT = ".pre-commit-config.yaml"
CI_FILES = {"github": ".github/workflows/curator.yml", "gitlab": ".gitlab-ci.yml"}
GITIGNORE = ".gitignore"
ARCHIVES = ".curator"  # a wheel or sdist given to --source is kept here, to be committed
DIFF_REPORT = "curator-diff.md"  # the GitLab job's artefact
SEAL = "# curator-init digest: "
SOURCE_NOTE = "# curator-init source: "
PLACEHOLDER_CHAIR = ("Committee chair", "chair@example.org")

# what `--source` may name: a git repository or an archive on the web, or an archive file
GIT_URL = re.compile(r"^git\+(https|http|ssh|file)://\S+$")
ARCHIVE_URL = re.compile(r"^https://\S+\.(whl|tar\.gz|zip)$")
ARCHIVE_NAME = re.compile(r"^(?P<name>.+?)-(?P<version>[0-9][^-]*)(-[^/]+\.whl|\.tar\.gz|\.zip)$")

IGNORED = (  # each pattern with the comment that says why
    (
        "# curator: temporary files left by a write that was killed (the next write removes them)",
        ".curator-*.tmp",
    ),
    (
        "# curator keeps its caches in the user cache folder ($XDG_CACHE_HOME/curator), outside\n"
        "# the repository; a cache folder pointed inside it stays out of commits",
        "/.cache/",
    ),
    ("# the virtual environment the README's install makes", ".venv/"),
)

SKELETON_NOTE = """\
# {title}: the list's manifest.
# Add the members, and declare the technology areas and the parameters your controls'
# criteria use, for example:
#   [areas.advanced-computing]
#   title = "Advanced computing"
#   [parameters.tpp]
#   title = "Total processing performance"
#   unit = "TPP"
"""


@dataclass(frozen=True)
class Source:
    """What the CI installs: `install` is the argument given to pip."""

    install: str
    recorded: str | None = None  # what the next `init` reuses (None: the release of the day)
    archive: tuple[str, bytes] | None = None  # a wheel or sdist to copy into the repository


@dataclass(frozen=True)
class Kept:
    path: str
    reason: str
    missing: str = ""  # the lines curator would have written there for the new list


@dataclass(frozen=True)
class Initialised:
    root: Path
    list_id: str
    lists: tuple[str, ...]  # every list folder the hooks and CI now cover
    chair: tuple[str, str]  # name, email
    chair_placeholder: bool  # no name or email given nor in git config
    created: tuple[str, ...]  # paths relative to the repository
    updated: tuple[str, ...]
    kept: tuple[Kept, ...]
    new_repository: bool
    install: str


@dataclass
class _Plan:
    writes: list[tuple[str, bytes, str | None]] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    kept: list[Kept] = field(default_factory=list)


def init_list(
    folder: Path,
    list_id: str | None,
    title: str | None,
    *,
    chair_name: str | None = None,
    chair_email: str | None = None,
    source: str | None = None,
    ci: str | None = None,
) -> Initialised:
    """A new list in `folder` (git init'ed unless inside a repository), and the hooks and CI of
    its repository extended to it. Everything is checked before the first write; list.toml is
    written last, so a run that fails midway is completed by running it again."""
    if (folder / "list.toml").exists():
        raise CuratorError(f"{folder} already holds a list (list.toml): nothing changed")
    chosen_id = list_id or _slug(folder.resolve().name)
    if not ids.is_slug(chosen_id):
        raise InvalidValue(
            f"'{chosen_id}' is not a valid list id (lower-case letters, digits, hyphens): "
            "choose one with --id",
        )
    chosen_title = (title or chosen_id.replace("-", " ").capitalize()).strip()
    if not chosen_title:
        raise InvalidValue("the title must not be empty")
    near = _nearest_existing(folder)
    name, email, placeholder = _chair(near, chair_name, chair_email)
    manifest = {
        "id": chosen_id,
        "title": chosen_title,
        "members": [{"id": "chair", "name": name, "role": "chair", "email": email}],
    }
    _refuse_invalid(manifest)
    new_repository = _outside_repository(near)
    top, prefix = _planned_place(folder, near, new_repository)
    new_folder = prefix.rstrip("/") or "."
    lists = sorted({*_lists_in(top), new_folder})
    for listed in lists:
        if any(ord(c) < 32 or ord(c) == 127 for c in listed):
            raise InvalidValue(f"{listed!r}: a list folder's name has a control character")
    kinds, recorded = _ci_in_use(top, ci)
    chosen_source = source_of(source, top, recorded)
    if chosen_source.archive is not None:
        kept, data = chosen_source.archive
        if _read(top / kept) not in (None, data):
            raise CuratorError(f"{kept} already exists with other content: nothing changed")

    plan = _Plan()
    for sub in FOLDERS:
        _create(plan, top, f"{prefix}{sub}/.gitkeep", b"")
    if chosen_source.archive is not None:
        _create(plan, top, *chosen_source.archive)
    _extend_gitignore(plan, top)
    _generated(plan, top, PRE_COMMIT, pre_commit(lists, chosen_source), new_folder)
    for kind in kinds:
        text = WORKFLOWS[kind](lists, chosen_source)
        _generated(plan, top, CI_FILES[kind], text, new_folder)

    folder.mkdir(parents=True, exist_ok=True)
    if new_repository:
        plumbing.run(folder, "init", "--quiet")
    for rel, data, expected in plan.writes:
        write_atomic(top / rel, data, expected)
    if git_setup(folder).added_lines:
        plan.created.append(".gitattributes")
    manifest_rel = f"{prefix}list.toml"
    note = SKELETON_NOTE.format(title=chosen_title)
    write_atomic(top / manifest_rel, render("list", manifest, note).encode(), expected=None)
    plan.created.insert(0, manifest_rel)
    return Initialised(
        root=folder,
        list_id=chosen_id,
        lists=tuple(lists),
        chair=(name, email),
        chair_placeholder=placeholder,
        created=tuple(plan.created),
        updated=tuple(plan.updated),
        kept=tuple(plan.kept),
        new_repository=new_repository,
        install=chosen_source.install,
    )


# ---------------------------------------------------------------- checked before writing


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:64]


def _nearest_existing(folder: Path) -> Path:
    here = folder.resolve()
    while not here.is_dir():
        here = here.parent
    return here


def _outside_repository(near: Path) -> bool:
    return plumbing.run(near, "rev-parse", "--git-dir", check=False).returncode != 0


def _planned_place(folder: Path, near: Path, new_repository: bool) -> tuple[Path, str]:
    """The repository top the list will sit in and its folder there ('' or 'lists/x/'), before
    anything is made: a folder outside any repository becomes one."""
    target = folder.resolve()
    if new_repository:
        return target, ""
    top = Path(plumbing.text(near, "rev-parse", "--show-toplevel")).resolve()
    rel = target.relative_to(top).as_posix()
    return top, "" if rel == "." else f"{rel}/"


def _chair(near: Path, name: str | None, email: str | None) -> tuple[str, str, bool]:
    """The chair's name and email: as given, else git's user.name and user.email, else
    placeholders to replace (said so)."""
    name = name if name is not None else identity.git_setting(near, "user.name")
    email = email if email is not None else identity.git_setting(near, "user.email")
    placeholder = name is None or email is None
    return (
        (name or PLACEHOLDER_CHAIR[0]).strip(),
        (email or PLACEHOLDER_CHAIR[1]).strip(),
        placeholder,
    )


def _refuse_invalid(manifest: dict) -> None:
    """The list's own schema judges the manifest, the chair's name and email with it."""
    issues = validate.validate("list", validate.json_view(manifest))
    if not issues:
        return
    path, _, message = issues[0]
    given = {
        "name": "--chair-name or git config user.name",
        "email": "--chair-email or git config user.email",
    }
    if path[:2] == ("members", 0) and len(path) == 3 and path[2] in given:
        raise InvalidValue(f"the chair's {path[2]}: {message} (from {given[path[2]]})")
    key = ".".join(map(str, path)) or "list.toml"
    raise InvalidValue(f"list.toml would not be valid: {key}: {message}")


def _lists_in(top: Path) -> list[str]:
    """Every list folder of the repository, committed or not (ignored files left out)."""
    if not (top / ".git").exists():
        return []
    done = plumbing.run(
        top,
        "ls-files",
        "-z",
        "--cached",
        "--others",
        "--exclude-standard",
        "--",
        ":(glob)**/list.toml",
    )
    found = set()
    for path in done.stdout.decode("utf-8", "replace").split("\0"):
        if path and (top / path).is_file():
            found.add(path.rpartition("/")[0] or ".")
    return sorted(found)


def source_of(spec: str | None, top: Path, recorded: str | None = None) -> Source:
    """What the CI installs: `spec` (--source), else what an earlier `init` recorded, else this
    release from the package index. A URL is pinned to this distribution by name, so pip
    refuses anything else found there; an archive outside the repository is copied into it,
    since the CI has only the repository."""
    given = spec if spec is not None else recorded
    if given is None:
        return Source(f"{DISTRIBUTION}=={__version__}")
    if GIT_URL.match(given) or ARCHIVE_URL.match(given):
        return Source(f"{DISTRIBUTION} @ {given}", given)
    path = Path(given) if spec is not None else top / given  # a recorded path is in the repository
    if not path.is_file():
        if spec is None:
            raise InvalidValue(
                f"{given}, which the CI installs curator from, is gone: pass --source"
            )
        raise InvalidValue(
            f"--source {given!r} is neither a URL (git+https://…, or https://… of a wheel or "
            "sdist) nor an existing wheel or sdist file",
        )
    shape = ARCHIVE_NAME.match(path.name)
    if shape is None or re.sub(r"[-_.]+", "-", shape["name"]).lower() != DISTRIBUTION:
        raise InvalidValue(
            f"--source {given!r} is not a wheel or sdist of {DISTRIBUTION} "
            f"({DISTRIBUTION.replace('-', '_')}-<version>-….whl or …-<version>.tar.gz)",
        )
    resolved = path.resolve()
    if resolved.is_relative_to(top):
        inside = resolved.relative_to(top).as_posix()
        return Source(f"./{inside}", inside)
    kept = f"{ARCHIVES}/{path.name}"
    return Source(f"./{kept}", kept, (kept, path.read_bytes()))


def _ci_in_use(top: Path, asked: str | None) -> tuple[list[str], str | None]:
    """The CI files to write: the kind asked for, and those an earlier `init` wrote (github
    when there is none); and the source one of those recorded."""
    kinds, recorded = [], None
    for kind, rel in CI_FILES.items():
        raw = _read(top / rel)
        text = raw.decode("utf-8", "replace") if raw is not None else ""
        if SEAL in text or kind == asked:
            kinds.append(kind)
        found = re.search(rf"^{re.escape(SOURCE_NOTE)}(.+)$", text, re.MULTILINE)
        if found and recorded is None:
            recorded = found[1].strip()
    return kinds or ["github"], recorded


# ---------------------------------------------------------------- what is written


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _create(plan: _Plan, top: Path, rel: str, data: bytes) -> None:
    raw = _read(top / rel)
    if raw is None:
        plan.writes.append((rel, data, None))
        plan.created.append(rel)
    elif raw != data:
        plan.kept.append(Kept(rel, "it already exists"))


def _extend_gitignore(plan: _Plan, top: Path) -> None:
    """Lines are only ever added to a .gitignore, so one of the user's own is extended too."""
    raw = _read(top / GITIGNORE)
    lines = (raw or b"").decode("utf-8", "replace").splitlines()
    missing = [f"{why}\n{pattern}" for why, pattern in IGNORED if pattern not in lines]
    if not missing:
        return
    text = "\n".join([*lines, *([""] if lines and lines[-1].strip() else []), *missing]) + "\n"
    plan.writes.append((GITIGNORE, text.encode(), digest(raw)))
    (plan.created if raw is None else plan.updated).append(GITIGNORE)


def _generated(plan: _Plan, top: Path, rel: str, text: str, new_folder: str) -> None:
    """Write `text` (sealed) unless the file there is someone's own."""
    data = seal(text).encode()
    raw = _read(top / rel)
    if raw is None:
        plan.writes.append((rel, data, None))
        plan.created.append(rel)
    elif raw == data:
        return
    elif unsealed(raw) is not None:
        plan.writes.append((rel, data, digest(raw)))
        plan.updated.append(rel)
    else:
        edited = SEAL.encode() in raw
        reason = "edited since curator wrote it" if edited else "not written by curator"
        block = _list_block(text, new_folder) if edited else text
        plan.kept.append(Kept(rel, reason, block))


def seal(text: str) -> str:
    return f"{text}{SEAL}{_digest(text)}\n"


def unsealed(raw: bytes) -> str | None:
    """The text of a file curator wrote and nobody edited since; None for any other."""
    text = raw.decode("utf-8", "replace")
    body, mark, tail = text.rpartition(SEAL)
    return body if mark and tail == f"{_digest(body)}\n" else None


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


BLOCK = "# ---"  # a list's part of a generated file starts with `# --- <folder>`; `# ---` ends


def _list_block(text: str, folder: str) -> str:
    """The lines of generated `text` that belong to list `folder`."""
    found: list[str] = []
    for line in text.splitlines(keepends=True):
        mark = line.strip()
        if mark.startswith(BLOCK):
            if found:
                break
            if mark == f"{BLOCK} {folder}":
                found.append(line)
        elif found:
            found.append(line)
    return "".join(found)


# ---------------------------------------------------------------- the generated files


def _header(lists: Sequence[str], source: Source, what: str) -> list[str]:
    lines = [
        f"# {what}, written by `curator init` for {', '.join(lists)}.",
        "# `curator init` rewrites this file for each new list while it is as written here",
        "# (its last line holds a digest of it). Edit it and it is yours: curator leaves it",
        "# alone and shows the lines to add for a new list.",
    ]
    if source.recorded is not None:
        lines.append(f"{SOURCE_NOTE}{source.recorded}")
    return lines


def _pip_install(source: Source) -> str:
    return f"python -m pip install {shlex.quote(source.install)}"


def _yaml(text: str) -> str:
    """A YAML scalar for `text`: plain where that is safe, else double-quoted (JSON's escapes
    are YAML's)."""
    if re.fullmatch(r"[A-Za-z0-9_./^\\][A-Za-z0-9_./^\\ +=,-]*", text) and not text.endswith(" "):
        return text
    return json.dumps(text, ensure_ascii=False)


def _indented(lines: Sequence[str], spaces: int) -> list[str]:
    return [" " * spaces + line if line else "" for line in lines]


def pre_commit(lists: Sequence[str], source: Source) -> str:
    lines = [
        *_header(lists, source, "pre-commit hooks (https://pre-commit.com)"),
        "# Each list is checked and formatted before every commit that touches it, by the",
        "# curator installed where you commit:",
        f"#   {_pip_install(source)}",
        "repos:",
        "  - repo: local",
        "    hooks:",
    ]
    for folder in lists:
        quoted = shlex.quote(folder)
        files = "^" + re.escape("" if folder == "." else f"{folder}/")
        lines.append(f"      {BLOCK} {folder}")
        for hook, verb in (("curator-check", "check"), ("curator-fmt", "fmt")):
            lines += [
                f"      - id: {hook}",
                f"        name: {_yaml(f'curator {verb} {folder}')}",
                f"        entry: {_yaml(f'curator {verb} --list {quoted}')}",
                "        language: system",
                f"        files: {_yaml(files)}",
                "        pass_filenames: false",
            ]
    lines.append(f"      {BLOCK}")
    return "\n".join(lines) + "\n"


# the commits a run looks at: a pull or merge request's own, or those a push added; SPAN is
# what `verify` walks, SINCE what `diff` compares with (none for a new branch's first push)
REVIEWED = """\
if [ -n "$BASE" ] && git cat-file -e "$BASE^{commit}" 2>/dev/null; then
  SPAN="$BASE..$HEAD"
  SINCE="$(git merge-base "$BASE" "$HEAD")"
else
  SPAN="$HEAD"
  SINCE=""
fi"""


def _list_script(folder: str, report: str) -> list[str]:
    """check, fmt --check, verify and the review's diff for one list, each run whatever the
    others said; `status` is 1 when any failed."""
    quoted = shlex.quote(folder)
    return [
        f"curator check --list {quoted} || status=1",
        f"curator fmt --check --list {quoted} || status=1",
        f'curator verify --list {quoted} "$SPAN" || status=1',
        'if [ -n "$SINCE" ]; then',
        f'  curator diff --list {quoted} --format markdown "$SINCE" "$HEAD" >> {report} || status=1',
        "else",
        f"  echo {shlex.quote(f'{folder}: no earlier commit to compare with.')} >> {report}",
        "fi",
    ]


def github_workflow(lists: Sequence[str], source: Source) -> str:
    lines = [
        *_header(lists, source, "GitHub Actions workflow"),
        "name: curator",
        "on:",
        "  push:",
        "  pull_request:",
        "permissions:",
        "  contents: read",
        "jobs:",
        "  lists:",
        "    runs-on: ubuntu-latest",
        "    env:",
        "      BASE: ${{ github.event.pull_request.base.sha || github.event.before }}",
        "      HEAD: ${{ github.event.pull_request.head.sha || github.sha }}",
        "    steps:",
        "      - uses: actions/checkout@v4",
        "        with:",
        "          fetch-depth: 0  # verify and diff read the commits under review",
        "      - uses: actions/setup-python@v5",
        "        with:",
        '          python-version: "3.12"',
        "      - name: install curator",
        f"        run: {_yaml(_pip_install(source))}",
        "      - name: the commits under review",
        "        run: |",
        *_indented(REVIEWED.splitlines(), 10),
        '          echo "SPAN=$SPAN" >> "$GITHUB_ENV"',
        '          echo "SINCE=$SINCE" >> "$GITHUB_ENV"',
    ]
    for folder in lists:
        script = _list_script(folder, '"$GITHUB_STEP_SUMMARY"')
        lines += [
            f"      {BLOCK} {folder}",
            f"      - name: {_yaml(f'{folder}: check, fmt --check, verify, diff')}",
            "        if: ${{ !cancelled() }}  # every list, whatever another one found",
            "        run: |",
            "          status=0",
            *_indented(script, 10),
            "          exit $status",
        ]
    lines.append(f"      {BLOCK}")
    return "\n".join(lines) + "\n"


def gitlab_ci(lists: Sequence[str], source: Source) -> str:
    lines = [
        *_header(lists, source, "GitLab CI/CD pipeline"),
        "workflow:",
        "  rules:  # merge request pipelines, and branch pipelines where no request is open",
        '    - if: $CI_PIPELINE_SOURCE == "merge_request_event"',
        "    - if: $CI_COMMIT_BRANCH && $CI_OPEN_MERGE_REQUESTS",
        "      when: never",
        "    - if: $CI_COMMIT_BRANCH",
        "curator:",
        "  image: python:3.12",
        "  variables:",
        '    GIT_DEPTH: "0"  # verify and diff read the commits under review',
        "  script:",
        f"    - {_yaml(_pip_install(source))}",
        "    - |",
        '      if [ -f "$(git rev-parse --git-dir)/shallow" ]; then git fetch --quiet --unshallow; fi',
        '      BASE="${CI_MERGE_REQUEST_DIFF_BASE_SHA:-$CI_COMMIT_BEFORE_SHA}"',
        '      HEAD="${CI_MERGE_REQUEST_SOURCE_BRANCH_SHA:-$CI_COMMIT_SHA}"',
        *_indented(REVIEWED.splitlines(), 6),
        f"      : > {DIFF_REPORT}",
        "      status=0",
    ]
    for folder in lists:
        lines += [
            f"    {BLOCK} {folder}",
            "    - |",
            *_indented(_list_script(folder, DIFF_REPORT), 6),
        ]
    lines += [
        f"    {BLOCK}",
        f"    - cat {DIFF_REPORT}",
        "    - exit $status",
        "  artifacts:",
        "    when: always",
        "    expose_as: curator diff",
        "    paths:",
        f"      - {DIFF_REPORT}",
    ]
    return "\n".join(lines) + "\n"


WORKFLOWS = {"github": github_workflow, "gitlab": gitlab_ci}
