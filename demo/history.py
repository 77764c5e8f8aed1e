"""A recent history for the demo councils, built through the services people use, dated back from today.

Past weeks cannot be booked today, so each past booking is requested, accepted, recorded and answered
with the `now`/`today` the services take, as if it had happened then, and with the clock replayed
(core.clock) so that each step's history row says when. What follows is made:

- six bookings of weeks 2 to 10 weeks back between Leeds, Bristol and Cardiff (each books and is booked),
  their hours confirmed, one dispute agreed, one dispute still open, one set waiting for confirmation and
  one week with no hours recorded yet, and feedback on the first booking;
- around today: a request declined, a booking cancelled and a request waiting for an answer;
- the previous month settled, and its invoices answered: one paid, one part-paid, one credited after a
  dispute, one disputed.

Running it again makes nothing: the first booking's brief marks the history as loaded.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from bookings import services as booking_services
from bookings import timesheets
from bookings.models import Booking, BookingWeek
from core.clock import clock_at
from councils.models import User
from needs.services import NeedDetails, need_answer, need_publish, need_save
from payments import services as payment_services
from payments.models import Invoice
from payments.settlement import settlement_run
from talentpool import weekly_hours
from talentpool.models import SlotStatus, SpecialistProfile
from talentpool.weeks import first_future_monday, monday_of

from .services import DEMO_COUNCILS, DemoError

HOURS = Decimal("3")
DOMAIN = dict(DEMO_COUNCILS)  # register code -> mail domain


OUTCOMES = {
    "confirmed": "weeks of hours confirmed",
    "resolved": "weeks of hours agreed after a dispute",
    "disputed": "weeks of hours disputed, not yet agreed",
    "submitted": "weeks of hours waiting for confirmation",
    "none": "weeks ended with no hours recorded yet",
}


@dataclass
class Week:
    """One past week of a booking (this many weeks before the current one) and what became of its hours."""

    back: int
    outcome: str  # a key of OUTCOMES
    worked: Decimal = HOURS


@dataclass
class Past:
    customer: str
    supplier: str
    brief: str
    weeks: list[Week]


# The first brief marks the history as loaded.
PAST = [
    Past(
        "LDS",
        "BST",
        "Review our council tax support claim journey and plan the changes with revenues and benefits.",
        [Week(10, "confirmed"), Week(9, "confirmed"), Week(8, "resolved")],
    ),
    Past(
        "BST",
        "CRF",
        "Help our libraries team set up assisted digital sessions in four branch libraries.",
        [Week(7, "confirmed"), Week(6, "confirmed", Decimal("2.5")), Week(5, "confirmed")],
    ),
    Past(
        "CRF",
        "LDS",
        "User research with tenants on how they report repairs, and a first prototype of the journey.",
        [Week(9, "confirmed"), Week(8, "confirmed"), Week(7, "confirmed")],
    ),
    Past(
        "LDS",
        "CRF",
        "Coach our customer services team in running digital help drop-ins.",
        [Week(10, "confirmed"), Week(9, "confirmed")],
    ),
    Past(
        "BST",
        "LDS",
        "Map the housing repairs journey from first call to completed job.",
        [Week(3, "disputed"), Week(2, "submitted")],
    ),
    Past(
        "CRF",
        "BST",
        "Advise on the design of our new council tax reduction application.",
        [Week(4, "confirmed"), Week(3, "confirmed"), Week(2, "none")],
    ),
]
DECLINED = ("LDS", "CRF", "Run a workshop on digital inclusion for our ward councillors.")
CANCELLED = ("BST", "LDS", "Review our repairs contact centre scripts.")
WAITING = ("CRF", "BST", "Help us test the council tax reduction form with residents.")


@dataclass
class HistoryResult:
    created: bool
    made: dict[str, int] = field(default_factory=dict)

    def add(self, what: str, count: int = 1) -> None:
        self.made[what] = self.made.get(what, 0) + count


def _person(role: str, code: str) -> User:
    return User.objects.get(email=f"{role}@{DOMAIN[code]}")


def _profile(code: str) -> SpecialistProfile:
    profile = SpecialistProfile.objects.filter(user__email=f"specialist@{DOMAIN[code]}").first()
    if profile is None or profile.hourly_rate is None:
        raise DemoError("The demo specialists are not there yet: run `manage.py load_demo` first")
    return profile


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def demo_history(today: date | None = None) -> HistoryResult:
    """Load the history once, dated back from `today` (by default the real one); later calls find it and
    make nothing."""
    now = timezone.now()
    if today is not None and today != timezone.localdate(now):
        now = _at(today, 12)
    today = timezone.localdate(now)
    with transaction.atomic():
        marker = Booking.objects.filter(brief=PAST[0].brief, customer_council__code=PAST[0].customer)
        if marker.exists():
            return HistoryResult(created=False)
        result = HistoryResult(created=True)
        this_week = monday_of(today)
        for past in PAST:
            _past_booking(past, this_week=this_week, now=now, result=result)
        _around_today(now=now, result=result)
        _needs(now=now, result=result)
        _settled_month(today=today, result=result)
    return result


def _past_booking(past: Past, *, this_week: date, now: datetime, result: HistoryResult) -> None:
    """Offer the weeks and book them twelve days before the first starts, then record and answer the hours."""
    profile = _profile(past.supplier)
    officer = _person("officer", past.customer)
    weeks = sorted(this_week - timedelta(weeks=w.back) for w in past.weeks)
    asked = _at(weeks[0] - timedelta(days=12), 10)  # a Wednesday, twelve days before the first week
    for week in weeks:
        weekly_hours.slot_hours_set(
            profile=profile, by=profile.user, week_start=week, hours=HOURS, today=timezone.localdate(asked)
        )
    with clock_at(asked):
        booking = booking_services.booking_request(
            officer=officer,
            profile=profile,
            weeks=dict.fromkeys(weeks, HOURS),
            brief=past.brief,
            po_number=f"PO-{past.customer}-{weeks[0]:%y%m%d}",
            now=asked,
        )
    with clock_at(asked + timedelta(days=1)):
        booking_services.booking_accept(booking=booking, by=profile.user, now=asked + timedelta(days=1))
    result.add("bookings accepted")
    for plan in past.weeks:
        _hours(booking.weeks.get(week_start=this_week - timedelta(weeks=plan.back)), plan, now=now, result=result)
    if past is PAST[0]:
        with clock_at(_at(this_week - timedelta(weeks=min(w.back for w in past.weeks)) + timedelta(days=10), 15)):
            timesheets.feedback_leave(
                booking=booking,
                by=officer,
                rating=5,
                comment="Clear, practical advice that our team has already put into practice.",
            )
        result.add("feedback")


def _hours(week: BookingWeek, plan: Week, *, now: datetime, result: HistoryResult) -> None:
    """Record and answer one week's hours, as the specialist and the booking council would have."""
    if plan.outcome == "none":
        result.add(OUTCOMES[plan.outcome])
        return
    booking = week.booking
    specialist = booking.profile.user
    officer = booking.officer
    ended = week.week_start + timedelta(days=7)
    # Hours still waiting are recorded today, so the automatic confirmation is still days away.
    recorded = now if plan.outcome == "submitted" else _at(ended, 9)
    with clock_at(recorded):
        timesheet = timesheets.timesheet_submit(week=week, by=specialist, hours=plan.worked, now=recorded)
    answered = recorded + timedelta(days=1, hours=5)
    if plan.outcome == "confirmed":
        with clock_at(answered):
            timesheets.timesheet_confirm(timesheet=timesheet, by=officer, now=answered)
    elif plan.outcome in ("disputed", "resolved"):
        with clock_at(answered):
            timesheets.timesheet_dispute(
                timesheet=timesheet,
                by=officer,
                reason="Our records show one afternoon's workshop did not go ahead, so fewer hours were worked.",
            )
        if plan.outcome == "resolved":
            with clock_at(recorded + timedelta(days=4)):
                timesheets.timesheet_resolve(
                    timesheet=timesheet,
                    by=_person("admin", booking.supplier_council.code),
                    agreed_hours=plan.worked - Decimal("0.5"),
                    now=recorded + timedelta(days=4),
                )
    result.add(OUTCOMES[plan.outcome])


