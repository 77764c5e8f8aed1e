"""Print the DATABASE_URL `make run` should use, creating the database or starting one if needed.

1. DATABASE_URL when it is set;
2. else PostgreSQL on 127.0.0.1:5432 (database `talentpool`, created if missing);
3. else an embedded PostgreSQL (pgserver) with its data under .data/pgdata.
"""

import os
import socket
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    if os.environ.get("DATABASE_URL"):
        print(os.environ["DATABASE_URL"])
        return
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
    except OSError:
        import pgserver

        print("No PostgreSQL on 127.0.0.1:5432: starting an embedded one under .data/pgdata", file=sys.stderr)
        server = pgserver.get_server(ROOT / ".data" / "pgdata", cleanup_mode=None)
        if "talentpool" not in server.psql("SELECT datname FROM pg_database;"):
            server.psql("CREATE DATABASE talentpool;")
        print(server.get_uri("talentpool"))
        return
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'talentpool'").fetchone():
            conn.execute("CREATE DATABASE talentpool")
            print("Created database talentpool on 127.0.0.1:5432", file=sys.stderr)
    print("postgres://postgres@127.0.0.1:5432/talentpool")


if __name__ == "__main__":
    main()
