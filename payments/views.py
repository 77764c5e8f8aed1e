"""Finance pages and downloads, for finance officers of the councils concerned only."""

from datetime import date

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from core.csv import csv_response
from core.money import money_format
from core.permissions import CouncilRoleRequiredMixin, PlatformAdminRequiredMixin
from core.views import ServiceFormView
from councils import services as council_services
from councils.forms import BankVatForm
from councils.http import MemberRequest
from councils.models import Role

from . import reports, selectors, services, stripe_adapter
from .forms import AnswerForm, CreditNoteForm, PaymentForm, SettlementRequestForm
from .models import Invoice, SettlementRun
from .settlement import SettlementError, month_start, months_back, settlement_request


class FinanceMixin(CouncilRoleRequiredMixin):
    request: MemberRequest
    required_roles = (Role.FINANCE_OFFICER,)


class RunMixin(FinanceMixin):
    request: MemberRequest

    @cached_property
    def run(self) -> SettlementRun:
        try:
            period = month_start(self.kwargs["month"])
        except SettlementError as exc:
            raise Http404 from exc
        return get_object_or_404(SettlementRun, period=period)


class FinanceHomeView(FinanceMixin, TemplateView):
    request: MemberRequest
    template_name = "payments/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            runs=SettlementRun.objects.all()[:24],
            payroll_months=months_back(timezone.localdate(), count=6, include_current=True),
            council=self.request.user.council,
            **kwargs,
        )


class BankVatView(FinanceMixin, ServiceFormView):
    """The finance officer's bank details (shown on every invoice) and VAT registration."""

    request: MemberRequest

    form_class = BankVatForm
    template_name = "payments/bank_vat.html"
    title = "Bank and VAT details"
    success_message = "Bank and VAT details saved. Invoices from now on use them."

    def get_initial(self):
        council = self.council
        return {
            "bank_account_name": council.bank_account_name,
            "bank_sort_code": council.sort_code_display,
            "bank_account_number": council.bank_account_number,
            "vat_status": council.vat_status,
            "vat_number": council.vat_number,
            "recharge_vat": council.recharge_vat,
        }

    def perform(self, form):
        data = form.cleaned_data
        return council_services.council_bank_vat_update(
            council=self.council,
            by=self.request.user,
            bank=form.bank_details(),
            vat_status=data["vat_status"],
            vat_number=data["vat_number"] or "",
            recharge_vat=data["recharge_vat"],
        )

    def get_success_url(self):
        return reverse("payments:home")


class SettlementListView(PlatformAdminRequiredMixin, ServiceFormView):
    """Platform staff: every month run (when, how many invoices, total) and a button to run a month."""

    request: MemberRequest

    form_class = SettlementRequestForm
    template_name = "payments/settlement_runs.html"
    title = "Settlement"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "today": timezone.localdate()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(runs=selectors.settlement_runs(), **kwargs)

    def perform(self, form):
        return settlement_request(period=form.cleaned_data["month"], by=self.request.user)

    def get_success_message(self, result, form) -> str:
        return f"Settlement of {result.period:%B %Y} has been started. This page shows its progress."

    def get_success_url(self):
        return reverse("payments:settlement_run", kwargs={"month": f"{self.result.period:%Y-%m}"})


class SettlementRunView(PlatformAdminRequiredMixin, TemplateView):
    """One month's run: its progress and result, and the whole netting plan with what netting saves."""

    request: MemberRequest

    template_name = "payments/settlement_run.html"

    def get_context_data(self, **kwargs):
        try:
            period = month_start(self.kwargs["month"])
        except SettlementError as exc:
            raise Http404 from exc
        run = selectors.settlement_runs().filter(period=period).first()
        if run is None:
            raise Http404
        netting = selectors.netting_for(run=run)
        return super().get_context_data(run=run, netting=netting, transfers=netting.rows(), **kwargs)


class StatementView(RunMixin, TemplateView):
    request: MemberRequest
    template_name = "payments/statement.html"

    def get_context_data(self, **kwargs):
        council = self.council
        netting = selectors.netting_for(run=self.run)
        return super().get_context_data(
            run=self.run,
            statement=selectors.statement_for(council=council, run=self.run),
            transfers=netting.rows(netting.transfers_for(council)),
            **kwargs,  # includes `month` from the URL
        )


class SettlementCsvView(RunMixin, View):
    request: MemberRequest

    def get(self, request, *args, **kwargs):
        council = request.user.council
        body = reports.settlement_csv(council=council, run=self.run)
        return csv_response(body, f"settlement-{council.code}-{self.run.period:%Y-%m}.csv")


class StatementCsvView(RunMixin, View):
    request: MemberRequest

    def get(self, request, *args, **kwargs):
        council = request.user.council
        statement = selectors.statement_for(council=council, run=self.run)
        return csv_response(
            reports.statement_csv(statement=statement), f"statement-{council.code}-{self.run.period:%Y-%m}.csv"
        )


class PayrollCsvView(FinanceMixin, View):
    request: MemberRequest

    def get(self, request, *args, **kwargs):
        try:
            period = month_start(kwargs["month"])
        except SettlementError as exc:
            raise Http404 from exc
        council = request.user.council
        return csv_response(
            reports.payroll_csv(council=council, period=period), f"overtime-{council.code}-{period:%Y-%m}.csv"
        )


