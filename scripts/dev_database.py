"""Print the DATABASE_URL `make run` should use, creating the database or starting one if needed.

1. DATABASE_URL when it is set;
2. else PostgreSQL on 127.0.0.1:5432 (database `talentpool`, created if missing);
3. else an embedded PostgreSQL (pgserver) with its data under .data/pgdata.
"""

import os
import socket
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    if os.environ.get("DATABASE_URL"):
        return
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
    except OSError:
        import pgserver

        server = pgserver.get_server(ROOT / ".data" / "pgdata", cleanup_mode=None)
        if "talentpool" not in server.psql("SELECT datname FROM pg_database;"):
            server.psql("CREATE DATABASE talentpool;")
        return
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'talentpool'").fetchone():
            conn.execute("CREATE DATABASE talentpool")


if __name__ == "__main__":
    main()
