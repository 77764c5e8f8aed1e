from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from core.forms import MultiLineTextField, OneLineTextField

from . import services
from .models import (
    AgreementAcceptance,
    Council,
    CouncilDomain,
    CouncilStatusChange,
    Invitation,
    PlatformAgreement,
    User,
)


@admin.register(Council)
class CouncilAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "nation", "council_type_name", "status"]
    list_filter = ["status", "nation", "council_type_name"]
    search_fields = ["name", "short_name", "code", "gss_code"]
    readonly_fields = ["status", "activated_at", "created_at", "updated_at"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "council", "membership_status", "is_staff"]
    list_filter = ["is_staff", "membership_status"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password", "full_name"]}),
        ("Council", {"fields": ["council", "roles", "membership_status"]}),
        ("Platform", {"fields": ["is_active", "is_staff", "is_superuser"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})]
    autocomplete_fields = ["council"]
    # membership moves through the council's pages (councils.members), with its audit event and e-mails
    readonly_fields = ["membership_status"]


class AgreementAdminForm(forms.ModelForm):
    class Meta:
        model = PlatformAgreement
        fields = ["title", "body"]
        field_classes = {"title": OneLineTextField, "body": MultiLineTextField}


@admin.register(PlatformAgreement)
class PlatformAgreementAdmin(admin.ModelAdmin):
    """New versions only: a published version is never edited (councils accepted its words)."""

    form = AgreementAdminForm
    list_display = ["version", "title", "published_at"]

    def has_change_permission(self, request, obj=None):
        return obj is None

    def save_model(self, request, obj, form, change):
        published = services.agreement_publish(title=obj.title, body=obj.body)
        obj.pk, obj.version, obj.published_at = published.pk, published.version, published.published_at


admin.site.register([AgreementAcceptance, CouncilDomain, CouncilStatusChange, Invitation])