def _first_open_week(profile: SpecialistProfile, *, today: date) -> date | None:
    """The specialist's first open week from the week after next (None if every week is taken)."""
    return (
        profile.slots.filter(status=SlotStatus.OPEN, week_start__gte=first_future_monday(today) + timedelta(weeks=1))
        .order_by("week_start")
        .values_list("week_start", flat=True)
        .first()
    )


def _request_soon(
    customer: str, supplier: str, brief: str, *, now: datetime, today: date
) -> tuple[Booking, User] | None:
    profile = _profile(supplier)
    week = _first_open_week(profile, today=today)
    if week is None:
        return None
    with clock_at(now):
        booking = booking_services.booking_request(
            officer=_person("officer", customer),
            profile=profile,
            weeks={week: HOURS},
            brief=brief,
            po_number=f"PO-{customer}-{week:%y%m%d}",
            now=now,
        )
    return booking, profile.user


def _around_today(*, now: datetime, result: HistoryResult) -> None:
    """A request declined yesterday, a booking cancelled yesterday, and a request waiting for an answer."""
    today = timezone.localdate(now)
    if made := _request_soon(*DECLINED, now=now - timedelta(days=2), today=today):
        booking, specialist = made
        with clock_at(now - timedelta(days=1)):
            booking_services.booking_decline(
                booking=booking,
                by=specialist,
                reason="I am leading our own budget consultation that week.",
                now=now - timedelta(days=1),
            )
        result.add("bookings declined")
    if made := _request_soon(*CANCELLED, now=now - timedelta(days=3), today=today):
        booking, specialist = made
        with clock_at(now - timedelta(days=2)):
            booking_services.booking_accept(booking=booking, by=specialist, now=now - timedelta(days=2))
        with clock_at(now - timedelta(days=1)):
            booking_services.booking_cancel(
                booking=booking,
                by=booking.officer,
                reason="Our project board has moved the review to next quarter.",
                now=now - timedelta(days=1),
            )
        result.add("bookings cancelled")
    if _request_soon(*WAITING, now=now, today=today):
        result.add("requests waiting for an answer")


