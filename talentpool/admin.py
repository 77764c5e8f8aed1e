from django.contrib import admin

from .models import (
    AvailabilityPattern,
    PastProject,
    ProfileStatusChange,
    ServiceArea,
    Skill,
    SpecialistProfile,
    WeekSlot,
)


@admin.register(SpecialistProfile)
class SpecialistProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "council", "headline", "status", "weekly_cap", "approval_ends_on"]
    list_filter = ["status"]
    search_fields = ["user__email", "user__full_name", "headline"]
    readonly_fields = ["status", "approved_by", "approved_at", "weekly_cap", "approval_ends_on", "hourly_rate"]


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "controlled"]
    list_filter = ["controlled"]
    search_fields = ["name"]


admin.site.register([ServiceArea, PastProject, AvailabilityPattern, ProfileStatusChange])


@admin.register(WeekSlot)
class WeekSlotAdmin(admin.ModelAdmin):
    """A slot's status moves only through the weekly-hours and booking services."""

    list_display = ["profile", "week_start", "hours", "status"]
    list_filter = ["status"]
    readonly_fields = ["status"]
