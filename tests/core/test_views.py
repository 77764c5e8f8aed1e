"""The shared form and action views show any app's refusal to the person, whatever the app."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.test import RequestFactory

from bookings.services import BookingError
from core.forms import GovForm
from core.views import ServiceActionView, ServiceFormView
from councils.services import CouncilError
from payments.services import PaymentError
from talentpool.services import PoolError


def _request(method: str, data=None):
    request = getattr(RequestFactory(), method)("/somewhere/", data or {})
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


class NameForm(GovForm):
    name = forms.CharField(label="Name")


@pytest.mark.parametrize("error", [CouncilError, PoolError, BookingError, PaymentError])
def test_a_form_page_shows_any_apps_refusal_in_the_error_summary(error):
    class Page(ServiceFormView):
        form_class = NameForm
        success_url = "/done/"

        def perform(self, form):
            raise error("That cannot be done now")

    response = Page.as_view()(_request("post", {"name": "Ann"}))
    assert response.status_code == 200
    response.render()
    html = response.content.decode()
    assert "There is a problem" in html
    assert "That cannot be done now" in html


@pytest.mark.parametrize("error", [CouncilError, PoolError, BookingError, PaymentError])
def test_an_action_shows_any_apps_refusal_and_goes_back(error):
    class Action(ServiceActionView):
        success_url = "/back/"
        success_message = "Done: {result}"

        def perform(self):
            raise error("Already answered")

    request = _request("post")
    response = Action.as_view()(request)
    assert (response.status_code, response["Location"]) == (302, "/back/")
    assert [(m.level_tag, str(m)) for m in get_messages(request)] == [("error", "Already answered")]


def test_an_action_that_succeeds_says_what_it_did():
    class Action(ServiceActionView):
        success_url = "/back/"
        success_message = "Sent to {result}"

        def perform(self):
            return "Ann"

    request = _request("post")
    response = Action.as_view()(request)
    assert response.status_code == 302
    assert [(m.level_tag, str(m)) for m in get_messages(request)] == [("success", "Sent to Ann")]
    assert Action.as_view()(_request("get")).status_code == 405


def test_an_error_that_is_not_a_refusal_is_not_swallowed():
    class Action(ServiceActionView):
        success_url = "/back/"

        def perform(self):
            raise ValueError("a bug")

    with pytest.raises(ValueError, match="a bug"):
        Action.as_view()(_request("post"))