def _needs(*, now: datetime, result: HistoryResult) -> None:
    """A need Cardiff posted three days ago that Leeds's specialist has answered, and one Bristol shares with
    every council's officers."""
    today = timezone.localdate(now)
    officer, profile = _person("officer", "CRF"), _profile("LDS")
    week = _first_open_week(profile, today=today)
    if week is None:
        return
    repairs = NeedDetails(
        title="Making it easier for tenants to report housing repairs",
        problem="Tenants phone to report repairs and wait weeks for a visit; the contact centre is overwhelmed.",
        help_wanted="Someone who has redesigned a repairs reporting journey, to review our plans with us.",
        weeks=[week],
        hours=HOURS,
        closes_on=week - timedelta(days=4),
        service_area=None,
    )
    with clock_at(now - timedelta(days=3)):
        need = need_save(officer=officer, details=repairs, today=today)
        need_publish(need=need, by=officer, today=today)
    with clock_at(now - timedelta(days=2)):
        need_answer(
            need=need,
            by=profile.user,
            note="We redesigned exactly this in Leeds: phone calls fell by a third. Happy to review your plans.",
            weeks=[week],
            today=today,
        )
    result.add("needs answered")
    shared = NeedDetails(
        title="Helping residents claim council tax support online",
        problem="Most claims still arrive on paper and take weeks to process.",
        help_wanted="Advice on an online claim form and on testing it with residents.",
        weeks=[week + timedelta(weeks=1)],
        hours=Decimal("2"),
        closes_on=week - timedelta(days=1),
        shared=True,
    )
    bristol = _person("officer", "BST")
    with clock_at(now - timedelta(days=1)):
        need = need_save(officer=bristol, details=shared, today=today)
        need_publish(need=need, by=bristol, today=today)
    result.add("needs shared with every council")


def _settled_month(*, today: date, result: HistoryResult) -> None:
    """Settle the previous month as on the first of this one, then answer, pay and credit its invoices."""
    issued = today.replace(day=1)
    period = (issued - timedelta(days=1)).replace(day=1)
    run = settlement_run(period=period, today=issued)
    result.add("invoices", len(run.invoices))
    invoices = {(i.supplier.code, i.customer.code): i for i in run.invoices}
    paid_on = min(today, issued + timedelta(days=12))
    steps: dict[tuple[str, str], tuple[str, Callable[[Invoice], None]]] = {
        ("BST", "LDS"): ("invoices paid", lambda invoice: _paid(invoice, paid_on=paid_on, share=Decimal("1"))),
        ("CRF", "BST"): ("invoices part-paid", lambda invoice: _paid(invoice, paid_on=paid_on, share=Decimal("0.5"))),
        ("CRF", "LDS"): ("invoices credited after a dispute", _credited),
        ("LDS", "CRF"): ("invoices disputed", _disputed),
    }
    for pair, (what, step) in steps.items():
        if pair in invoices:
            step(invoices[pair])
            result.add(what)


def _paid(invoice: Invoice, *, paid_on: date, share: Decimal) -> None:
    """The customer confirms the invoice; the supplier's finance officer records what came in."""
    customer, supplier = invoice.customer.code, invoice.supplier.code
    payment_services.invoice_answer(invoice=invoice, by=_person("finance", customer), agree=True)
    payment_services.payment_record(
        invoice=invoice,
        by=_person("finance", supplier),
        amount=(invoice.gross.amount * share).quantize(Decimal("0.01")),
        paid_on=paid_on,
        reference=f"BACS {customer} {invoice.number}",
    )


def _credited(invoice: Invoice) -> None:
    """Disputed by the customer, put right with a credit note, then confirmed."""
    customer = _person("finance", invoice.customer.code)
    payment_services.invoice_answer(
        invoice=invoice, by=customer, agree=False, note="One hour was charged for a cancelled session."
    )
    line = invoice.lines.order_by("week_start", "pk").first()
    assert line is not None  # settlement makes no invoice without lines
    payment_services.credit_note_issue(
        invoice=invoice,
        by=_person("finance", invoice.supplier.code),
        amount=line.rate.amount,  # one hour
        reason="One hour charged for a session that was cancelled.",
    )
    payment_services.invoice_answer(invoice=invoice, by=customer, agree=True, note="Agreed after the credit note.")


def _disputed(invoice: Invoice) -> None:
    payment_services.invoice_answer(
        invoice=invoice,
        by=_person("finance", invoice.customer.code),
        agree=False,
        note="Our purchase order number is missing from two lines; please reissue with it.",
    )
