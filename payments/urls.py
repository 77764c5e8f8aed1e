from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    # platform staff's settlement pages
    path("platform/settlement/", views.SettlementListView.as_view(), name="settlement_runs"),
    path("platform/settlement/<str:month>/", views.SettlementRunView.as_view(), name="settlement_run"),
    # finance officers
    path("finance/", views.FinanceHomeView.as_view(), name="home"),
    path("finance/latest/", views.RedirectLatest.as_view(), name="latest"),
    path("finance/bank-and-vat/", views.BankVatView.as_view(), name="bank_vat"),
    path("finance/months/<str:month>/", views.StatementView.as_view(), name="statement"),
    path("finance/months/<str:month>/settlement.csv", views.SettlementCsvView.as_view(), name="settlement_csv"),
    path("finance/months/<str:month>/statement.csv", views.StatementCsvView.as_view(), name="statement_csv"),
    path("finance/months/<str:month>/payroll.csv", views.PayrollCsvView.as_view(), name="payroll_csv"),
    path("finance/invoices/<str:number>/", views.InvoiceView.as_view(), name="invoice"),
    path("finance/invoices/<str:number>/invoice.pdf", views.InvoicePdfView.as_view(), name="invoice_pdf"),
    path(
        "finance/invoices/<str:number>/credit-notes/<str:note>.pdf",
        views.CreditNotePdfView.as_view(),
        name="credit_note_pdf",
    ),
    path("finance/invoices/<str:number>/payment/", views.PaymentView.as_view(), name="pay"),
    path("finance/invoices/<str:number>/credit-note/", views.CreditNoteView.as_view(), name="credit"),
    path("finance/invoices/<str:number>/answer/", views.AnswerView.as_view(), name="answer"),
    path("finance/invoices/<str:number>/pay-by-card/", views.StripeCheckoutView.as_view(), name="stripe_checkout"),
    path("finance/stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
]
