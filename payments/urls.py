from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    path("", views.FinanceHomeView.as_view(), name="home"),
    path("latest/", views.RedirectLatest.as_view(), name="latest"),
    path("bank-and-vat/", views.BankVatView.as_view(), name="bank_vat"),
    path("months/<str:month>/", views.StatementView.as_view(), name="statement"),
    path("months/<str:month>/settlement.csv", views.SettlementCsvView.as_view(), name="settlement_csv"),
    path("months/<str:month>/statement.csv", views.StatementCsvView.as_view(), name="statement_csv"),
    path("months/<str:month>/payroll.csv", views.PayrollCsvView.as_view(), name="payroll_csv"),
    path("invoices/<str:number>/", views.InvoiceView.as_view(), name="invoice"),
    path("invoices/<str:number>/invoice.pdf", views.InvoicePdfView.as_view(), name="invoice_pdf"),
    path(
        "invoices/<str:number>/credit-notes/<str:note>.pdf", views.CreditNotePdfView.as_view(), name="credit_note_pdf"
    ),
    path("invoices/<str:number>/payment/", views.PaymentView.as_view(), name="pay"),
    path("invoices/<str:number>/credit-note/", views.CreditNoteView.as_view(), name="credit"),
    path("invoices/<str:number>/answer/", views.AnswerView.as_view(), name="answer"),
    path("invoices/<str:number>/pay-by-card/", views.StripeCheckoutView.as_view(), name="stripe_checkout"),
    path("stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
]

# Platform staff's settlement pages, mounted at /platform/settlement/ (namespace "settlement").
platform_patterns = [
    path("", views.SettlementListView.as_view(), name="runs"),
    path("<str:month>/", views.SettlementRunView.as_view(), name="run"),
]
