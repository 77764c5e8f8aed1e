"""Thin views over the booking services and selectors."""

from datetime import date

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import FormView, TemplateView

from core.permissions import CouncilRoleRequiredMixin
from core.sections import sections_context
from core.views import ServiceActionView, ServiceFormView
from councils.http import MemberRequest
from councils.models import Role
from councils.selectors import council_can_transact
from talentpool.forms import ReasonForm
from talentpool.models import SlotStatus, SpecialistProfile
from talentpool.selectors import profile_read_with_listing
from talentpool.weeks import first_future_monday, window_end

from . import selectors, services, timesheets
from .forms import AgreedHoursForm, BookingRequestForm, FeedbackForm, TimesheetForm
from .models import BookingStatus, BookingWeek, Timesheet


def _is_iso_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


class RequestWeekView(CouncilRoleRequiredMixin, FormView):
    """A booking officer of another council asks for one or more of a specialist's open weeks."""

    request: MemberRequest

    required_roles = (Role.BOOKING_OFFICER,)
    template_name = "bookings/request_week.html"
    form_class = BookingRequestForm

    @cached_property
    def profile(self):
        """Only what the page shows, of a listed profile of another council. Anything else is not found,
        whatever the method, so an unlisted profile's name and weeks never show."""
        profile, listed = profile_read_with_listing(pk=self.kwargs["profile_pk"])
        if profile is None or profile.council_id == self.request.user.council_id or not listed:
            raise Http404
        return profile

    @cached_property
    def chosen(self) -> date | None:
        try:
            return date.fromisoformat(self.kwargs["week"])
        except ValueError as exc:
            raise Http404 from exc

    # A request is checked with boxes for the weeks it asks for alone (the rest of the form is the same); a
    # page shown again, or at first, has every open week.
    every_week = False

    def get_form_kwargs(self):
        today = timezone.localdate()
        # Open weeks, and any week this submission asked for that has been taken since the page was shown,
        # so that the service can say so plainly.
        asked = [
            d for d in (k.removeprefix("week_") for k in self.request.POST if k.startswith("week_")) if _is_iso_date(d)
        ]
        weeks = Q(week_start__in=asked)
        if self.request.method != "POST" or self.every_week:
            weeks |= Q(status=SlotStatus.OPEN)
        slots = self.profile.slots.filter(
            weeks, week_start__gte=first_future_monday(today), week_start__lte=window_end(today)
        ).order_by("week_start")
        return {
            **super().get_form_kwargs(),
            "slots": slots,
            "po_required": self.council.po_required,
            "chosen": self.chosen,
            "profile": self.profile,
        }

    def form_invalid(self, form, *, refusal: str | None = None):
        """The page again with every open week, what was typed, the form's own errors and the service's
        refusal, if any. The weeks asked for keep the slots they were checked against (read again, a week
        whose hours changed since would give other errors than the ones that stopped the request), so the
        whole form finds the same errors: only the weeks asked for are checked."""
        if not self.every_week:
            self.every_week = True
            kwargs = self.get_form_kwargs()
            slots = {s.week_start: s for s in kwargs["slots"]} | {s.week_start: s for s in form.slots}
            form = self.get_form_class()(**{**kwargs, "slots": [slots[w] for w in sorted(slots)]})
            form.is_valid()
        if refusal and refusal not in [e for errors in form.errors.values() for e in errors]:
            form.add_error(None, refusal)
        return super().form_invalid(form)

    def get_context_data(self, **kwargs):
        can_book = council_can_transact(council=self.request.user.council)
        return super().get_context_data(profile=self.profile, can_book=can_book, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            booking = services.booking_request(
                officer=self.request.user,
                profile=self.profile,
                weeks=form.chosen_weeks(),
                brief=data["brief"],
                po_number=data["po_number"],
                cost_centre=data["cost_centre"],
            )
        except services.BookingError as exc:
            message = str(exc)
            if exc.open_weeks:
                message += " Open weeks: " + ", ".join(f"{w:%-d %B}" for w in exc.open_weeks) + "."
            return self.form_invalid(form, refusal=message)
        who, day = self.profile.user.full_name, booking.answer_by_day
        messages.success(self.request, f"Request sent. {who} has until the end of {day:%-d %B} to reply.")
        return redirect("bookings:list")


class BookingsView(CouncilRoleRequiredMixin, TemplateView):
    """The officer's council's bookings; for administrators, also the bookings of their own specialists."""

    request: MemberRequest

    required_roles = (Role.BOOKING_OFFICER, Role.COUNCIL_ADMIN)
    template_name = "bookings/list.html"

    def get_context_data(self, **kwargs):
        council_id = self.council.pk
        supplied = (
            selectors.bookings_of_councils_specialists(council_id=council_id)
            if self.request.user.has_role(Role.COUNCIL_ADMIN)
            else None
        )
        return super().get_context_data(
            made=selectors.bookings_made_by_council(council_id=council_id),
            supplied=supplied,
            to_confirm=selectors.timesheets_to_confirm(council_id=council_id),
            disputes=selectors.timesheets_disputed(council_id=council_id)
            if self.request.user.has_role(Role.COUNCIL_ADMIN)
            else [],
            feedback_due=selectors.bookings_awaiting_feedback(council_id=council_id),
            first_future_monday=first_future_monday(timezone.localdate()),
            **kwargs,
        )


class SpecialistRequestsView(CouncilRoleRequiredMixin, TemplateView):
    request: MemberRequest
    required_roles = (Role.SPECIALIST,)
    template_name = "bookings/requests.html"

    def get_context_data(self, **kwargs):
        mine = selectors.bookings_for_specialist(user=self.request.user)
        profile = SpecialistProfile.objects.filter(user=self.request.user).first()
        feed = (
            self.request.build_absolute_uri(reverse("bookings:calendar", args=[profile.calendar_token]))
            if profile
            else ""
        )
        return super().get_context_data(
            due=selectors.timesheets_due(user=self.request.user, today=timezone.localdate()),
            calendar_url=feed,
            first_future_monday=first_future_monday(timezone.localdate()),
            waiting=[b for b in mine if b.status == BookingStatus.REQUESTED],
            accepted=[b for b in mine if b.status == BookingStatus.ACCEPTED],
            ended=[b for b in mine if b.status not in (BookingStatus.REQUESTED, BookingStatus.ACCEPTED)],
            **kwargs,
        )


class BookingStoryView(CouncilRoleRequiredMixin, TemplateView):
    """One booking's whole story, for its three parties only (bookings.selectors.booking_side): who, the
    brief, each week and where it has got to, the history, and what this person may do now. Anyone else
    is told it is not found."""

    request: MemberRequest
    template_name = "bookings/detail.html"

    def get_context_data(self, **kwargs):
        booking = selectors.booking_story(pk=self.kwargs["pk"])
        side = selectors.booking_side(user=self.request.user, booking=booking) if booking else None
        if booking is None or side is None:
            raise Http404
        is_officer = side == "customer" and selectors.is_booking_customer(user=self.request.user, booking=booking)
        invoices = sections_context("bookings:booking", self.request, booking=booking).get("week_invoices", {})
        weeks = selectors.booking_story_weeks(
            booking=booking, side=side, is_officer=is_officer, invoices=invoices, today=timezone.localdate()
        )
        return super().get_context_data(
            booking=booking,
            side=side,
            weeks=weeks,
            may_answer=side == "specialist" and booking.can_answer,
            may_cancel=booking.can_cancel and (side == "specialist" or is_officer),
            **kwargs,
        )


class BookingMixin(CouncilRoleRequiredMixin):
    request: MemberRequest

    @cached_property
    def booking(self):
        booking = selectors.booking_for(user=self.request.user, pk=self.kwargs["pk"])
        if booking is None:
            raise Http404
        return booking


class SpecialistBookingMixin(BookingMixin):
    """Pages only the booked specialist may open."""

    request: MemberRequest

    required_roles = (Role.SPECIALIST,)

    @cached_property
    def booking(self):
        booking = selectors.booking_to_answer(user=self.request.user, pk=self.kwargs["pk"])
        if booking is None:
            raise Http404
        return booking


class AcceptView(SpecialistBookingMixin, ServiceActionView):
    request: MemberRequest
    success_url = reverse_lazy("bookings:requests")

    def perform(self):
        return services.booking_accept(booking=self.booking, by=self.request.user)

    def get_success_message(self, result) -> str:
        return f"You accepted the booking from {result.customer_council.short_name}"


class BookingFormView(ServiceFormView):
    """A booking form page: a BookingError from the service is shown in the error summary."""

    success_url = reverse_lazy("bookings:list")


class ReasonView(BookingMixin, BookingFormView):
    """Decline (specialist) or cancel (either side): both need a reason."""

    request: MemberRequest

    form_class = ReasonForm
    template_name = "bookings/reason.html"
    action = ""
    TEXT = {
        "decline": (
            "Decline the request",
            "Why are you declining?",
            "Enter why you are declining, so the officer can plan",
            "Declined",
        ),
        "cancel": (
            "Cancel the booking",
            "Why are you cancelling?",
            "Enter the reason for cancelling",
            "Booking cancelled; the other side has been told",
        ),
    }

    def get_required_roles(self) -> tuple[str, ...]:
        if self.action == "decline":
            return (Role.SPECIALIST,)
        return (Role.SPECIALIST, Role.BOOKING_OFFICER, Role.COUNCIL_ADMIN)

    @cached_property
    def booking(self):
        """Only the booked specialist declines; the specialist or the booking council cancels. Anyone
        else, even at one of the two councils, finds no such page."""
        find = selectors.booking_to_answer if self.action == "decline" else selectors.booking_to_cancel
        booking = find(user=self.request.user, pk=self.kwargs["pk"])
        if booking is None:
            raise Http404
        return booking

    def get_form_kwargs(self):
        title, label, required, _done = self.TEXT[self.action]
        return {
            **super().get_form_kwargs(),
            "label": label,
            "required_message": required,
            "submit_label": title,
            "submit_class": "govuk-button--warning",
        }

    def get_success_message(self, result, form) -> str:
        return self.TEXT[self.action][3].format(result=result, form=form)

    @cached_property
    def week(self) -> date | None:
        """Cancel one week only (?week=YYYY-MM-DD), or every week still to come."""
        text = self.request.GET.get("week", "")
        return date.fromisoformat(text) if _is_iso_date(text) else None

    def get_context_data(self, **kwargs):
        title = self.TEXT[self.action][0] + (f" for the week of {self.week:%-d %B %Y}" if self.week else "")
        return super().get_context_data(booking=self.booking, title=title, week=self.week, **kwargs)

    def perform(self, form):
        reason = form.cleaned_data["reason"]
        if self.action == "decline":
            return services.booking_decline(booking=self.booking, by=self.request.user, reason=reason)
        return services.booking_cancel(booking=self.booking, by=self.request.user, reason=reason, week_start=self.week)

    def get_success_url(self):
        is_specialist = self.booking.profile.user_id == self.request.user.pk
        return reverse("bookings:requests") if is_specialist else reverse("bookings:list")


# --- after the week -----------------------------------------------------------------------------


class TimesheetView(CouncilRoleRequiredMixin, BookingFormView):
    """The specialist records the hours worked in a booked week that has ended."""

    request: MemberRequest

    required_roles = (Role.SPECIALIST,)
    form_class = TimesheetForm
    template_name = "bookings/timesheet.html"
    success_message = "Hours recorded for the week of {result.week.week_start:%-d %B}"
    success_url = reverse_lazy("bookings:requests")

    @cached_property
    def week(self):
        week = (
            BookingWeek.objects.select_related("booking__customer_council")
            .filter(pk=self.kwargs["pk"], booking__profile__user=self.request.user)
            .first()
        )
        if week is None:
            raise Http404
        return week

    def get_context_data(self, **kwargs):
        return super().get_context_data(week=self.week, **kwargs)

    def perform(self, form):
        data = form.cleaned_data
        return timesheets.timesheet_submit(week=self.week, by=self.request.user, hours=data["hours"], note=data["note"])


class TimesheetMixin(CouncilRoleRequiredMixin):
    request: MemberRequest

    @cached_property
    def timesheet(self):
        timesheet = (
            Timesheet.objects.select_related("week__booking__profile__user").filter(pk=self.kwargs["pk"]).first()
        )
        booking = timesheet.week.booking if timesheet else None
        if booking is None or self.council.pk not in (
            booking.customer_council_id,
            booking.supplier_council_id,
        ):
            raise Http404
        return timesheet

    def get_context_data(self, **kwargs):
        return super().get_context_data(timesheet=self.timesheet, **kwargs)


class TimesheetConfirmView(TimesheetMixin, ServiceActionView):
    request: MemberRequest
    required_roles = (Role.BOOKING_OFFICER, Role.COUNCIL_ADMIN)
    success_message = "Hours confirmed"
    success_url = reverse_lazy("bookings:list")

    def perform(self):
        return timesheets.timesheet_confirm(timesheet=self.timesheet, by=self.request.user)


class TimesheetDisputeView(TimesheetMixin, BookingFormView):
    request: MemberRequest
    required_roles = (Role.BOOKING_OFFICER, Role.COUNCIL_ADMIN)
    form_class = ReasonForm
    template_name = "bookings/timesheet_dispute.html"
    success_message = "Hours disputed; both councils’ administrators have been told"

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "label": "What is wrong with the hours?",
            "required_message": "Enter what is wrong with the hours",
            "submit_label": "Dispute hours",
            "submit_class": "govuk-button--warning",
        }

    def perform(self, form):
        return timesheets.timesheet_dispute(
            timesheet=self.timesheet, by=self.request.user, reason=form.cleaned_data["reason"]
        )


