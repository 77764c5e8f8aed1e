"""The benchmark's middleware (config.settings.bench puts it first): each response says how long the server
took and how much of that it waited on SQL statements, in a `Server-Timing` header (`app`, `db`; a
transaction's COMMIT is not a statement Django runs through its cursor, so it counts in `app` only), and how
many SQL statements it ran, in `X-Query-Count`."""

import time

from django.db import connection


class TimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count, waited = [0], [0.0]

        def counter(execute, sql, params, many, context):
            count[0] += 1
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                waited[0] += time.perf_counter() - started

        started = time.perf_counter()
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        app_ms, db_ms = (time.perf_counter() - started) * 1000, waited[0] * 1000
        response["Server-Timing"] = f"app;dur={app_ms:.2f}, db;dur={db_ms:.2f}"
        response["X-Query-Count"] = str(count[0])
        return response
