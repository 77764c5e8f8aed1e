"""Pool pages through the client: who may see them, and what bad input says."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from talentpool import approval, weekly_hours
from talentpool.forms import search_filter_choices_refresh
from talentpool.models import ProfileStatus, SlotStatus, WeekSlot
from talentpool.vocabulary import search_words, vocabulary_ideas
from talentpool.weeks import first_future_monday
from tests.factories import UserFactory, force_fields, specialist_profile

pytestmark = pytest.mark.django_db

NEXT = first_future_monday(timezone.localdate())


@pytest.fixture
def listed(other_council):
    profile = specialist_profile(other_council, full_name="Lee Listed", headline="Council tax reform")
    weekly_hours.pattern_set(profile=profile, by=profile.user, hours=Decimal("3"), starts_on=NEXT, ends_on=None)
    return profile


@pytest.mark.parametrize(
    "params",
    [
        {"week": "2026-13-45"},
        {"week": "not-a-date"},
        {"week": (NEXT + timedelta(days=2)).isoformat()},
        {"min_hours": "-3"},
        {"min_hours": "lots"},
        {"max_rate": "0"},
        {"skill": "999999"},
        {"service_area": "abc"},
        {"lgdss": "99"},
        {"nation": "Atlantis"},
        {"council": "ZZZ"},
        {"within_weeks": "1000"},
        {"sort": "random"},
        {"q": "x" * 5000},
        {"page": "-1"},
    ],
)
def test_nonsense_search_parameters_give_a_message_never_an_error_page(client, officer, listed, params):
    client.force_login(officer)
    response = client.get(reverse("talentpool:search"), params)
    assert response.status_code == 200
    body = response.content.decode()
    if "page" not in params:
        assert "There is a problem with your search" in body
    assert "Lee Listed" in body  # the bad filter was left out, the rest still searched


def test_search_finds_by_phrase_and_week_in_the_page(client, officer, listed):
    client.force_login(officer)
    body = client.get(reverse("talentpool:search"), {"q": "tax reform", "week": NEXT.isoformat()}).content.decode()
    assert "Lee Listed" in body
    assert "1 specialist matches your search" in body
    weeks = [NEXT + timedelta(weeks=n) for n in range(4)]  # the first four of its open weeks, with their hours
    assert ", ".join(f"{w.day} {w:%b} (3 h)" for w in weeks) + "</dd>" in body


def test_the_filters_keep_what_was_chosen_and_show_names_escaped(client, officer, listed, other_council):
    """The filter lists are escaped once per process and reused: each page still marks its own choice."""
    other_council.name = "Brent & <Harrow>"
    other_council.save()
    search_filter_choices_refresh()
    client.force_login(officer)
    for chosen in (other_council.code, ""):
        body = client.get(reverse("talentpool:search"), {"q": "tax", "council": chosen}).content.decode()
        option = f'<option value="{other_council.code}"'
        assert (option + " selected>" in body) is bool(chosen)
        assert (option + ">Brent &amp; &lt;Harrow&gt;</option>" in body) is not bool(chosen)
    assert '<option value="" selected>Any council</option>' in body


def test_a_result_with_no_open_week_says_so_and_half_hours_show(client, officer, listed):
    client.force_login(officer)
    force_fields(WeekSlot.objects.filter(profile=listed, week_start=NEXT), hours=Decimal("2.5"))
    body = client.get(reverse("talentpool:search"), {"q": "tax reform"}).content.decode()
    assert f"{NEXT.day} {NEXT:%b} (2.5 h), " in body
    force_fields(WeekSlot.objects.filter(profile=listed), status=SlotStatus.WITHDRAWN)
    body = client.get(reverse("talentpool:search"), {"q": "tax reform"}).content.decode()
    assert "None in the next 26 weeks" in body


def test_search_page_queries_do_not_grow_with_results(client, officer, other_council, django_assert_max_num_queries):
    client.force_login(officer)
    specialist_profile(other_council, headline="Digital")
    (
        vocabulary_ideas(),
        search_words(),
    )  # each read once a process every few minutes, not per page: the page's own queries count
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("talentpool:search"), {"q": "digital"})
    for _ in range(10):
        specialist_profile(other_council, headline="Digital")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("talentpool:search"), {"q": "digital"})


def test_an_unlisted_profile_is_hidden_from_other_councils_but_not_its_own(client, officer, other_council):
    draft = specialist_profile(other_council, full_name="Dee Draft", approve=False)
    client.force_login(officer)
    assert client.get(reverse("talentpool:profile", args=[draft.pk])).status_code == 404
    colleague = UserFactory(council=other_council, roles=["booking_officer"])
    client.force_login(colleague)
    assert "not listed" in client.get(reverse("talentpool:profile", args=[draft.pk])).content.decode()


def test_a_booking_officer_of_another_council_is_offered_the_weeks_to_request(client, officer, listed):
    client.force_login(officer)
    body = client.get(reverse("talentpool:profile", args=[listed.pk])).content.decode()
    assert reverse("bookings:request_week", args=[listed.pk, NEXT.isoformat()]) in body
    page = client.get(reverse("bookings:request_week", args=[listed.pk, NEXT.isoformat()]))
    assert page.status_code == 200


def test_a_specialists_own_colleague_is_not_offered_a_request(client, listed, other_council):
    colleague = UserFactory(council=other_council, roles=["booking_officer"])
    client.force_login(colleague)
    body = client.get(reverse("talentpool:profile", args=[listed.pk])).content.decode()
    assert "/bookings/request/" not in body
    assert client.get(reverse("bookings:request_week", args=[listed.pk, NEXT.isoformat()])).status_code == 404


@pytest.mark.parametrize(
    ("url", "role"),
    [
        ("talentpool:my_profile", "booking_officer"),
        ("talentpool:hours", "booking_officer"),
        ("talentpool:approvals", "specialist"),
        ("talentpool:rates", "specialist"),
    ],
)
def test_pool_pages_refuse_the_wrong_role(client, council, url, role):
    client.force_login(UserFactory(council=council, roles=[role]))
    assert client.get(reverse(url)).status_code == 403


def test_approvers_and_finance_cannot_reach_another_councils_profiles(client, listed, council):
    for role, url in (("approver", "talentpool:approval"), ("finance_officer", "talentpool:rate")):
        client.force_login(UserFactory(council=council, roles=[role]))
        assert client.get(reverse(url, args=[listed.pk])).status_code == 404
        assert client.post(reverse(url, args=[listed.pk]), {"hourly_rate": "1"}).status_code == 404
    listed.refresh_from_db()
    assert listed.hourly_rate is None


def test_approval_form_shows_errors_and_changes_nothing(client, other_council):
    profile = specialist_profile(other_council, approve=False)
    approval.profile_submit(profile=profile, by=profile.user)
    approver = UserFactory(council=other_council, roles=["approver"])
    client.force_login(approver)
    far = timezone.localdate() + timedelta(days=500)
    response = client.post(
        reverse("talentpool:approval", args=[profile.pk]),
        {"weekly_cap": "5", "ends_on_0": far.day, "ends_on_1": far.month, "ends_on_2": far.year},
    )
    assert "no more than 12 months" in response.content.decode()
    profile.refresh_from_db()
    assert profile.status == ProfileStatus.SUBMITTED


@pytest.mark.parametrize(
    ("year", "message"),
    [
        ("99999999999999999999", "Approval end date must include a year with 4 numbers"),  # was a 500
        ("-2027", "Approval end date must be a real date"),
        ("", "Approval end date must include a year"),
    ],
)
def test_a_bad_approval_end_date_is_an_error_on_the_page_and_changes_nothing(client, other_council, year, message):
    profile = specialist_profile(other_council, approve=False)
    approval.profile_submit(profile=profile, by=profile.user)
    client.force_login(UserFactory(council=other_council, roles=["approver"]))
    response = client.post(
        reverse("talentpool:approval", args=[profile.pk]),
        {"weekly_cap": "5", "ends_on_0": "1", "ends_on_1": "3", "ends_on_2": year},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert 'href="#id_ends_on_2"' in body  # the error summary links to the year box
    profile.refresh_from_db()
    assert (profile.status, profile.weekly_cap) == (ProfileStatus.SUBMITTED, None)


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        ({"starts_on_2": "99999999999999999999"}, "Start date must include a year with 4 numbers"),  # was a 500
        (
            {"ends_on_0": "1", "ends_on_1": "3", "ends_on_2": "99999999999999999999"},
            "End date must include a year with 4 numbers",
        ),
        ({"ends_on_0": "1", "ends_on_1": "3"}, "End date must include a year"),  # was saved as "no end"
        ({"ends_on_2": "2027"}, "End date must include a day and month"),
    ],
)
def test_a_bad_or_partly_filled_weekly_hours_date_is_an_error_and_changes_nothing(client, listed, dates, message):
    client.force_login(listed.user)
    before = (listed.pattern.starts_on, listed.pattern.ends_on, list(listed.slots.values_list("week_start", "hours")))
    form = {"hours": "2", "starts_on_0": NEXT.day, "starts_on_1": NEXT.month, "starts_on_2": NEXT.year}
    response = client.post(reverse("talentpool:hours"), {**form, **dates})
    assert response.status_code == 200
    assert message in response.content.decode()
    listed.pattern.refresh_from_db()
    assert (
        listed.pattern.starts_on,
        listed.pattern.ends_on,
        list(listed.slots.values_list("week_start", "hours")),
    ) == before
    assert listed.pattern.hours == 3


def test_a_booked_week_cannot_be_changed_from_the_hours_page(client, listed):
    force_fields(WeekSlot.objects.filter(profile=listed, week_start=NEXT), status=SlotStatus.BOOKED)
    client.force_login(listed.user)
    response = client.post(reverse("talentpool:week", args=[NEXT.isoformat()]), {"hours": "1"})
    assert "by a booking" in response.content.decode()
    assert WeekSlot.objects.get(profile=listed, week_start=NEXT).hours == 3
    assert client.get(reverse("talentpool:week", args=["not-a-date"])).status_code == 404


@pytest.mark.parametrize("url", ["talentpool:hours", "talentpool:project_add", "talentpool:my_profile"])
def test_a_specialist_without_a_profile_is_sent_to_write_one(client, council, url):
    client.force_login(UserFactory(council=council, roles=["specialist"]))
    response = client.get(reverse(url))
    assert response.status_code == 302
    assert response["Location"] == reverse("talentpool:profile_edit")


def test_changing_an_approved_permission_says_save_changes_and_keeps_the_values(client, db):
    from talentpool.models import SpecialistProfile
    from tests.factories import ActiveCouncilFactory

    council = ActiveCouncilFactory(code="CHG", slug="changeton", name="Changeton Council", short_name="Changeton")
    profile = specialist_profile(council, cap=Decimal("6"))
    approver = UserFactory(council=council, roles=["approver"])
    client.force_login(approver)
    page = client.get(reverse("talentpool:approval", args=[profile.pk])).content.decode()
    assert 'value="Save changes"' in page
    assert 'value="6"' in page
    ends = profile.approval_ends_on
    response = client.post(
        reverse("talentpool:approval", args=[profile.pk]),
        {"weekly_cap": "4", "ends_on_0": ends.day, "ends_on_1": ends.month, "ends_on_2": ends.year},
        follow=True,
    )
    assert "may offer up to 4 hours a week" in response.content.decode()
    assert SpecialistProfile.objects.get(pk=profile.pk).weekly_cap == 4


def test_service_names_are_tidied_and_every_one_is_in_a_group():
    from talentpool.models import ServiceArea
    from talentpool.reference import OTHER_SERVICES, service_name_clean
    from tests.factories import reference_data_ensure

    reference_data_ensure()
    assert service_name_clean("Find out abut  school transport") == "School transport"
    assert service_name_clean("Find out more about  council tax") == "Council tax"
    names = list(ServiceArea.objects.values_list("description", "group"))
    assert len(names) == 117
    assert not [n for n, _g in names if n.lower().startswith("find out") or "  " in n or " abut " in n]
    assert all(group for _n, group in names)
    assert sum(1 for _n, group in names if group == OTHER_SERVICES) < 20  # most find a group of their own


def test_a_specialist_finds_a_service_by_name_and_an_unknown_name_changes_nothing(client, council):
    from talentpool.models import ServiceArea

    profile = specialist_profile(council, full_name="Sam Services", headline="Officer")
    client.force_login(profile.user)
    page = client.get(reverse("talentpool:profile_edit")).content.decode()
    assert "Roads, parking and transport" in page  # grouped
    assert '<option value="Parking permits">' in page  # suggestions that work without scripts
    form = {"headline": "Officer", "summary": "Summary", "contracted_hours": "37"}
    refused = client.post(reverse("talentpool:profile_edit"), {**form, "service_area_find": "Parking on the moon"})
    assert "No council service is called “Parking on the moon”" in refused.content.decode()
    assert not profile.service_areas.exists()
    client.post(reverse("talentpool:profile_edit"), {**form, "service_area_find": "parking permits"})
    assert list(profile.service_areas.values_list("description", flat=True)) == ["Parking permits"]
    assert ServiceArea.objects.get(description="Parking permits").group == "Roads, parking and transport"
