"""`make run` picks its database with scripts/dev_database.py; its output is used as DATABASE_URL."""

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "dev_database.py"


def run(**env):
    base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return subprocess.run(
        [sys.executable, str(SCRIPT)], env={**base, **env}, capture_output=True, text=True, timeout=60
    )


def test_an_explicit_database_url_wins():
    result = run(DATABASE_URL="postgres://someone@db.example:5432/elsewhere")
    assert result.stdout.strip() == "postgres://someone@db.example:5432/elsewhere"


def test_local_postgresql_is_used_when_it_answers(db):
    result = run()
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "postgres://postgres@127.0.0.1:5432/talentpool"
