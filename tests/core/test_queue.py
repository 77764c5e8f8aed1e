"""Finding a task by its name when many threads of a fresh web process ask at once."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# A fresh process, so that no tasks module is imported yet: 16 threads start together, each asks for every
# app's tasks, then looks the e-mail task up by name, as a booking's e-mail does after its commit.
RACE = """
import os, sys, threading
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
import django
django.setup()
from celery import current_app
from core.queue import tasks_import
assert "notifications.tasks.outbound_email_send_task" not in current_app.tasks
start, missing = threading.Barrier(16), []
def ask():
    start.wait()
    tasks_import()
    if "notifications.tasks.outbound_email_send_task" not in current_app.tasks:
        missing.append(1)
threads = [threading.Thread(target=ask) for _ in range(16)]
for t in threads: t.start()
for t in threads: t.join()
print(len(missing))
"""


def test_every_thread_of_a_fresh_process_finds_the_email_task_by_name():
    """Celery's discovery returned nothing to a thread asking while another discovered: its e-mail was not
    queued (seen under the benchmark's 32 booking clients)."""
    result = subprocess.run(
        [sys.executable, "-c", RACE], cwd=ROOT, capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0"
