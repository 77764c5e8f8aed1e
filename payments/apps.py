from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "payments"

    def ready(self):
        from core.sections import section_register

        from . import sections

        section_register("bookings:booking", sections.booking_invoices)
        section_register("home", sections.home_tasks)
