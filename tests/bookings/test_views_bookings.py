"""Booking pages through the client: request, answer, cancel; who may see what; constant queries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from bookings import services
from bookings.models import Booking, BookingStatus
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def request_url(listed, week):
    return reverse("bookings:request_week", args=[listed.pk, week.isoformat()])


def test_an_officer_requests_two_weeks_through_the_page(client, booker, listed, next_monday):
    client.force_login(booker)
    second = next_monday + timedelta(weeks=1)
    page = client.get(request_url(listed, next_monday))
    assert page.status_code == 200
    response = client.post(
        request_url(listed, next_monday),
        {
            f"week_{next_monday}": "on",
            f"hours_{next_monday}": "3",
            f"week_{second}": "on",
            f"hours_{second}": "2",
            "brief": "Help us redesign repairs",
            "po_number": "",
            "cost_centre": "CC1",
        },
    )
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert [w.hours for w in booking.weeks.all()] == [3, 2]


def test_the_request_page_explains_each_refusal_and_requests_nothing(client, booker, listed, next_monday):
    client.force_login(booker)
    empty = client.post(request_url(listed, next_monday), {"brief": ""})
    body = empty.content.decode()
    assert "Choose at least one week" in body
    assert "Enter a brief of the work" in body
    too_many = client.post(
        request_url(listed, next_monday), {f"week_{next_monday}": "on", f"hours_{next_monday}": "9", "brief": "Help"}
    )
    assert "offers 3 hours" in too_many.content.decode()
    assert not Booking.objects.exists()


def test_a_request_shown_again_lists_every_open_week_with_what_was_chosen_and_typed(
    client, booker, listed, next_monday
):
    """A request is checked with boxes for the weeks it asks for only; the page shown again has them all."""
    client.force_login(booker)
    second = next_monday + timedelta(weeks=1)
    body = client.post(
        request_url(listed, next_monday),
        {f"week_{second}": "on", f"hours_{second}": "2.5", f"hours_{next_monday}": "1", "brief": ""},
    ).content.decode()
    assert "Enter a brief of the work" in body
    assert f'name="week_{next_monday}" type="checkbox">' in body  # not asked for: still offered, not ticked
    assert f'name="week_{second}" type="checkbox" checked>' in body
    assert 'value="2.5"' in body
    assert not Booking.objects.exists()


def test_the_hours_box_of_a_week_not_asked_for_is_not_read(client, booker, listed, next_monday):
    client.force_login(booker)
    second = next_monday + timedelta(weeks=1)
    response = client.post(
        request_url(listed, next_monday),
        {f"week_{second}": "on", f"hours_{second}": "2", f"hours_{next_monday}": "abc", "brief": "Help"},
    )
    assert response.status_code == 302
    assert [(w.week_start, w.hours) for w in Booking.objects.get().weeks.all()] == [(second, 2)]
    shown_again = client.post(
        request_url(listed, next_monday),
        {f"week_{second}": "on", f"hours_{second}": "2", f"hours_{next_monday}": "abc", "brief": ""},
    ).content.decode()
    assert "Enter a brief of the work" in shown_again
    assert "must be a number" not in shown_again
    assert 'value="abc"' in shown_again  # what was typed, kept


def test_a_week_whose_hours_change_under_the_request_is_explained_once(
    client, booker, listed, next_monday, monkeypatch
):
    """The specialist lowers the week's hours after the page read them and before the service locks them:
    the service's refusal shows once, and the page shown again does not check the week afresh."""
    from talentpool.models import WeekSlot

    real = services.booking_request

    def hours_lowered_first(**kwargs):
        WeekSlot.objects.filter(profile=listed, week_start=next_monday).update(hours=Decimal("2"))
        return real(**kwargs)

    monkeypatch.setattr(services, "booking_request", hours_lowered_first)
    client.force_login(booker)
    body = client.post(
        request_url(listed, next_monday), {f"week_{next_monday}": "on", f"hours_{next_monday}": "3", "brief": "Help"}
    ).content.decode()
    refusal = f"offers 2 hours in the week of {next_monday:%-d %B}"
    assert body.count(refusal) == 1
    assert not Booking.objects.exists()


