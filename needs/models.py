"""Needs an officer posts when search is not enough: what their council is starting, the weeks and hours
wanted; the specialists told about it, and their answers."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q

from audit.transitions import Moves
from core.clock import clock_now
from core.hours import WEEK_MOST


class NeedStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open"
    FILLED = "filled", "Filled"
    CLOSED = "closed", "Closed"
    WITHDRAWN = "withdrawn", "Withdrawn"


# A need's moves (needs.services.need_machine; the database: the FSM trigger in Meta). A draft is published
# (open) or withdrawn; an open need is filled by a booking from an answer (unless the officer keeps it open
# for more people), closes on its closing date, or is withdrawn. Filled, closed and withdrawn are final.
NEED_MOVES = Moves.of(
    "status",
    {
        NeedStatus.DRAFT: {NeedStatus.OPEN, NeedStatus.WITHDRAWN},
        NeedStatus.OPEN: {NeedStatus.FILLED, NeedStatus.CLOSED, NeedStatus.WITHDRAWN},
    },
)


class Need(models.Model):
    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="needs")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="needs_posted")
    title = models.CharField("what your council is starting", max_length=120)
    problem = models.TextField("the problem", max_length=3000)
    help_wanted = models.TextField("the help you want", max_length=3000)
    service_area = models.ForeignKey(
        "talentpool.ServiceArea", null=True, blank=True, on_delete=models.PROTECT, related_name="needs"
    )
    skills = models.ManyToManyField("talentpool.Skill", blank=True, related_name="needs")
    weeks = ArrayField(models.DateField(), help_text="The Mondays of the weeks wanted, in order.")
    hours = models.DecimalField("hours a week", max_digits=4, decimal_places=1)
    closes_on = models.DateField()
    shared = models.BooleanField("other councils' officers may see it", default=False)
    status = models.CharField(max_length=10, choices=NeedStatus.choices, default=NeedStatus.DRAFT)
    hidden_reason = models.TextField(blank=True)  # set by platform staff: the need is then shown to nobody else
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock_now)
    published_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_note = models.TextField(blank=True)  # why it was withdrawn

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0, hours__lte=WEEK_MOST), name="need_hours_in_a_week"),
            # answers close before the first week wanted (weeks are kept in order)
            models.CheckConstraint(condition=Q(closes_on__lt=F("weeks__0")), name="need_closes_before_its_weeks"),
            models.CheckConstraint(condition=Q(weeks__len__gte=1), name="need_has_weeks"),
        ]
        triggers = [NEED_MOVES.trigger("need_status_moves")]

    def __str__(self) -> str:
        return f"{self.title} ({self.council_id})"

    @property
    def is_hidden(self) -> bool:
        return bool(self.hidden_reason)


class NeedNotice(models.Model):
    """A specialist told about a need (one e-mail, one item on their home page). At most one per need and
    profile; the weekly limit counts these."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="notices")
    profile = models.ForeignKey("talentpool.SpecialistProfile", on_delete=models.CASCADE, related_name="need_notices")
    emailed = models.BooleanField(default=True)
    at = models.DateTimeField(default=clock_now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["need", "profile"], name="need_notice_once")]
        indexes = [models.Index(fields=["profile", "at"], name="need_notice_profile_at")]

    def __str__(self) -> str:
        return f"Need {self.need_id} told to profile {self.profile_id}"


class NeedAnswerOutcome(models.TextChoices):
    WAITING = "waiting", "Waiting for the officer"
    BOOKED = "booked", "Booking requested"
    NOT_CHOSEN = "not_chosen", "Not chosen"
    NEED_ENDED = "need_ended", "The need ended"


# An answer's moves (needs.services.answer_machine; the database: the FSM trigger in Meta): a waiting answer
# is booked from, not chosen when another is, or ends with its need. The ends are final.
ANSWER_MOVES = Moves.of(
    "outcome",
    {
        NeedAnswerOutcome.WAITING: {
            NeedAnswerOutcome.BOOKED,
            NeedAnswerOutcome.NOT_CHOSEN,
            NeedAnswerOutcome.NEED_ENDED,
        }
    },
)


class NeedAnswer(models.Model):
    """A specialist's answer: a short note and the weeks they can offer (from their open weeks)."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="answers")
    profile = models.ForeignKey("talentpool.SpecialistProfile", on_delete=models.PROTECT, related_name="need_answers")
    note = models.TextField(max_length=1000)
    weeks = ArrayField(models.DateField())
    outcome = models.CharField(max_length=12, choices=NeedAnswerOutcome.choices, default=NeedAnswerOutcome.WAITING)
    booking = models.OneToOneField(
        "bookings.Booking", null=True, blank=True, on_delete=models.SET_NULL, related_name="need_answer"
    )
    at = models.DateTimeField(default=clock_now)

    class Meta:
        ordering = ["at"]
        constraints = [
            models.UniqueConstraint(fields=["need", "profile"], name="need_answer_once"),
            models.CheckConstraint(condition=Q(weeks__len__gte=1), name="need_answer_has_weeks"),
        ]
        triggers = [ANSWER_MOVES.trigger("need_answer_outcome_moves")]

    def __str__(self) -> str:
        return f"Answer to need {self.need_id} from profile {self.profile_id}"


class NeedEmailsOff(models.Model):
    """A specialist who asked for no e-mails about needs (they still see them on their home page)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="need_emails_off")
    at = models.DateTimeField(default=clock_now)

    def __str__(self) -> str:
        return f"No need e-mails for user {self.user_id}"