class TimesheetResolveView(TimesheetMixin, BookingFormView):
    request: MemberRequest
    required_roles = (Role.COUNCIL_ADMIN,)
    form_class = AgreedHoursForm
    template_name = "bookings/timesheet_resolve.html"
    success_message = "Agreed hours recorded"

    def perform(self, form):
        return timesheets.timesheet_resolve(
            timesheet=self.timesheet, by=self.request.user, agreed_hours=form.cleaned_data["hours"]
        )


class FeedbackView(BookingMixin, BookingFormView):
    request: MemberRequest
    required_roles = (Role.BOOKING_OFFICER,)
    form_class = FeedbackForm
    template_name = "bookings/feedback.html"
    success_message = "Thank you. Your feedback is shown on {result.booking.profile.user.full_name}’s profile"

    def get_context_data(self, **kwargs):
        return super().get_context_data(booking=self.booking, **kwargs)

    def perform(self, form):
        data = form.cleaned_data
        return timesheets.feedback_leave(
            booking=self.booking, by=self.request.user, rating=data["rating"], comment=data["comment"]
        )


def calendar_feed(request, token):
    body = timesheets.calendar_feed(token=token)
    if body is None:
        raise Http404
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


class CalendarResetView(CouncilRoleRequiredMixin, View):
    request: MemberRequest
    required_roles = (Role.SPECIALIST,)

    def post(self, request, *args, **kwargs):
        profile = SpecialistProfile.objects.filter(user=request.user).first()
        if profile is None:
            raise Http404
        timesheets.calendar_token_reset(profile=profile, by=request.user)
        messages.success(request, "Your calendar has a new address. The old one no longer works.")
        return redirect("bookings:requests")