def test_a_lost_race_is_explained_with_other_open_weeks(client, booker, listed, next_monday, council):
    rival = UserFactory(council=council, roles=["booking_officer"])
    services.booking_request(officer=rival, profile=listed, weeks={next_monday: Decimal("3")}, brief="First")
    client.force_login(booker)
    response = client.post(
        request_url(listed, next_monday), {f"week_{next_monday}": "on", f"hours_{next_monday}": "3", "brief": "Help"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "The week of" in body
    assert "has just been taken" in body
    assert f"Open weeks: {next_monday + timedelta(weeks=1):%-d %B}" in body
    assert Booking.objects.filter(officer=booker).count() == 0


def test_the_specialist_accepts_and_declines_from_their_page(client, booker, listed, next_monday):
    first = services.booking_request(officer=booker, profile=listed, weeks={next_monday: Decimal("3")}, brief="One")
    second = services.booking_request(
        officer=booker, profile=listed, weeks={next_monday + timedelta(weeks=1): Decimal("3")}, brief="Two"
    )
    client.force_login(listed.user)
    assert "Waiting for your answer" in client.get(reverse("bookings:requests")).content.decode()
    client.post(reverse("bookings:accept", args=[first.pk]))
    refused = client.post(reverse("bookings:decline", args=[second.pk]), {"reason": ""})
    assert "Enter why you are declining" in refused.content.decode()
    client.post(reverse("bookings:decline", args=[second.pk]), {"reason": "On leave"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (BookingStatus.ACCEPTED, BookingStatus.DECLINED)


def test_nobody_else_can_answer_or_see_a_booking(client, booker, listed, next_monday, db):
    from tests.factories import ActiveCouncilFactory

    booking = services.booking_request(officer=booker, profile=listed, weeks={next_monday: Decimal("3")}, brief="One")
    stranger_council = ActiveCouncilFactory(code="STR", slug="stranger")
    stranger = UserFactory(council=stranger_council, roles=["specialist", "booking_officer", "council_admin"])
    client.force_login(stranger)
    assert client.post(reverse("bookings:accept", args=[booking.pk])).status_code == 404
    assert client.post(reverse("bookings:cancel", args=[booking.pk]), {"reason": "x"}).status_code == 404
    assert "Olly Officer" not in client.get(reverse("bookings:list")).content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.REQUESTED


def test_booking_lists_cost_the_same_queries_whatever_their_length(
    client, booker, listed, next_monday, django_assert_max_num_queries
):
    client.force_login(booker)
    services.booking_request(officer=booker, profile=listed, weeks={next_monday: Decimal("1")}, brief="x")
    with django_assert_max_num_queries(20) as one:
        client.get(reverse("bookings:list"))
    for i in range(1, 8):
        services.booking_request(
            officer=booker, profile=listed, weeks={next_monday + timedelta(weeks=i): Decimal("1")}, brief="x"
        )
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(reverse("bookings:list"))
    client.force_login(listed.user)
    with django_assert_max_num_queries(20) as mine:
        client.get(reverse("bookings:requests"))
    assert len(mine.captured_queries) <= len(one.captured_queries) + 2


def test_the_specialist_cancels_one_week_from_their_page(client, booker, listed, next_monday):
    second = next_monday + timedelta(weeks=1)
    booking = services.booking_request(
        officer=booker, profile=listed, weeks={next_monday: Decimal("3"), second: Decimal("3")}, brief="Two"
    )
    services.booking_accept(booking=booking, by=listed.user)
    client.force_login(listed.user)
    page = client.get(reverse("bookings:requests")).content.decode()
    url = f"{reverse('bookings:cancel', args=[booking.pk])}?week={second.isoformat()}"
    assert url.replace("&", "&amp;") in page or url in page
    assert f"Cancel the booking for the week of {second:%-d %B %Y}" in client.get(url).content.decode()
    client.post(url, {"reason": "Training course"})
    booking.refresh_from_db()
    assert booking.status == BookingStatus.ACCEPTED
    assert [w.status for w in booking.weeks.order_by("week_start")] == ["booked", "released"]


def test_cancel_is_offered_only_while_a_week_is_still_to_come(client, booker, listed, next_monday):
    """A booking whose weeks have all started offers no "Cancel" (it would end in "no weeks to come")."""
    from freezegun import freeze_time

    booking = services.booking_request(officer=booker, profile=listed, weeks={next_monday: Decimal("3")}, brief="B")
    services.booking_accept(booking=booking, by=listed.user)
    cancel = reverse("bookings:cancel", args=[booking.pk])
    client.force_login(booker)
    assert cancel in client.get(reverse("bookings:list")).content.decode()
    with freeze_time(next_monday + timedelta(days=2)):
        client.force_login(booker)
        page = client.get(reverse("bookings:list"))
        assert page.status_code == 200
        assert listed.user.full_name in page.content.decode()  # the booking is listed...
        assert cancel not in page.content.decode()  # ...without a way to cancel a week that has started
    client.force_login(listed.user)
    assert cancel in client.get(reverse("bookings:requests")).content.decode()


def test_the_requests_page_title_is_plain_words(client, booker, listed):
    """The browser tab, history and screen readers read the title: no markup, address or token in it."""
    client.force_login(listed.user)
    page = client.get(reverse("bookings:requests")).content.decode()
    title = page[page.index("<title>") + 7 : page.index("</title>")]
    assert title.split("–")[0].strip() == "Your bookings"


def test_a_booking_list_shows_where_each_week_has_got_to(client, booker, listed, next_monday):
    """Held, booked, hours to record, hours recorded and what the booking council made of them, released."""
    from freezegun import freeze_time

    from bookings import timesheets

    second, third = next_monday + timedelta(weeks=1), next_monday + timedelta(weeks=2)
    booking = services.booking_request(
        officer=booker, profile=listed, weeks={w: Decimal("3") for w in (next_monday, second, third)}, brief="B"
    )
    client.force_login(booker)
    assert "Held, waiting for an answer" in client.get(reverse("bookings:list")).content.decode()
    services.booking_accept(booking=booking, by=listed.user)
    services.booking_cancel(booking=booking, by=booker, reason="Budget cut", week_start=third)
    with freeze_time(second + timedelta(days=8)):
        week = booking.weeks.get(week_start=next_monday)
        timesheets.timesheet_submit(week=week, by=listed.user, hours=Decimal("2.5"), note="")
        client.force_login(booker)
        page = client.get(reverse("bookings:list")).content.decode()
    assert "2.5 hours recorded: waiting for confirmation" in page
    assert "Booked: hours to record" in page  # the second week ended with nothing recorded
    assert '<span class="govuk-body-s">Cancelled</span>' in page  # the third week


def test_the_booking_page_tells_the_whole_story_to_its_three_parties_only(
    client, booker, listed, next_monday, council, other_council
):
    booking = services.booking_request(
        officer=booker, profile=listed, weeks={next_monday: Decimal("3")}, brief="Fix the forms", po_number="PO-7"
    )
    page = reverse("bookings:detail", args=[booking.pk])
    supplier_admin = UserFactory(council=listed.council, roles=["council_admin"])
    for reader in (booker, listed.user, supplier_admin):
        client.force_login(reader)
        assert client.get(page).status_code == 200
    for stranger in (
        UserFactory(council=listed.council, roles=["booking_officer"]),  # at the specialist's council, not a party
        UserFactory(council=council, roles=["approver"]),  # at the booking council, not a party
    ):
        client.force_login(stranger)
        assert client.get(page).status_code == 404
    client.force_login(listed.user)
    shown = client.get(page).content.decode()
    assert "Fix the forms" in shown
    assert "PO-7" in shown
    assert "Held, waiting for an answer" in shown
    assert reverse("bookings:accept", args=[booking.pk]) in shown  # the specialist may answer now
    services.booking_accept(booking=booking, by=listed.user)
    services.booking_cancel(booking=booking, by=booker, reason="Budget cut")
    client.force_login(booker)
    shown = client.get(page).content.decode()
    assert "Requested" in shown
    assert "Accepted" in shown
    assert "Cancelled: Budget cut" in shown
    assert reverse("bookings:cancel", args=[booking.pk]) not in shown  # nothing left to cancel
    client.force_login(booker)
    assert reverse("bookings:detail", args=[booking.pk]) in client.get(reverse("bookings:list")).content.decode()
