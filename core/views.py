"""The shared page views: a form page and a POST action that call one service and show any domain
refusal to the person; the home and health pages."""

from django.contrib import messages
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.functional import Promise
from django.views import View
from django.views.generic import FormView, TemplateView

from .errors import DomainError
from .sections import sections_context


class ServiceFormView(FormView):
    """A form page whose valid submission calls a service; any domain refusal is shown in the error
    summary, and nothing was written (services are atomic)."""

    template_name = "form_page.html"
    title = ""
    success_message = ""

    def get_context_data(self, **kwargs):
        kwargs.setdefault("title", self.title)
        return super().get_context_data(**kwargs)

    def form_valid(self, form):
        try:
            result = self.perform(form)
        except DomainError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        self.result = result  # for get_success_url
        message = self.get_success_message(result, form)
        if message:
            messages.success(self.request, message)
        return redirect(self.get_success_url())

    def get_success_message(self, result, form) -> str:
        return self.success_message.format(result=result, form=form) if self.success_message else ""

    def perform(self, form):  # pragma: no cover - each page supplies it
        raise NotImplementedError


class ServiceActionView(View):
    """A button with no questions (accept, confirm, resend, submit): POST calls one service, then back to
    a page with a success or refusal message."""

    http_method_names = ["post"]
    success_message = ""  # may name {result}, what the service returned
    success_url: str | Promise = ""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponseRedirect:
        try:
            result = self.perform()
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            message = self.get_success_message(result)
            if message:
                messages.success(request, message)
        return redirect(self.get_success_url())

    def get_success_message(self, result) -> str:
        return self.success_message.format(result=result, view=self) if self.success_message else ""

    def get_success_url(self) -> str:
        if not self.success_url:  # pragma: no cover - each action supplies one
            raise NotImplementedError("Give the action a success_url or a get_success_url()")
        return str(self.success_url)

    def perform(self):  # pragma: no cover - each action supplies it
        raise NotImplementedError


def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


class AccessibilityView(TemplateView):
    """The accessibility statement (Public Sector Bodies Accessibility Regulations 2018), open to everyone.
    It reads nothing beyond the session, so `make bench` also uses it as the framework's floor."""

    template_name = "accessibility.html"


class HomeView(TemplateView):
    """The home page: each app adds its part (core.sections, page "home")."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.request.user.is_authenticated:
            context.update(sections_context("home", self.request))
        return context
