"""Platform staff see the months run and queue the run of a finished month on Celery."""

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from payments import settlement
from payments.models import Invoice, RunStatus, SettlementRun
from tests.factories import UserFactory

OCTOBER = date(2026, 10, 1)


@pytest.fixture
def october_hours(people):
    from tests.payments.conftest import confirmed_week

    confirmed_week(
        profile=people["spec_a"], officer=people["officer_b"], week_start=date(2026, 10, 5), hours=Decimal("3")
    )
    confirmed_week(
        profile=people["spec_b"], officer=people["officer_a"], week_start=date(2026, 10, 12), hours=Decimal("1")
    )


@pytest.mark.django_db
def test_staff_queue_a_month_and_see_its_result(
    client, staff, october_hours, eager_celery, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("payments:settlement_runs"), {"month": "2026-10"})
    assert response.status_code == 302
    assert response.url == reverse("payments:settlement_run", args=["2026-10"])
    run = SettlementRun.objects.get(period=OCTOBER)
    assert (run.status, run.requested_by) == (RunStatus.COMPLETED, staff)
    assert Invoice.objects.filter(run=run).count() == 2
    page = client.get(response.url).content.decode()
    assert "Completed" in page
    assert "2, totalling £200.00" in page
    # staff see the whole plan, with what netting saves
    assert "2 invoices. Netted, 1 transfer moving £100.00" in page
    listing = client.get(reverse("payments:settlement_runs")).content.decode()
    assert "October 2026" in listing
    assert "£200.00" in listing


@pytest.mark.django_db
def test_a_month_not_yet_ended_is_refused_and_nothing_is_queued(client, staff):
    this_month = timezone.localdate().replace(day=1)
    client.force_login(staff)
    response = client.post(reverse("payments:settlement_runs"), {"month": f"{this_month:%Y-%m}"})
    assert response.status_code == 200
    assert f"{this_month:%B %Y} has not ended yet" in response.content.decode()
    assert not SettlementRun.objects.exists()
    assert (
        "Select a month to settle"
        in client.post(reverse("payments:settlement_runs"), {"month": "2026-13"}).content.decode()
    )


@pytest.mark.django_db
def test_a_month_already_running_is_refused(client, staff, monkeypatch):
    monkeypatch.setattr(settlement, "_queue_run", lambda period: None)  # no worker: it stays queued
    client.force_login(staff)
    assert client.post(reverse("payments:settlement_runs"), {"month": "2026-10"}).status_code == 302
    first = SettlementRun.objects.get(period=OCTOBER)
    other = UserFactory(is_staff=True, council=None, roles=[])
    client.force_login(other)
    response = client.post(reverse("payments:settlement_runs"), {"month": "2026-10"})
    assert "October 2026 is already queued: wait for it to finish" in response.content.decode()
    again = SettlementRun.objects.get(period=OCTOBER)
    assert (again.requested_by, again.queued_at) == (staff, first.queued_at)  # the refusal wrote nothing
    assert AuditEvent.objects.filter(action="settlement.requested").count() == 1
    SettlementRun.objects.filter(period=OCTOBER).update(status=RunStatus.RUNNING)
    response = client.post(reverse("payments:settlement_runs"), {"month": "2026-10"})
    assert "October 2026 is already running" in response.content.decode()


@pytest.mark.django_db
def test_a_run_stuck_for_hours_may_be_queued_again(staff, monkeypatch):
    monkeypatch.setattr(settlement, "_queue_run", lambda period: None)
    settlement.settlement_request(period=OCTOBER, by=staff)
    long_ago = timezone.now() - settlement.STALE_AFTER - timedelta(minutes=1)
    SettlementRun.objects.filter(period=OCTOBER).update(queued_at=long_ago, started_at=long_ago)
    assert settlement.settlement_request(period=OCTOBER, by=staff).status == RunStatus.QUEUED


@pytest.mark.django_db
def test_a_failed_run_records_its_error(october_hours, monkeypatch):
    def boom(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(settlement, "_invoice_batch", boom)
    with pytest.raises(RuntimeError):
        settlement.settlement_run(period=OCTOBER, today=date(2026, 11, 2))
    run = SettlementRun.objects.get(period=OCTOBER)
    assert (run.status, run.error) == (RunStatus.FAILED, "RuntimeError: disk full")


@pytest.mark.django_db(transaction=True)
def test_two_staff_queueing_the_same_month_at_once_queue_it_once(monkeypatch):
    staff = [UserFactory(is_staff=True, council=None, roles=[]) for _ in range(2)]
    queued = []
    monkeypatch.setattr(settlement, "_queue_run", queued.append)
    barrier = threading.Barrier(2)
    outcomes = []

    def request(by):
        try:
            barrier.wait()
            settlement.settlement_request(period=OCTOBER, by=by)
            outcomes.append("queued")
        except settlement.SettlementError as exc:
            outcomes.append(str(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=request, args=(s,)) for s in staff]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["October 2026 is already queued: wait for it to finish", "queued"]
    assert queued == [OCTOBER]


@pytest.mark.django_db
def test_council_people_cannot_see_or_run_settlement(client, people):
    client.force_login(people["officer_a"])
    assert client.get(reverse("payments:settlement_runs")).status_code == 403
    assert client.post(reverse("payments:settlement_runs"), {"month": "2026-10"}).status_code == 403
    assert not SettlementRun.objects.exists()


@pytest.mark.django_db
def test_a_run_queued_again_while_it_was_running_ends_without_an_error(october_hours, staff, monkeypatch):
    """Staff queued the month again because the run looked stale; the first worker then finishes. Its
    invoices stand, no error is raised, and the month waits for the queued run (which records its end)."""
    monkeypatch.setattr(settlement, "_queue_run", lambda period: None)
    real_settle = settlement._settle

    def settle_then_find_it_requeued(**kwargs):
        result = real_settle(**kwargs)
        SettlementRun.objects.filter(period=OCTOBER).update(
            status=RunStatus.QUEUED, queued_at=timezone.now(), requested_by=staff
        )  # running -> queued: what settlement_request does for a stale run
        return result

    monkeypatch.setattr(settlement, "_settle", settle_then_find_it_requeued)
    result = settlement.settlement_run(period=OCTOBER, today=date(2026, 11, 2))
    assert len(result.invoices) == 2
    run = SettlementRun.objects.get(period=OCTOBER)
    assert (run.status, run.completed_at) == (RunStatus.QUEUED, None)
    monkeypatch.setattr(settlement, "_settle", real_settle)
    again = settlement.settlement_run(period=OCTOBER, today=date(2026, 11, 2))
    assert again.invoices == []  # nothing new to bill
    assert SettlementRun.objects.get(period=OCTOBER).status == RunStatus.COMPLETED


@pytest.mark.django_db
@pytest.mark.parametrize("month", ["0000-01", "9999-12", "٢٠٢٦-١٠", "1999-12"])
def test_a_month_out_of_range_is_refused_on_the_form(client, staff, month):
    client.force_login(staff)
    response = client.post(reverse("payments:settlement_runs"), {"month": month})
    assert response.status_code == 200
    assert "Select a month to settle" in response.content.decode()
    assert not SettlementRun.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("month", ["9999-12", "0000-01", "1999-12", "2101-01"])
def test_a_month_out_of_range_in_an_address_is_not_found(client, people, month):
    finance = UserFactory(council=people["spec_a"].council, roles=["finance_officer"])
    client.force_login(finance)
    for name in ("payments:statement", "payments:payroll_csv", "payments:statement_csv", "payments:settlement_csv"):
        assert client.get(reverse(name, args=[month])).status_code == 404, name
