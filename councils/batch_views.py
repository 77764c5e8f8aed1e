"""Platform staff's onboarding pages: inviting councils in batches from a CSV, the register as a CSV to fill
in, and the onboarding view's CSV."""

from django.contrib import messages
from django.db.models import Count
from django.forms import Form
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import TemplateView

from core.csv import csv_response, csv_text
from core.permissions import PlatformAdminRequiredMixin
from core.views import ServiceFormView

from . import batches, forms, onboarding
from .http import MemberRequest
from .models import BatchStatus, Council, CouncilStatus, InvitationBatch, LineOutcome


def _register_choices() -> tuple[list[str], list[tuple[str, str]]]:
    regions = sorted(r for r in Council.objects.values_list("region", flat=True).distinct() if r)
    types = sorted(set(Council.objects.values_list("council_type", "council_type_name")), key=lambda t: t[1])
    return regions, types


class BatchUploadView(PlatformAdminRequiredMixin, ServiceFormView):
    """Upload a CSV of councils and their first administrators; nothing is sent before the check is read."""

    request: MemberRequest
    form_class = forms.BatchUploadForm
    template_name = "platform/batch_upload.html"
    title = "Invite councils in a batch"

    def get_context_data(self, **kwargs):
        regions, types = _register_choices()
        return super().get_context_data(
            pick_form=forms.RegisterPickForm(regions=regions, types=types, action=reverse("platform:register_csv")),
            recent=InvitationBatch.objects.annotate(lines_count=Count("lines")).select_related("created_by")[:10],
            **kwargs,
        )

    def perform(self, form):
        upload = form.cleaned_data["file"]
        content = upload.read(batches.MOST_BYTES + 1)
        return batches.batch_check(content=content, filename=upload.name, by=self.request.user, size=upload.size)

    def get_success_url(self) -> str:
        return reverse("platform:batch", args=[self.result.pk])


class BatchView(PlatformAdminRequiredMixin, TemplateView):
    """A checked batch: every line's outcome; while nothing is sent, the confirmation (with a reason for
    each e-mail outside its council's domains); once confirmed, the progress."""

    template_name = "platform/batch.html"

    @cached_property
    def batch(self) -> InvitationBatch:
        batch = InvitationBatch.objects.filter(pk=self.kwargs["pk"]).first()
        if batch is None:
            raise Http404
        return batch

    def get_context_data(self, *, typed: dict[int, str] | None = None, **kwargs):
        """`typed`: the reasons typed before a refused confirmation, shown again in their boxes."""
        batch = self.batch
        lines = list(batch.lines.select_related("council"))
        for line in lines:
            setattr(line, "typed_reason", (typed or {}).get(line.pk, ""))  # noqa: B010
        counts = {outcome: sum(1 for line in lines if line.outcome == outcome) for outcome in LineOutcome.values}
        return super().get_context_data(
            batch=batch,
            lines=lines,
            counts=counts,
            outcomes=[(LineOutcome(o), n) for o, n in counts.items() if n],
            ready=counts[LineOutcome.READY],
            # still to go while sending: ready lines, and those outside their domain given a reason (the
            # rest outside are never sent)
            waiting=counts[LineOutcome.READY]
            + sum(1 for line in lines if line.outcome == LineOutcome.OUTSIDE_DOMAIN and line.reason),
            outside=[line for line in lines if line.outcome == LineOutcome.OUTSIDE_DOMAIN],
            sending=batch.status == BatchStatus.SENDING,
            checked=batch.status == BatchStatus.CHECKED,
            same_file=batches.batch_same_file_before(batch),
            **kwargs,
        )


class BatchConfirmView(PlatformAdminRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request: MemberRequest, pk: int):
        batch = InvitationBatch.objects.filter(pk=pk).first()
        if batch is None:
            raise Http404
        reasons = {
            int(key.removeprefix("reason_")): request.POST.get(key, "")
            for key in request.POST
            if key.startswith("reason_") and key.removeprefix("reason_").isdigit()
        }
        try:
            batches.batch_confirm(batch=batch, by=request.user, reasons=reasons)
        except batches.BatchError as exc:
            # The page again, with the refusal in an error summary and every reason typed kept.
            problem = Form(data={})
            problem.add_error(None, str(exc))
            page = BatchView()
            page.setup(request, pk=batch.pk)
            return page.render_to_response(page.get_context_data(typed=reasons, form=problem))
        messages.success(request, "Confirmed: the invitations are being sent")
        return redirect("platform:batch", pk=batch.pk)


class RegisterCsvView(PlatformAdminRequiredMixin, View):
    """The councils not yet invited (by nation, region or type) as a CSV to fill in and upload."""

    def get(self, request):
        regions, types = _register_choices()
        form = forms.RegisterPickForm(request.GET, regions=regions, types=types)
        if not form.is_valid():
            messages.error(request, "Choose a nation, region and type from the lists")
            return redirect("platform:batches")
        councils = Council.objects.filter(status=CouncilStatus.NOT_INVITED).order_by("short_name")
        for field in ("nation", "region", "council_type"):
            if form.cleaned_data[field]:
                councils = councils.filter(**{field: form.cleaned_data[field]})
        text = csv_text(["council", "council_name", "name", "email"], ([c.code, c.name, "", ""] for c in councils))
        return csv_response(text, f"councils-to-invite-{timezone.localdate()}.csv")


class OnboardingCsvView(PlatformAdminRequiredMixin, View):
    """The onboarding view, with its filters, as a CSV."""

    def get(self, request):
        form = forms.CouncilSearchForm(request.GET or None)
        form.is_valid()
        filters = {k: v for k, v in getattr(form, "cleaned_data", {}).items() if k not in form.errors}
        councils = onboarding.onboarding_councils(
            status=filters.get("status", ""), nation=filters.get("nation", ""), q=filters.get("q", "").strip()
        )
        return csv_response(onboarding.onboarding_csv(councils), f"onboarding-{timezone.localdate()}.csv")
