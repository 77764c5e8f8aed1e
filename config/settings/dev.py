"""Local development: DEBUG on, console e-mail, eager tasks when Redis does not answer."""

import socket
from urllib.parse import urlparse

from .base import *  # noqa: F403
from .base import CELERY_BROKER_URL, env

DEBUG = env.bool("DEBUG", default=True)


def _broker_answers(url: str) -> bool:
    parts = urlparse(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), timeout=0.5):
            return True
    except OSError:
        return False


# A provider on this machine may stand in for a council's while developing.
SSO_ALLOW_LOCAL_ISSUER = env.bool("SSO_ALLOW_LOCAL_ISSUER", default=True)

if not env.bool("CELERY_TASK_ALWAYS_EAGER", default=False) and not _broker_answers(CELERY_BROKER_URL):
    CELERY_TASK_ALWAYS_EAGER = True
    print(f"Redis does not answer at {CELERY_BROKER_URL}: running Celery tasks eagerly, in the web process.")  # noqa: T201
