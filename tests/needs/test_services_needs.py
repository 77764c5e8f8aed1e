"""Posting a need: who is told, answers, booking from an answer through the normal booking service, who
sees a need, and the state map."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, ProgrammingError, transaction
from django.utils import timezone

from audit.models import AuditEvent
from bookings import services as bookings
from bookings.models import Booking, BookingStatus
from bookings.services import BookingError
from councils.models import Role
from needs import selectors, services
from needs.models import Need, NeedAnswer, NeedAnswerOutcome, NeedNotice, NeedStatus
from needs.services import NeedDetails, NeedError
from notifications.models import OutboundEmail
from talentpool import services as pool
from talentpool import weekly_hours
from talentpool.weeks import first_future_monday
from tests.factories import ActiveCouncilFactory, UserFactory, specialist_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def monday():
    return first_future_monday(timezone.localdate()) + timedelta(weeks=2)


FLY_TIPPING = (
    "Tackling fly-tipping hotspots with cameras",
    "Dumped rubbish in back lanes cost a fortune to clear.",
    "Put cameras at the worst spots and prosecuted.",
)
PARKS = ("Parks volunteering scheme", "Volunteers were hard to keep.", "Set up a friends-of-parks network.")


def listed(council, *, email, project=FLY_TIPPING, hours="3"):
    """A listed specialist with a past project, three hours a week open and a rate."""
    profile = specialist_profile(council, email=email, full_name=email.split("@")[0].title())
    pool.past_project_save(
        profile=profile,
        by=profile.user,
        title=project[0],
        problem=project[1],
        what_i_did=project[2],
        outcome="It worked.",
        year=2024,
    )
    weekly_hours.pattern_set(
        profile=profile,
        by=profile.user,
        hours=Decimal(hours),
        starts_on=first_future_monday(timezone.localdate()),
        ends_on=None,
    )
    finance = UserFactory(council=council, roles=[Role.FINANCE_OFFICER])
    return pool.profile_rate_set(profile=profile, by=finance, amount=Decimal("50"))


def details(monday, **changes) -> NeedDetails:
    base = {
        "title": "Stopping fly-tipping in back lanes",
        "problem": "Illegal dumping in alleys keeps coming back.",
        "help_wanted": "Advice on CCTV and enforcement.",
        "weeks": [monday],
        "hours": Decimal("3"),
        "closes_on": monday - timedelta(days=3),
    }
    return NeedDetails(**{**base, **changes})


@pytest.fixture
def posted(officer, monday):
    return services.need_save(officer=officer, details=details(monday))


def test_a_draft_is_checked_like_a_booking_and_shows_every_problem(officer, monday):
    problems = services.need_problems(
        details(
            monday,
            title=" ",
            weeks=[monday + timedelta(days=1)],
            hours=Decimal("0"),
            closes_on=timezone.localdate() - timedelta(days=1),
        ),
        today=timezone.localdate(),
    )
    assert set(problems) == {"title", "weeks", "hours", "closes_on"}
    with pytest.raises(NeedError):
        services.need_save(officer=officer, details=details(monday, hours=Decimal("60")))
    assert not Need.objects.exists()


def test_a_council_not_on_the_current_agreement_cannot_post(monday):
    from tests.factories import CouncilFactory

    onboarding = CouncilFactory(code="ONB", name="Onboarding Council", short_name="Onboarding", slug="onboarding")
    officer = UserFactory(council=onboarding, roles=[Role.BOOKING_OFFICER])
    with pytest.raises(NeedError, match="cannot book yet"):
        services.need_save(officer=officer, details=details(monday))


def test_publishing_tells_listed_matching_specialists_of_other_councils_once(
    officer, council, other_council, posted, monday
):
    fits = listed(other_council, email="fits@betaford.gov.uk")
    off_topic = listed(other_council, email="parks@betaford.gov.uk", project=PARKS)
    own = listed(council, email="own@alphaton.gov.uk")
    unlisted = listed(other_council, email="ended@betaford.gov.uk")
    type(unlisted).objects.filter(pk=unlisted.pk).update(approval_ends_on=timezone.localdate() - timedelta(days=1))
    notices = services.need_publish(need=posted, by=officer)
    told = {n.profile_id for n in notices}
    assert fits.pk in told
    assert not told & {off_topic.pk, own.pk, unlisted.pk}
    mail = OutboundEmail.objects.filter(kind="need_published")
    assert list(mail.values_list("to", flat=True)) == [fits.user.email]
    assert "answer by" in mail.get().subject
    posted.refresh_from_db()
    assert posted.status == NeedStatus.OPEN


def test_nobody_is_emailed_who_switched_them_off_but_their_home_page_lists_it(client, officer, other_council, posted):
    fits = listed(other_council, email="fits@betaford.gov.uk")
    services.need_emails_set(user=fits.user, on=False)
    services.need_publish(need=posted, by=officer)
    assert NeedNotice.objects.get().emailed is False
    assert not OutboundEmail.objects.filter(kind="need_published").exists()
    client.force_login(fits.user)
    assert f"needs help with {posted.title}" in client.get("/").content.decode()


def test_nobody_is_told_about_more_than_the_weekly_limit(officer, other_council, monday):
    fits = listed(other_council, email="fits@betaford.gov.uk")
    for n in range(services.TOLD_PER_WEEK + 1):
        need = services.need_save(officer=officer, details=details(monday, title=f"Fly-tipping cameras {n}"))
        services.need_publish(need=need, by=officer)
    assert NeedNotice.objects.filter(profile=fits).count() == services.TOLD_PER_WEEK


def test_an_answer_becomes_a_booking_request_through_the_normal_service(officer, other_council, posted, monday):
    fits = listed(other_council, email="fits@betaford.gov.uk")
    rival = listed(other_council, email="rival@betaford.gov.uk")
    services.need_publish(need=posted, by=officer)
    answer = services.need_answer(need=posted, by=fits.user, note="I did exactly this.", weeks=[monday])
    other = services.need_answer(need=posted, by=rival.user, note="Me too.", weeks=[monday])
    assert OutboundEmail.objects.filter(kind="need_answered", to=officer.email).count() == 2
    booking = services.need_book(answer=answer, by=officer, po_number="PO1")
    assert booking.status == BookingStatus.REQUESTED
    assert booking.profile == fits
    assert list(booking.weeks.values_list("week_start", "hours")) == [(monday, Decimal("3"))]
    posted.refresh_from_db()
    other.refresh_from_db()
    assert posted.status == NeedStatus.FILLED
    assert other.outcome == NeedAnswerOutcome.NOT_CHOSEN
    assert OutboundEmail.objects.filter(kind="need_outcome", to=rival.user.email).exists()
    bookings.booking_accept(booking=booking, by=fits.user)  # the specialist accepts as any request


def test_a_week_taken_meanwhile_is_refused_the_same_way_and_nothing_changes(
    officer, council, other_council, posted, monday
):
    fits = listed(other_council, email="fits@betaford.gov.uk")
    services.need_publish(need=posted, by=officer)
    answer = services.need_answer(need=posted, by=fits.user, note="Yes.", weeks=[monday])
    rival_officer = UserFactory(council=ActiveCouncilFactory(code="CCC", slug="ccc"), roles=[Role.BOOKING_OFFICER])
    bookings.booking_request(officer=rival_officer, profile=fits, weeks={monday: Decimal("3")}, brief="Mine")
    with pytest.raises(BookingError):
        services.need_book(answer=answer, by=officer)
    answer.refresh_from_db()
    posted.refresh_from_db()
    assert answer.outcome == NeedAnswerOutcome.WAITING
    assert posted.status == NeedStatus.OPEN
    assert Booking.objects.filter(customer_council=council).count() == 0


def test_keeping_the_need_open_lets_the_officer_book_more_people(officer, other_council, posted, monday):
    first = listed(other_council, email="first@betaford.gov.uk")
    second = listed(other_council, email="second@betaford.gov.uk")
    services.need_publish(need=posted, by=officer)
    a1 = services.need_answer(need=posted, by=first.user, note="Yes.", weeks=[monday])
    a2 = services.need_answer(need=posted, by=second.user, note="Yes.", weeks=[monday])
    services.need_book(answer=a1, by=officer, keep_open=True)
    posted.refresh_from_db()
    assert posted.status == NeedStatus.OPEN
    services.need_book(answer=a2, by=officer)
    posted.refresh_from_db()
    assert posted.status == NeedStatus.FILLED


def test_a_specialist_may_only_offer_their_own_open_weeks(officer, other_council, posted, monday):
    fits = listed(other_council, email="fits@betaford.gov.uk")
    services.need_publish(need=posted, by=officer)
    with pytest.raises(NeedError, match="weeks"):
        services.need_answer(need=posted, by=fits.user, note="Yes.", weeks=[monday + timedelta(weeks=1)])
    own = listed(officer.council, email="own@alphaton.gov.uk")
    with pytest.raises(NeedError, match="own council"):
        services.need_answer(need=posted, by=own.user, note="Yes.", weeks=[monday])
    assert not NeedAnswer.objects.exists()
    assert not OutboundEmail.objects.filter(kind="need_answered").exists()


def test_another_councils_officer_sees_a_need_only_when_it_is_shared(officer, other_council, posted):
    stranger = UserFactory(council=other_council, roles=[Role.BOOKING_OFFICER])
    colleague = UserFactory(council=officer.council, roles=[Role.BOOKING_OFFICER])
    services.need_publish(need=posted, by=officer)
    posted.refresh_from_db()
    assert selectors.need_visible(need=posted, user=colleague)
    assert not selectors.need_visible(need=posted, user=stranger)
    assert not selectors.needs_shared_by_others(viewer=stranger).exists()
    posted.shared = True
    posted.save(update_fields=["shared"])
    assert selectors.need_visible(need=posted, user=stranger)
    assert list(selectors.needs_shared_by_others(viewer=stranger)) == [posted]
    services.need_hide(need=posted, by=UserFactory(is_staff=True, council=None, roles=[]), reason="Advertising")
    posted.refresh_from_db()
    assert not selectors.need_visible(need=posted, user=stranger)
    assert selectors.need_visible(need=posted, user=colleague)


def test_moves_outside_the_map_are_refused_by_the_service_and_the_database(officer, posted, monday):
    services.need_withdraw(need=posted, by=officer, reason="Plans changed")
    audited = AuditEvent.objects.count()
    with pytest.raises(NeedError, match="withdrawn"):
        services.need_publish(need=posted, by=officer)
    with pytest.raises(NeedError, match="no longer be changed"):
        services.need_save(officer=officer, details=details(monday, title="Other"), need=posted)
    posted.refresh_from_db()
    assert (posted.status, posted.title) == (NeedStatus.WITHDRAWN, "Stopping fly-tipping in back lanes")
    assert AuditEvent.objects.count() == audited
    assert not NeedNotice.objects.exists()
    with pytest.raises(ProgrammingError, match="Invalid transition"), transaction.atomic():
        Need.objects.filter(pk=posted.pk).update(status=NeedStatus.OPEN)


def test_needs_close_on_their_date_and_the_unanswered_count_as_unmet(officer, other_council, posted, monday):
    fits = listed(other_council, email="fits@betaford.gov.uk")
    services.need_publish(need=posted, by=officer)
    lonely = services.need_save(officer=officer, details=details(monday, title="Cameras for parks"))
    services.need_publish(need=lonely, by=officer)
    services.need_answer(need=posted, by=fits.user, note="Yes.", weeks=[monday])
    assert services.needs_close_due(today=monday) == 2
    assert OutboundEmail.objects.filter(kind="need_outcome", to=fits.user.email).exists()
    assert list(selectors.needs_unanswered(since=timezone.localdate())) == [lonely]


def test_a_title_written_as_a_sentence_still_finds_who_fits(officer, other_council, monday):
    """Stop words ("it", "for", "to") are no part of what a need names: a specialist covering its subject
    fits however the sentence is worded."""
    fits = listed(other_council, email="fits@betaford.gov.uk")
    need = services.need_save(
        officer=officer, details=details(monday, title="Help for us to stop it: fly-tipping in the back lanes")
    )
    assert [n.profile_id for n in services.need_publish(need=need, by=officer)] == [fits.pk]


def test_only_weeks_bookable_at_the_needs_hours_can_be_offered(officer, other_council, monday):
    """A need for more hours than a specialist offers in a week tells nobody, and no answer can offer that
    week: a booking from it would always be refused."""
    fits = listed(other_council, email="fits@betaford.gov.uk", hours="2")
    need = services.need_save(officer=officer, details=details(monday, hours=Decimal("3")))
    assert services.need_publish(need=need, by=officer) == []
    assert services.answer_weeks(need=need, profile=fits, today=timezone.localdate()) == []
    with pytest.raises(NeedError, match="weeks"):
        services.need_answer(need=need, by=fits.user, note="Yes.", weeks=[monday])


def test_weeks_and_hours_are_fixed_once_someone_has_answered(officer, other_council, posted, monday):
    fits = listed(other_council, email="fits@betaford.gov.uk")
    services.need_publish(need=posted, by=officer)
    services.need_answer(need=posted, by=fits.user, note="Yes.", weeks=[monday])
    with pytest.raises(NeedError, match="withdraw this need and post a new one"):
        services.need_save(officer=officer, details=details(monday, hours=Decimal("2")), need=posted)
    posted.refresh_from_db()
    assert posted.hours == Decimal("3")
    changed = services.need_save(officer=officer, details=details(monday, title="Fly-tipping: CCTV"), need=posted)
    assert changed.title == "Fly-tipping: CCTV"


@pytest.mark.parametrize(
    ("changes", "constraint"),
    [({"hours": Decimal("49")}, "need_hours_in_a_week"), ({"closes_on_days": 0}, "need_closes_before_its_weeks")],
)
def test_the_database_refuses_a_need_past_the_rules(officer, monday, changes, constraint):
    """Whoever writes: more hours than a week holds, or answers closing on or after the first week."""
    closes = monday - timedelta(days=changes.pop("closes_on_days", 3))
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        Need.objects.create(
            council=officer.council,
            officer=officer,
            title="T",
            problem="P",
            help_wanted="H",
            weeks=[monday],
            hours=changes.get("hours", Decimal("3")),
            closes_on=closes,
        )
    assert not Need.objects.exists()
