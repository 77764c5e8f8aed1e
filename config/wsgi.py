"""
WSGI config for talentpool project.

It exposes the WSGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/wsgi/
"""

import contextlib
import gc
import os

from django.core.wsgi import get_wsgi_application

from core.queue import tasks_import  # Celery's current app only: nothing of Django's apps
from talentpool.reference import english_words  # reference data only: no model, nothing set up

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_wsgi_application()


def _warm_and_freeze() -> None:
    """Load what every request uses (the URL patterns, the templates, the search's English words), then
    move every object alive so far out of reach of Python's cyclic garbage collector (`gc.freeze`). They
    live as long as the process; left in, each full collection walked them all: 180,000 objects, a 70 ms
    pause in one search in fifty (benchmarks/README.md). Objects made by requests are collected as
    before."""
    from django.template import TemplateDoesNotExist, engines
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports every app's views and URL patterns)
    tasks_import()  # every app's tasks, registered before the first request queues one
    for engine in engines.all():
        with contextlib.suppress(TemplateDoesNotExist):  # an engine without one: nothing to load early
            engine.get_template("base.html")  # the base template and every include it names
    english_words()  # the word list a search with a word no profile uses reads (0.2 s)
    gc.freeze()


_warm_and_freeze()
