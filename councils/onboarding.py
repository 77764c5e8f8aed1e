"""Bringing councils on board: where each one is stuck (how long in its state, the step left), the CSV of
that view, and the reminders beat sends (councils.tasks.onboarding_reminders)."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from core.csv import csv_text
from notifications.services import email_people

from .invitations import invitation_resend
from .models import (
    Council,
    CouncilStatus,
    CouncilStatusChange,
    Invitation,
    Role,
)
from .selectors import council_list, on_current_agreement, role_holders
from .services import CouncilError

logger = logging.getLogger(__name__)

INVITATION_REMIND_AFTER = timedelta(days=7)  # an invitation not accepted after this is sent again
SETUP_REMIND_AFTER = timedelta(days=14)  # set-up not finished this long after accepting: its admins reminded
REMIND_EVERY = timedelta(days=7)
MOST_REMINDERS = 3


def onboarding_councils(*, status: str = "", nation: str = "", q: str = "") -> QuerySet[Council]:
    """The platform's council list (its filters, members) with when each council reached its state
    (`state_since`) and whether it accepted the current agreement (`on_agreement`): the onboarding view."""
    return council_list(status=status, nation=nation, q=q).annotate(
        state_since=Subquery(
            CouncilStatusChange.objects.filter(council=OuterRef("pk")).order_by("-changed_at").values("changed_at")[:1]
        ),
        on_agreement=on_current_agreement(OuterRef("pk")),
    )


def steps_left(council: Council) -> list[str]:
    """What a council must still do to book and be booked (`council` from onboarding_councils)."""
    if council.status == CouncilStatus.NOT_INVITED:
        return ["be invited"]
    if council.status == CouncilStatus.INVITED:
        return ["accept the invitation"]
    if council.status != CouncilStatus.ONBOARDING:
        return []
    steps = []
    if not getattr(council, "on_agreement", False):
        steps.append("accept the platform agreement")
    if not council.finance_details_complete:
        steps.append("enter finance details")
    return steps


def days_in_state(council: Council, *, now: datetime | None = None) -> int | None:
    since = getattr(council, "state_since", None)
    return None if since is None else ((now or timezone.now()) - since).days


def onboarding_csv(councils: QuerySet[Council]) -> str:
    now = timezone.now()
    rows = (
        [
            c.code,
            c.gss_code,
            c.name,
            c.nation,
            c.region,
            c.council_type_name,
            c.get_status_display(),
            getattr(c, "state_since").date().isoformat() if getattr(c, "state_since", None) else "",  # noqa: B009
            days_in_state(c, now=now) if getattr(c, "state_since", None) else "",
            "; ".join(steps_left(c)),
        ]
        for c in councils
    )
    header = ["code", "gss_code", "name", "nation", "region", "type", "state", "since", "days", "steps_left"]
    return csv_text(header, rows)


def onboarding_reminders_send(*, now: datetime | None = None) -> int:
    """Invitations to be a council's first administrator not accepted after 7 days are sent again (a new
    link; the old one stops working), and councils that accepted but have not finished set-up after 14
    days have their administrators reminded of the steps left; each at most MOST_REMINDERS times, a week
    apart, and never once the step is done. Returns how many reminders went."""
    now = now or timezone.now()
    sent = 0
    stale = Invitation.objects.open().filter(
        council__status=CouncilStatus.INVITED,
        roles__contains=[Role.COUNCIL_ADMIN],
        reminders_sent__lt=MOST_REMINDERS,
        sent_at__lte=now - INVITATION_REMIND_AFTER,
    )
    for invitation in stale:
        sent += _invitation_remind(invitation)
    setting_up = onboarding_councils(status=CouncilStatus.ONBOARDING).filter(
        Q(state_since__lte=now - SETUP_REMIND_AFTER), onboarding_reminders__lt=MOST_REMINDERS
    )
    for council in setting_up.filter(
        Q(onboarding_reminded_at__isnull=True) | Q(onboarding_reminded_at__lte=now - REMIND_EVERY)
    ):
        sent += _setup_remind(council, now=now)
    return sent


def _invitation_remind(invitation: Invitation) -> int:
    """Send one invitation again, counting it in the same transaction; one accepted or cancelled meanwhile
    is left alone (and the run goes on)."""
    try:
        with transaction.atomic():
            # claim it first: a run overlapping this one (a retry, a beat restart) finds the count moved on,
            # waits on the row, and sends nothing
            claimed = Invitation.objects.filter(pk=invitation.pk, reminders_sent=invitation.reminders_sent).update(
                reminders_sent=F("reminders_sent") + 1
            )
            if not claimed:
                return 0
            invitation_resend(invitation=invitation, by=None)
    except CouncilError:
        logger.info("Invitation %s was answered before its reminder; none sent.", invitation.pk)
        return 0
    return 1


@transaction.atomic
def _setup_remind(council: Council, *, now: datetime) -> int:
    steps = steps_left(council)
    if not steps:
        return 0
    claimed = Council.objects.filter(pk=council.pk, onboarding_reminders=council.onboarding_reminders).update(
        onboarding_reminders=F("onboarding_reminders") + 1, onboarding_reminded_at=now
    )
    if not claimed:  # another run reminded them meanwhile
        return 0
    email_people(
        role_holders(council=council, role=Role.COUNCIL_ADMIN),
        kind="onboarding_reminder",
        subject=f"Finish setting up {council.short_name} on LocalGov Talent Pool: {len(steps)} step"
        f"{'s' if len(steps) != 1 else ''} left",
        template="emails/onboarding_reminder",
        context={
            "council": council,
            "steps": steps,
            "link": settings.SITE_URL.rstrip("/") + reverse("council:setup"),
        },
    )
    return 1
