"""The benchmark's middleware (config.timing) says how long a response took, how much of it was SQL, and how
many statements it ran: `make bench` reads its figures from these headers."""

import re

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory

from config.timing import TimingMiddleware

pytestmark = pytest.mark.django_db


def statements(n):
    def view(request):
        with connection.cursor() as cursor:
            for _ in range(n):
                cursor.execute("SELECT pg_sleep(0.01)")
        return HttpResponse("ok")

    return view


def timings(response) -> dict[str, float]:
    return {name: float(ms) for name, ms in re.findall(r"(\w+);dur=([\d.]+)", response["Server-Timing"])}


def test_the_response_says_its_time_its_sql_time_and_its_statements():
    response = TimingMiddleware(statements(3))(RequestFactory().get("/"))
    took = timings(response)
    assert response["X-Query-Count"] == "3"
    assert took["db"] >= 30  # three statements of 10 ms
    assert took["app"] >= took["db"]


def test_a_response_without_sql_says_none_was_waited_on():
    took = timings(TimingMiddleware(statements(0))(RequestFactory().get("/")))
    assert took["db"] == 0
    assert took["app"] >= 0
