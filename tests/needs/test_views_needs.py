"""The needs pages as people reach them: who sees a need, and bad input changing nothing."""

from datetime import timedelta

import pytest
from django.urls import reverse

from councils.models import Role
from needs import services
from needs.models import Need
from tests.factories import UserFactory
from tests.needs.test_services_needs import details, monday  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def test_another_councils_officer_finds_a_need_only_once_it_is_shared(client, officer, other_council, monday):  # noqa: F811
    need = services.need_save(officer=officer, details=details(monday))
    services.need_publish(need=need, by=officer)
    stranger = UserFactory(council=other_council, roles=[Role.BOOKING_OFFICER])
    client.force_login(stranger)
    page = reverse("needs:detail", args=[need.pk])
    assert client.get(page).status_code == 404
    assert need.title not in client.get(reverse("needs:list")).content.decode()
    Need.objects.filter(pk=need.pk).update(shared=True)
    assert client.get(page).status_code == 200
    assert need.title in client.get(reverse("needs:list")).content.decode()
    assert "Answer this need" not in client.get(page).content.decode()  # officers do not answer


def test_a_need_with_mistakes_shows_every_problem_and_saves_nothing(client, officer, monday):  # noqa: F811
    client.force_login(officer)
    response = client.post(
        reverse("needs:new"),
        {
            "title": "Cameras",
            "problem": "",
            "help_wanted": "Advice",
            "weeks": [(monday + timedelta(days=2)).isoformat()],
            "hours": "99",
            "closes_on_0": "31",
            "closes_on_1": "2",
            "closes_on_2": "2027",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter the problem" in page
    assert "Hours a week must be between" in page
    assert "Select a valid choice" in page or "Choose weeks" in page
    assert "Closing date must be a real date" in page
    assert not Need.objects.exists()


def test_platform_staff_see_unmet_demand_and_hide_a_need(client, officer, monday, staff):  # noqa: F811
    from talentpool.models import SearchWithoutResults

    lonely = services.need_save(officer=officer, details=details(monday))
    services.need_publish(need=lonely, by=officer)
    services.needs_close_due(today=monday)
    SearchWithoutResults.objects.create(words="ransomware recovery", filters={})
    client.force_login(staff)
    page = client.get(reverse("needs:platform")).content.decode()
    assert "1 need closed with nobody answering" in page
    assert "1 search found nobody" in page
    response = client.post(reverse("needs:hide", args=[lonely.pk]), {"reason": "Advertising a product"})
    assert response.status_code == 302
    lonely.refresh_from_db()
    assert lonely.hidden_reason == "Advertising a product"


def test_an_open_need_can_be_changed_from_its_page_with_its_current_answers_filled_in(client, officer, monday):  # noqa: F811
    need = services.need_save(officer=officer, details=details(monday))
    services.need_publish(need=need, by=officer)
    client.force_login(officer)
    page = client.get(reverse("needs:edit", args=[need.pk])).content.decode()
    assert 'value="Stopping fly-tipping in back lanes"' in page
    assert f'value="{need.closes_on.day}"' in page
    assert 'value="Save changes"' in page
    response = client.post(
        reverse("needs:edit", args=[need.pk]),
        {
            "title": "Stopping fly-tipping in alleys",
            "problem": need.problem,
            "help_wanted": need.help_wanted,
            "weeks": [monday.isoformat(), (monday + timedelta(weeks=1)).isoformat()],
            "hours": "2.5",
            "closes_on_0": str(need.closes_on.day),
            "closes_on_1": str(need.closes_on.month),
            "closes_on_2": str(need.closes_on.year),
        },
    )
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.title == "Stopping fly-tipping in alleys"
    assert need.weeks == [monday, monday + timedelta(weeks=1)]
    assert need.status == "open"


def test_withdrawing_without_a_reason_is_refused_and_the_need_stays_open(client, officer, monday):  # noqa: F811
    need = services.need_save(officer=officer, details=details(monday))
    services.need_publish(need=need, by=officer)
    client.force_login(officer)
    page = client.get(reverse("needs:withdraw", args=[need.pk])).content.decode()
    assert need.title in page  # which need is being withdrawn
    response = client.post(reverse("needs:withdraw", args=[need.pk]), {"reason": "  "})
    assert response.status_code == 200
    assert "Enter why you are withdrawing the need" in response.content.decode()
    need.refresh_from_db()
    assert need.status == "open"
    assert need.end_note == ""
