"""Opt-in (BENCH_TIMING=True) middleware for the benchmark: each response says how long the server took
and how many SQL queries it ran, in `Server-Timing` and `X-Query-Count` headers."""

import time

from django.db import connection


class TimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = [0]

        def counter(execute, sql, params, many, context):
            count[0] += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.2f}"
        response["X-Query-Count"] = str(count[0])
        return response
