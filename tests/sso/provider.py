"""Start and stop a real OpenID Connect provider (tests/sso/oidc_provider.mjs, node) for a test."""

import json
import os
import subprocess
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("oidc_provider.mjs")


@contextmanager
def oidc_provider(*, clients: list[dict], users: dict[str, dict], jwk: str = ""):
    """Yields the provider's issuer URL while it runs. `jwk`: its signing key (a private JWK, JSON)."""
    env = {**os.environ, "PORT": "0", "CLIENTS": json.dumps(clients), "USERS": json.dumps(users), "JWK": jwk}
    process = subprocess.Popen(
        ["node", str(SCRIPT)], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith("{"):
            raise RuntimeError(f"the test OpenID Connect provider did not start: {line!r}")
        # its later notices go to stdout too: let them go nowhere rather than fill the pipe
        subprocess.Popen(["cat"], stdin=process.stdout, stdout=subprocess.DEVNULL)
        yield json.loads(line)["issuer"]
    finally:
        process.terminate()
        process.wait(timeout=10)
