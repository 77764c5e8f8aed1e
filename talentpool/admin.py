from django.contrib import admin

from .forms import SearchVocabularyForm
from .models import (
    AvailabilityPattern,
    PastProject,
    ProfileStatusChange,
    SearchVocabulary,
    SearchWithoutResults,
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


@admin.register(SearchVocabulary)
class SearchVocabularyAdmin(admin.ModelAdmin):
    """Platform staff keep the words officers search with: one idea a row, its phrases comma-separated."""

    form = SearchVocabularyForm
    list_display = ["__str__", "updated_at"]


@admin.register(SearchWithoutResults)
class SearchWithoutResultsAdmin(admin.ModelAdmin):
    """Searches that found nobody (words and filters only): read-only."""

    list_display = ["at", "words", "filters"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
