"""Booking requests and the weeks they hold or book, with the history of every move."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from djmoney.models.fields import MoneyField

from audit.transitions import Moves
from core.clock import clock_now
from core.hours import hours_words
from talentpool.weeks import first_future_monday


class BookingStatus(models.TextChoices):
    REQUESTED = "requested", "Waiting for an answer"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    EXPIRED = "expired", "Expired"
    CANCELLED = "cancelled", "Cancelled"


# A booking's moves (bookings.services.booking_machine; the database: the FSM trigger in Meta). Declined,
# expired and cancelled are final.
BOOKING_MOVES = Moves.of(
    "status",
    {
        BookingStatus.REQUESTED: {
            BookingStatus.ACCEPTED,
            BookingStatus.DECLINED,
            BookingStatus.EXPIRED,
            BookingStatus.CANCELLED,
        },
        BookingStatus.ACCEPTED: {BookingStatus.CANCELLED},
    },
)


class Booking(models.Model):
    """One officer's request for one or more weeks of one specialist's time."""

    profile = models.ForeignKey("talentpool.SpecialistProfile", on_delete=models.PROTECT, related_name="bookings")
    supplier_council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="bookings_supplied")
    customer_council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="bookings_made")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings_made")
    brief = models.TextField(max_length=3000)
    po_number = models.CharField("purchase order number", max_length=40, blank=True)
    cost_centre = models.CharField(max_length=40, blank=True)
    hourly_rate = MoneyField(max_digits=8, decimal_places=2, default_currency="GBP")  # copied when requested
    status = models.CharField(max_length=10, choices=BookingStatus.choices, default=BookingStatus.REQUESTED)
    requested_at = models.DateTimeField(default=timezone.now)
    answer_by = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    objects = models.Manager()  # declared: django-money subclasses it at run time, out of mypy's sight

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["status", "answer_by"], name="booking_expiry_idx")]
        triggers = [BOOKING_MOVES.trigger("booking_status_moves")]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=BookingStatus.values), name="booking_status_valid"),
            models.CheckConstraint(
                condition=~Q(supplier_council=models.F("customer_council")), name="booking_between_two_councils"
            ),
            models.CheckConstraint(condition=Q(hourly_rate__gt=0), name="booking_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"Booking {self.pk}: {self.profile} for {self.customer_council}"

    @property
    def can_answer(self) -> bool:
        """The specialist may still accept or decline."""
        return BOOKING_MOVES.can(self.status, BookingStatus.ACCEPTED)

    @property
    def weeks_to_come(self) -> list["BookingWeek"]:
        """Its held or booked weeks that have not started (from the prefetched weeks, when they are)."""
        first = first_future_monday(timezone.localdate())
        return [
            w for w in self.weeks.all() if w.status in (WeekStatus.HELD, WeekStatus.BOOKED) and w.week_start >= first
        ]

    @property
    def can_cancel(self) -> bool:
        """Either side may cancel its weeks still to come, while there are some (the service checks again)."""
        return BOOKING_MOVES.can(self.status, BookingStatus.CANCELLED) and bool(self.weeks_to_come)

    @property
    def is_requested(self) -> bool:
        return self.status == BookingStatus.REQUESTED

    @property
    def answer_by_day(self):
        """The last day to answer (answer_by is the midnight that ends it)."""
        return (timezone.localtime(self.answer_by) - timedelta(microseconds=1)).date()


class WeekStatus(models.TextChoices):
    HELD = "held", "Held"
    BOOKED = "booked", "Booked"
    RELEASED = "released", "Released"


# A booking week is held by the request, booked on acceptance, released when declined, expired or
# cancelled (bookings.services.week_machine).
WEEK_MOVES = Moves.of(
    "status",
    {
        WeekStatus.HELD: {WeekStatus.BOOKED, WeekStatus.RELEASED},
        WeekStatus.BOOKED: {WeekStatus.RELEASED},
    },
)


class BookingWeek(models.Model):
    """One week of a booking. At most one live (held or booked) booking week per slot: the database says so."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="weeks")
    slot = models.ForeignKey("talentpool.WeekSlot", on_delete=models.PROTECT, related_name="booking_weeks")
    week_start = models.DateField()
    hours = models.DecimalField(max_digits=4, decimal_places=1)
    status = models.CharField(max_length=10, choices=WeekStatus.choices, default=WeekStatus.HELD)
    released_reason = models.CharField(max_length=20, blank=True)  # declined, expired, cancelled
    timesheet_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["week_start"]
        triggers = [WEEK_MOVES.trigger("booking_week_status_moves")]
        constraints = [
            models.UniqueConstraint(
                fields=["slot"], condition=Q(status__in=["held", "booked"]), name="one_live_booking_per_week"
            ),
            models.UniqueConstraint(fields=["booking", "week_start"], name="booking_week_once"),
            models.CheckConstraint(condition=Q(hours__gte=0.5, hours__lte=48), name="booking_week_hours_range"),
            models.CheckConstraint(condition=Q(status__in=WeekStatus.values), name="booking_week_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.booking_id} week of {self.week_start}: {self.hours}h {self.status}"

    @property
    def state(self) -> str:
        """Where this week has got to, in words: held, booked, declined, expired or cancelled, hours to record, or
        the hours recorded and what the booking council made of them."""
        if self.status == WeekStatus.RELEASED:
            return self.released_reason.capitalize() if self.released_reason else "Released"  # "Cancelled"…
        if self.status == WeekStatus.HELD:
            return "Held, waiting for an answer"
        timesheet = getattr(self, "timesheet", None)  # none yet: Django's RelatedObjectDoesNotExist
        if timesheet is not None:
            agreed = timesheet.status == TimesheetStatus.RESOLVED and timesheet.agreed_hours is not None
            hours = timesheet.agreed_hours if agreed else timesheet.hours_worked
            return f"{hours_words(hours)} recorded: {TimesheetStatus(timesheet.status).label.lower()}"
        if self.week_start < first_future_monday(timezone.localdate()):
            return "Booked: hours to record"
        return "Booked"


class BookingEvent(models.Model):
    """History: who moved a booking (or one of its weeks), from what, to what, when and why."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="events")
    week = models.ForeignKey(BookingWeek, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField(blank=True)
    at = models.DateTimeField(default=clock_now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.booking_id}: {self.from_status or '–'} → {self.to_status}"

    @property
    def summary(self) -> str:
        """What happened, in words, for the booking's history."""
        return EVENT_WORDS.get(self.to_status, self.to_status.capitalize())


# The history's words for each move (bookings.services, bookings.timesheets: "hours <status>" for hours).
EVENT_WORDS = {
    "requested": "Requested",
    "accepted": "Accepted",
    "declined": "Declined",
    "expired": "Expired without an answer",
    "cancelled": "Cancelled",
    "released": "Week released",
    "booked": "Week booked",
    "hours submitted": "Hours recorded",
    "hours confirmed": "Hours confirmed",
    "hours disputed": "Hours disputed",
    "hours resolved": "Hours agreed after a dispute",
}


class TimesheetStatus(models.TextChoices):
    SUBMITTED = "submitted", "Waiting for confirmation"
    CONFIRMED = "confirmed", "Confirmed"
    DISPUTED = "disputed", "Disputed"
    RESOLVED = "resolved", "Agreed after a dispute"


# Hours recorded wait for the booking council: confirmed (by an officer or automatically) or disputed; a
# dispute ends with the hours both councils agreed (bookings.timesheets.timesheet_machine).
TIMESHEET_MOVES = Moves.of(
    "status",
    {
        TimesheetStatus.SUBMITTED: {TimesheetStatus.CONFIRMED, TimesheetStatus.DISPUTED},
        TimesheetStatus.DISPUTED: {TimesheetStatus.RESOLVED},
    },
)


class Timesheet(models.Model):
    """Hours actually worked in a booked week. Only confirmed or agreed hours are billable."""

    week = models.OneToOneField(BookingWeek, on_delete=models.PROTECT, related_name="timesheet")
    booked_hours = models.DecimalField(max_digits=4, decimal_places=1)  # copied, so the database can compare
    hours_worked = models.DecimalField(max_digits=4, decimal_places=1)
    note = models.TextField(max_length=1000, blank=True)
    status = models.CharField(max_length=10, choices=TimesheetStatus.choices, default=TimesheetStatus.SUBMITTED)
    submitted_at = models.DateTimeField(default=timezone.now)
    confirm_by = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )  # empty when confirmed automatically
    dispute_reason = models.TextField(blank=True)
    agreed_hours = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    invoiced_at = models.DateTimeField(null=True, blank=True)  # set by the settlement run that billed it

    class Meta:
        ordering = ["week__week_start"]
        indexes = [models.Index(fields=["status", "confirm_by"], name="timesheet_autoconfirm_idx")]
        triggers = [TIMESHEET_MOVES.trigger("timesheet_status_moves")]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours_worked__gte=0, hours_worked__lte=models.F("booked_hours")),
                name="timesheet_hours_within_booking",
            ),
            models.CheckConstraint(
                condition=Q(agreed_hours__isnull=True)
                | Q(agreed_hours__gte=0, agreed_hours__lte=models.F("booked_hours")),
                name="timesheet_agreed_within_booking",
            ),
            models.CheckConstraint(
                condition=~Q(status="resolved") | Q(agreed_hours__isnull=False), name="timesheet_resolved_has_hours"
            ),
            models.CheckConstraint(condition=Q(status__in=TimesheetStatus.values), name="timesheet_status_valid"),
        ]

    def __str__(self) -> str:
        return f"Timesheet for {self.week}"

    @property
    def billable_hours(self):
        if self.status == TimesheetStatus.CONFIRMED:
            return self.hours_worked
        if self.status == TimesheetStatus.RESOLVED:
            return self.agreed_hours
        return None


class Feedback(models.Model):
    """After confirmed hours, the booking officer's rating and comment, shown on the profile."""

    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="feedback")
    rating = models.PositiveSmallIntegerField()
    comment = models.TextField(max_length=1000, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=clock_now)

    class Meta:
        ordering = ["-at"]
        constraints = [models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_to_5")]

    def __str__(self) -> str:
        return f"{self.rating}/5 for booking {self.booking_id}"
