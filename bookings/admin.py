from django.contrib import admin

from .models import Booking, BookingEvent, BookingWeek, Feedback, Timesheet


class BookingWeekInline(admin.TabularInline):
    model = BookingWeek
    extra = 0
    readonly_fields = ["slot", "week_start", "hours", "status", "released_reason"]
    can_delete = False


class BookingEventInline(admin.TabularInline):
    model = BookingEvent
    extra = 0
    readonly_fields = ["week", "from_status", "to_status", "by", "reason", "at"]
    can_delete = False


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    """Read-only: bookings change only through the service's allowed moves."""

    list_display = ["pk", "profile", "customer_council", "status", "requested_at"]
    list_filter = ["status"]
    inlines = [BookingWeekInline, BookingEventInline]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Timesheet)
class TimesheetAdmin(admin.ModelAdmin):
    """Read-only: hours move only through the timesheet services (confirm, dispute, agree)."""

    list_display = ["pk", "week", "hours_worked", "status", "invoiced_at"]
    list_filter = ["status"]

    def has_change_permission(self, request, obj=None):
        return False


admin.site.register(Feedback)
