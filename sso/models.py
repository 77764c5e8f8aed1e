"""A council's single sign-on: its OpenID Connect provider (Microsoft Entra ID by tenant, or any issuer),
set by its administrator and checked by platform staff before anyone signs in through it."""

from django.db import models
from django.db.models import Q

from audit.transitions import Moves
from councils.models import Council, User


class SsoKind(models.TextChoices):
    ENTRA = "entra", "Microsoft Entra ID (Microsoft 365)"
    OIDC = "oidc", "Another OpenID Connect provider"


class SsoStatus(models.TextChoices):
    SUBMITTED = "submitted", "Waiting for a check by platform staff"
    ON = "on", "On"
    RETURNED = "returned", "Returned for changes"
    OFF = "off", "Off"


# Saved settings wait for platform staff; staff turn them on or return them with a reason; any change by
# the council sends them back to be checked; the council may turn single sign-on off, and on again (a
# new check). (sso.services.sso_machine; the database: the FSM trigger in Meta.)
SSO_MOVES = Moves.of(
    "status",
    {
        SsoStatus.SUBMITTED: {SsoStatus.SUBMITTED, SsoStatus.ON, SsoStatus.RETURNED, SsoStatus.OFF},
        SsoStatus.ON: {SsoStatus.SUBMITTED, SsoStatus.OFF},
        SsoStatus.RETURNED: {SsoStatus.SUBMITTED, SsoStatus.OFF},
        SsoStatus.OFF: {SsoStatus.SUBMITTED},
    },
)

ENTRA_AUTHORITY = "https://login.microsoftonline.com"
UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


class SingleSignOn(models.Model):
    council = models.OneToOneField(Council, on_delete=models.CASCADE, related_name="single_sign_on")
    kind = models.CharField(max_length=10, choices=SsoKind.choices)
    tenant_id = models.CharField("directory (tenant) ID", max_length=36, blank=True)
    issuer = models.URLField("issuer URL", max_length=300, blank=True)
    client_id = models.CharField("application (client) ID", max_length=255)
    # Fernet-encrypted (sso.secrets); never shown back once saved.
    secret_encrypted = models.TextField()
    passwords_allowed = models.BooleanField(default=True)
    status = models.CharField(max_length=10, choices=SsoStatus.choices, default=SsoStatus.SUBMITTED)
    returned_reason = models.TextField(blank=True)
    changed_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField()
    checked_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "single sign-on"
        triggers = [SSO_MOVES.trigger("sso_status_moves")]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=SsoStatus.values), name="sso_status_valid"),
            models.CheckConstraint(condition=Q(kind__in=SsoKind.values), name="sso_kind_valid"),
            models.CheckConstraint(
                condition=~Q(kind=SsoKind.ENTRA) | Q(tenant_id__regex=UUID_PATTERN), name="sso_entra_has_tenant"
            ),
            models.CheckConstraint(
                condition=~Q(kind=SsoKind.OIDC) | Q(issuer__regex=r"^https?://"), name="sso_oidc_has_issuer"
            ),
            models.CheckConstraint(condition=~Q(client_id=""), name="sso_has_client_id"),
            models.CheckConstraint(condition=~Q(secret_encrypted=""), name="sso_has_secret"),
            models.CheckConstraint(
                condition=~Q(status=SsoStatus.ON) | Q(checked_at__isnull=False), name="sso_on_was_checked"
            ),
        ]

    def __str__(self) -> str:
        return f"Single sign-on for {self.council.short_name}"

    @property
    def provider_id(self) -> str:
        """The allauth provider id: the council's slug, which never changes (import_councils sets it)."""
        return f"council-{self.council.slug}"

    @property
    def server_url(self) -> str:
        """Where the provider's discovery document lives. An Entra tenant's own issuer, so a token from any
        other tenant fails the issuer check."""
        if self.kind == SsoKind.ENTRA:
            return f"{ENTRA_AUTHORITY}/{self.tenant_id}/v2.0"
        return self.issuer.rstrip("/")

    @property
    def provider_origin(self) -> str:
        """The provider's scheme and host: the sign-in form's CSP form-action must allow it."""
        scheme, _, rest = self.server_url.partition("://")
        return f"{scheme}://{rest.split('/', 1)[0]}"

    @property
    def is_on(self) -> bool:
        return self.status == SsoStatus.ON

    @property
    def passwords_refused(self) -> bool:
        """Single sign-on only: this council's people may not sign in or reset with a password."""
        return self.is_on and not self.passwords_allowed
