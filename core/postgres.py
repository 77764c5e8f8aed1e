"""What the PostgreSQL server here offers beyond the core: extensions such as pg_trgm and rum are installed
by the project's scripts where the server has them, and code that uses one asks first (the embedded
database of `make run` has neither, and takes a slower path)."""

from django.core.cache import cache
from django.db import connection

CACHE_SECONDS = 300


def extension_installed(name: str) -> bool:
    """Whether the database has extension `name` (asked once a process every few minutes)."""
    key = f"core:pg-extension:{connection.settings_dict['NAME']}:{name}"
    installed = cache.get(key)
    if installed is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = %s", [name])
            installed = cursor.fetchone() is not None
        cache.set(key, installed, CACHE_SECONDS)
    return installed