class InvoiceMixin(FinanceMixin):
    request: MemberRequest

    @cached_property
    def invoice(self) -> Invoice:
        invoice = selectors.invoices_with_balance().filter(number=self.kwargs["number"]).first()
        if invoice is None or self.council.pk not in (invoice.supplier_id, invoice.customer_id):
            raise Http404
        return invoice

    def get_success_url(self):
        return reverse("payments:invoice", kwargs={"number": self.invoice.number})


class InvoiceView(InvoiceMixin, TemplateView):
    request: MemberRequest
    template_name = "payments/invoice.html"

    def get_context_data(self, **kwargs):
        invoice = self.invoice
        is_supplier = invoice.supplier_id == self.request.user.council_id
        return super().get_context_data(
            invoice=invoice,
            lines=invoice.lines.all(),
            payments=invoice.payments.all(),
            credit_notes=invoice.credit_notes.all(),
            balance=invoice.outstanding,
            is_supplier=is_supplier,
            payment_form=PaymentForm(action=reverse("payments:pay", args=[invoice.number])),
            answer_form=AnswerForm(action=reverse("payments:answer", args=[invoice.number])),
            today=timezone.localdate(),
            stripe=stripe_adapter.stripe_enabled(),
            **kwargs,
        )


class InvoicePdfView(InvoiceMixin, View):
    request: MemberRequest

    def get(self, request, *args, **kwargs):
        pdf = reports.invoice_pdf(invoice=self.invoice, lines=self.invoice.lines.all())
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{self.invoice.number}.pdf"'
        return response


class CreditNotePdfView(InvoiceMixin, View):
    request: MemberRequest

    def get(self, request, *args, **kwargs):
        note = get_object_or_404(self.invoice.credit_notes, number=kwargs["note"])
        response = HttpResponse(
            reports.credit_note_pdf(invoice=self.invoice, note=note), content_type="application/pdf"
        )
        response["Content-Disposition"] = f'attachment; filename="{note.number}.pdf"'
        return response


class PaymentView(InvoiceMixin, ServiceFormView):
    request: MemberRequest
    form_class = PaymentForm
    template_name = "payments/invoice_form.html"
    title = "Record a payment"

    def get_success_message(self, result, form) -> str:
        return f"Payment of {money_format(result.amount)} recorded"

    def get_context_data(self, **kwargs):
        return super().get_context_data(invoice=self.invoice, **kwargs)

    def perform(self, form):
        data = form.cleaned_data
        return services.payment_record(
            invoice=self.invoice,
            by=self.request.user,
            amount=data["amount"],
            paid_on=data["paid_on"],
            reference=data["reference"],
        )


class CreditNoteView(InvoiceMixin, ServiceFormView):
    request: MemberRequest
    form_class = CreditNoteForm
    template_name = "payments/invoice_form.html"
    title = "Issue a credit note"
    success_message = "Credit note {result.number} issued"

    def get_context_data(self, **kwargs):
        return super().get_context_data(invoice=self.invoice, **kwargs)

    def perform(self, form):
        data = form.cleaned_data
        return services.credit_note_issue(
            invoice=self.invoice, by=self.request.user, amount=data["amount"], reason=data["reason"]
        )


class AnswerView(InvoiceMixin, ServiceFormView):
    request: MemberRequest
    form_class = AnswerForm
    template_name = "payments/invoice_form.html"
    title = "Confirm or dispute this invoice"
    success_message = "Your answer is recorded and visible to both finance teams"

    def get_context_data(self, **kwargs):
        return super().get_context_data(invoice=self.invoice, **kwargs)

    def perform(self, form):
        data = form.cleaned_data
        return services.invoice_answer(
            invoice=self.invoice, by=self.request.user, agree=data["answer"] == "confirm", note=data["note"]
        )


def today_month() -> date:
    return timezone.localdate().replace(day=1)


class RedirectLatest(FinanceMixin, View):
    request: MemberRequest

    def get(self, request, *args, **kwargs):
        run = SettlementRun.objects.first()
        if run is None:
            messages.info(request, "No month has been settled yet")
            return redirect("payments:home")
        return redirect("payments:statement", month=run.period.strftime("%Y-%m"))


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """Stripe calls this; the signature, not a session, proves who it is."""
    if not stripe_adapter.stripe_enabled():
        raise Http404
    try:
        stripe_adapter.webhook_handle(payload=request.body, signature=request.headers.get("Stripe-Signature", ""))
    except stripe_adapter.WebhookRefused:
        return HttpResponse("bad signature", status=400)
    return HttpResponse("ok")


class StripeCheckoutView(InvoiceMixin, View):
    request: MemberRequest

    def post(self, request, *args, **kwargs):
        invoice = self.invoice
        if not stripe_adapter.stripe_enabled() or invoice.customer_id != request.user.council_id:
            raise Http404
        here = request.build_absolute_uri(reverse("payments:invoice", args=[invoice.number]))
        return redirect(stripe_adapter.checkout_url(invoice=invoice, success_url=here, cancel_url=here))
