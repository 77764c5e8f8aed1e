"""The demo history: every state a demo login should see, made once, and the pages that show it."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from bookings.models import Booking, BookingStatus, BookingWeek, Feedback, Timesheet, TimesheetStatus
from councils.models import User
from demo.history import PAST, demo_history
from demo.services import DEMO_COUNCILS, DEMO_PEOPLE, demo_load
from payments.models import Agreement, CreditNote, Invoice, InvoiceStatus, Payment, SettlementRun
from payments.settlement import months_back
from tests.conftest import client_for
from tests.factories import agreement_ensure, reference_data_ensure

pytestmark = pytest.mark.django_db

MODELS = [Booking, BookingWeek, Timesheet, Feedback, SettlementRun, Invoice, Payment, CreditNote]


@pytest.fixture
def history(settings):
    settings.EMAIL_URL = "dummymail://"
    agreement_ensure()
    reference_data_ensure()
    call_command("import_councils", verbosity=0)
    demo_load()
    return demo_history()


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_the_history_has_hours_in_every_state(history):
    assert history.created
    for status in TimesheetStatus.values:
        assert Timesheet.objects.filter(status=status).exists(), status
    ended = BookingWeek.objects.filter(
        booking__status=BookingStatus.ACCEPTED, week_start__lt=timezone.localdate() - timedelta(days=7)
    )
    assert ended.filter(timesheet__isnull=True).count() == 1  # a week with no hours recorded yet
    waiting = Timesheet.objects.get(status=TimesheetStatus.SUBMITTED)
    assert waiting.confirm_by > timezone.now()  # not about to be confirmed automatically
    assert Timesheet.objects.get(status=TimesheetStatus.RESOLVED).agreed_hours == Decimal("2.5")
    assert Feedback.objects.count() == 1


def test_each_demo_council_books_and_is_booked(history):
    for code, _domain in DEMO_COUNCILS:
        assert Booking.objects.filter(customer_council__code=code, status=BookingStatus.ACCEPTED).exists()
        assert Booking.objects.filter(supplier_council__code=code, status=BookingStatus.ACCEPTED).exists()
    this_week = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    past_weeks = BookingWeek.objects.filter(booking__brief__in=[p.brief for p in PAST])
    for week in past_weeks:
        assert 2 <= (this_week - week.week_start).days // 7 <= 10
    assert Booking.objects.filter(status=BookingStatus.DECLINED).count() == 1
    assert Booking.objects.filter(status=BookingStatus.CANCELLED).count() == 1
    waiting = Booking.objects.get(status=BookingStatus.REQUESTED)
    assert waiting.answer_by > timezone.now()
    assert waiting.weeks.get().week_start > timezone.localdate()


def test_the_previous_month_is_settled_and_its_invoices_answered_paid_and_credited(history):
    previous = months_back(timezone.localdate(), count=1)[0]
    run = SettlementRun.objects.get(period=previous)
    invoices = Invoice.objects.filter(run=run)
    assert invoices.count() >= 4
    paid = invoices.get(supplier__code="BST", customer__code="LDS")
    assert paid.status == InvoiceStatus.PAID
    part_paid = invoices.get(supplier__code="CRF", customer__code="BST")
    payment = part_paid.payments.get()
    assert 0 < payment.amount.amount < part_paid.gross.amount
    assert part_paid.status == InvoiceStatus.ISSUED
    credited = invoices.get(supplier__code="CRF", customer__code="LDS")
    assert credited.credit_notes.aggregate(s=Sum("amount"))["s"] > 0
    assert credited.agreement == Agreement.CONFIRMED
    disputed = invoices.get(supplier__code="LDS", customer__code="CRF")
    assert disputed.agreement == Agreement.DISPUTED
    assert disputed.agreement_note


def test_running_it_again_makes_nothing(history):
    before = _counts()
    again = demo_history()
    assert not again.created
    assert _counts() == before


def test_the_command_says_what_it_made_then_that_it_is_there(settings, capsys):
    settings.EMAIL_URL = "dummymail://"
    agreement_ensure()
    reference_data_ensure()
    call_command("import_councils", verbosity=0)
    demo_load()
    call_command("load_demo_history")
    out = capsys.readouterr().out
    assert "Demo history loaded" in out
    assert "needs answered: 1" in out
    call_command("load_demo_history")
    assert "already loaded" in capsys.readouterr().out


def test_finance_pages_show_the_settled_month(history, client):
    previous = months_back(timezone.localdate(), count=1)[0]
    for code, domain in DEMO_COUNCILS:
        client_for(client, User.objects.get(email=f"finance@{domain}"))
        assert client.get(reverse("payments:home")).status_code == 200
        page = client.get(reverse("payments:statement", args=[f"{previous:%Y-%m}"]))
        assert page.status_code == 200
        for invoice in Invoice.objects.filter(supplier__code=code) | Invoice.objects.filter(customer__code=code):
            assert invoice.number in page.content.decode()
            assert client.get(reverse("payments:invoice", args=[invoice.number])).status_code == 200


def test_officer_sees_their_bookings_and_each_booking_page(history, client):
    for code, domain in DEMO_COUNCILS:
        client_for(client, User.objects.get(email=f"officer@{domain}"))
        listing = client.get(reverse("bookings:list"))
        assert listing.status_code == 200
        for booking in Booking.objects.filter(customer_council__code=code):
            assert client.get(reverse("bookings:detail", args=[booking.pk])).status_code == 200


def test_every_demo_login_gets_its_home_page(history, client):
    for _code, domain in DEMO_COUNCILS:
        for local, _title, _roles in DEMO_PEOPLE:
            client_for(client, User.objects.get(email=f"{local}@{domain}"))
            assert client.get("/").status_code == 200, f"{local}@{domain}"
    client_for(client, User.objects.get(email="specialist@bristol.gov.uk"))
    assert client.get(reverse("bookings:requests")).status_code == 200


def test_each_step_is_dated_when_it_happened(history):
    """A booking's page tells its story with the dates it happened: requested before its first week,
    accepted the next day, hours recorded after each week; history rows written afterwards are dated now."""
    from bookings.models import BookingEvent
    from core.clock import clock_now

    booking = Booking.objects.filter(weeks__timesheet__status="confirmed").order_by("pk").first()
    events = list(BookingEvent.objects.filter(booking=booking).order_by("at", "pk"))
    first_week = min(w.week_start for w in booking.weeks.all())
    assert timezone.localdate(events[0].at) < first_week  # requested ahead of the week
    assert events[1].at - events[0].at == timedelta(days=1)  # accepted the next day
    assert all(timezone.localdate(e.at) > first_week for e in events[2:])  # hours, after the weeks
    assert events[-1].at < timezone.now() - timedelta(days=7)
    assert abs(clock_now() - timezone.now()) < timedelta(seconds=5)  # the clock is not left replayed


def test_a_need_answered_and_a_need_shared(history, client):
    """Cardiff's officer sees Leeds's specialist's answer on their home page; Leeds's officer sees the need
    Bristol shares."""
    from needs.models import Need, NeedAnswer, NeedStatus

    answered = NeedAnswer.objects.select_related("need").get()
    assert answered.need.council.code == "CRF"
    assert answered.profile.council.code == "LDS"
    assert answered.need.notices.filter(profile=answered.profile).exists()  # told, as the best fit
    shared = Need.objects.get(shared=True)
    assert shared.status == NeedStatus.OPEN
    page = client_for(client, User.objects.get(email="officer@cardiff.gov.uk")).get("/").content.decode()
    assert f"1 answer to “{answered.need.title}”" in page
    page = client_for(client, User.objects.get(email="officer@leeds.gov.uk")).get("/needs/").content.decode()
    assert shared.title in page
