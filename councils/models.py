"""Councils (from the official register), their users and roles, invitations and the platform agreement."""

import hashlib

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from audit.transitions import Moves


class Nation(models.TextChoices):
    ENGLAND = "England", "England"
    SCOTLAND = "Scotland", "Scotland"
    WALES = "Wales", "Wales"
    NORTHERN_IRELAND = "Northern Ireland", "Northern Ireland"


class CouncilStatus(models.TextChoices):
    NOT_INVITED = "not_invited", "Not invited"
    INVITED = "invited", "Invited"
    ONBOARDING = "onboarding", "Onboarding"
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"


class VatStatus(models.TextChoices):
    REGISTERED = "registered", "VAT registered"
    NOT_REGISTERED = "not_registered", "Not VAT registered"


class RechargeVat(models.TextChoices):
    OUTSIDE_SCOPE = "outside_scope", "Outside the scope of VAT (recharge between authorities)"
    STANDARD = "standard", "Standard rated (20%)"


# Every move a council's status may make (services: councils.services.council_machine; the database: the
# FSM trigger in Meta). Invited -> not invited when the last invitation is cancelled.
COUNCIL_MOVES = Moves.of(
    "status",
    {
        CouncilStatus.NOT_INVITED: {CouncilStatus.INVITED},
        CouncilStatus.INVITED: {CouncilStatus.NOT_INVITED, CouncilStatus.ONBOARDING},
        CouncilStatus.ONBOARDING: {CouncilStatus.ACTIVE, CouncilStatus.SUSPENDED},
        CouncilStatus.ACTIVE: {CouncilStatus.SUSPENDED},
        CouncilStatus.SUSPENDED: {CouncilStatus.ACTIVE, CouncilStatus.ONBOARDING},
    },
)


class Council(models.Model):
    """A principal council from the register. Created by `import_councils`, never by a user."""

    code = models.CharField("register code", max_length=8, unique=True)
    gss_code = models.CharField("GSS code", max_length=9, blank=True)
    name = models.CharField("official name", max_length=200)
    short_name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    nation = models.CharField(max_length=20, choices=Nation.choices)
    region = models.CharField(max_length=60, blank=True)
    council_type = models.CharField(max_length=8)
    council_type_name = models.CharField(max_length=60)
    homepage_url = models.URLField(blank=True)
    status = models.CharField(max_length=20, choices=CouncilStatus.choices, default=CouncilStatus.NOT_INVITED)
    # Finance details, entered by the council administrator during onboarding.
    invoice_address = models.TextField(blank=True)
    finance_email = models.EmailField(blank=True)
    payment_terms_days = models.PositiveSmallIntegerField(null=True, blank=True)
    po_required = models.BooleanField("purchase order number required", default=False)
    vat_status = models.CharField(max_length=20, choices=VatStatus.choices, blank=True)
    vat_number = models.CharField("VAT registration number", max_length=14, blank=True)
    recharge_vat = models.CharField(
        "VAT on recharges to other councils",
        max_length=15,
        choices=RechargeVat.choices,
        default=RechargeVat.OUTSIDE_SCOPE,
    )
    # Bank details shown on every invoice the council issues (set by its finance officer or administrator).
    bank_account_name = models.CharField("name on the account", max_length=70, blank=True)
    bank_sort_code = models.CharField("sort code", max_length=6, blank=True)  # six digits, no dashes
    bank_account_number = models.CharField("account number", max_length=8, blank=True)  # eight digits
    finance_details_updated_at = models.DateTimeField(null=True, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    onboarding_reminders = models.PositiveSmallIntegerField(default=0)  # set-up not finished: reminders sent
    onboarding_reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["short_name"]
        indexes = [models.Index(fields=["status", "nation"])]
        triggers = [COUNCIL_MOVES.trigger("council_status_moves")]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=CouncilStatus.values), name="council_status_valid"),
            models.CheckConstraint(condition=Q(nation__in=Nation.values), name="council_nation_valid"),
            models.CheckConstraint(
                condition=Q(payment_terms_days__isnull=True) | Q(payment_terms_days__range=(1, 120)),
                name="council_payment_terms_range",
            ),
            models.CheckConstraint(
                condition=~Q(status="active")
                | (Q(finance_details_updated_at__isnull=False) & Q(activated_at__isnull=False)),
                name="council_active_has_finance_details",
            ),
            models.CheckConstraint(
                condition=(Q(bank_sort_code="") | Q(bank_sort_code__regex=r"^[0-9]{6}$"))
                & (Q(bank_account_number="") | Q(bank_account_number__regex=r"^[0-9]{8}$")),
                name="council_bank_details_format",
            ),
            models.CheckConstraint(
                condition=Q(bank_account_name="", bank_sort_code="", bank_account_number="")
                | (~Q(bank_account_name="") & ~Q(bank_sort_code="") & ~Q(bank_account_number="")),
                name="council_bank_details_all_or_none",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("platform:council_detail", kwargs={"code": self.code})

    @property
    def can_suspend(self) -> bool:
        return COUNCIL_MOVES.can(self.status, CouncilStatus.SUSPENDED)

    @property
    def can_reinstate(self) -> bool:
        return self.status == CouncilStatus.SUSPENDED

    @property
    def can_invite(self) -> bool:
        """Platform staff may invite (another) administrator unless the council is suspended."""
        return self.status != CouncilStatus.SUSPENDED

    @property
    def is_not_invited(self) -> bool:
        return self.status == CouncilStatus.NOT_INVITED

    @property
    def is_suspended(self) -> bool:
        return self.status == CouncilStatus.SUSPENDED

    @property
    def finance_details_complete(self) -> bool:
        return self.finance_details_updated_at is not None

    @property
    def has_bank_details(self) -> bool:
        return bool(self.bank_account_number)

    @property
    def sort_code_display(self) -> str:
        code = self.bank_sort_code
        return f"{code[0:2]}-{code[2:4]}-{code[4:6]}" if code else ""


class CouncilStatusChange(models.Model):
    """History of a council's status: who moved it, from what, to what, and when."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=CouncilStatus.choices)
    to_status = models.CharField(max_length=20, choices=CouncilStatus.choices)
    changed_by = models.ForeignKey("User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(max_length=500, blank=True)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.council}: {self.from_status} → {self.to_status}"


class CouncilDomain(models.Model):
    """An e-mail domain on which colleagues of the council may sign up. A domain belongs to one council."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(max_length=253)

    class Meta:
        ordering = ["domain"]
        constraints = [
            models.UniqueConstraint(Lower("domain"), name="council_domain_unique_ci"),
            models.CheckConstraint(condition=Q(domain=Lower("domain")), name="council_domain_lowercase"),
        ]

    def __str__(self) -> str:
        return self.domain


class Role(models.TextChoices):
    COUNCIL_ADMIN = "council_admin", "Council administrator"
    APPROVER = "approver", "Approver (line manager)"
    BOOKING_OFFICER = "booking_officer", "Booking officer"
    FINANCE_OFFICER = "finance_officer", "Finance officer"
    SPECIALIST = "specialist", "Specialist"


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    PENDING = "pending", "Waiting for approval"
    REMOVED = "removed", "Removed"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


# A self sign-up waits (pending) for an administrator, who approves or rejects it; a member may be removed;
# removed is final (a leaver who returns is invited afresh with a new address). Invited people and staff
# start active. (councils.services.membership_machine; the database: the FSM trigger in Meta.)
MEMBERSHIP_MOVES = Moves.of(
    "membership_status",
    {
        MembershipStatus.PENDING: {MembershipStatus.ACTIVE, MembershipStatus.REMOVED},
        MembershipStatus.ACTIVE: {MembershipStatus.REMOVED},
    },
)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Signs in with e-mail. Belongs to one council (platform staff may have none)."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150)
    council = models.ForeignKey(Council, null=True, blank=True, on_delete=models.PROTECT, related_name="users")
    roles = ArrayField(models.CharField(max_length=20, choices=Role.choices), default=list, blank=True)
    membership_status = models.CharField(
        max_length=10, choices=MembershipStatus.choices, default=MembershipStatus.ACTIVE
    )
    is_staff = models.BooleanField("platform administrator", default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        triggers = [MEMBERSHIP_MOVES.trigger("user_membership_moves")]
        indexes = [
            # The pool search's listing rule (talentpool.selectors.profile_listed_filter) reads only these
            # people: specialists still active members. A narrow index of them, not a scan of everyone.
            models.Index(
                fields=["id"],
                name="user_listed_specialist_idx",
                condition=Q(is_active=True, membership_status="active", roles__contains=["specialist"]),
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(roles__contained_by=Role.values), name="user_roles_valid"),
            models.CheckConstraint(condition=Q(roles=[]) | Q(council__isnull=False), name="user_roles_need_council"),
            models.CheckConstraint(condition=Q(email=Lower("email")), name="user_email_lowercase"),
            models.CheckConstraint(
                condition=Q(membership_status__in=MembershipStatus.values),
                name="user_membership_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_active_member(self) -> bool:
        """Approved member of a council (the permission mixins in core ask this)."""
        return self.council_id is not None and self.membership_status == MembershipStatus.ACTIVE

    def has_role(self, role: str) -> bool:
        return self.membership_status == MembershipStatus.ACTIVE and role in self.roles

    @property
    def is_erased(self) -> bool:
        return self.email.endswith("@erased.invalid")

    @property
    def role_labels(self) -> list[str]:
        return [Role(r).label for r in Role.values if r in self.roles]


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def open(self):
        return self.filter(accepted_at__isnull=True, cancelled_at__isnull=True)

    def usable(self):
        return self.open().filter(expires_at__gt=timezone.now())


class Invitation(models.Model):
    """An invitation to join a council with some roles. The e-mail carries a token; we keep its digest."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    full_name = models.CharField(max_length=150, blank=True)
    roles = ArrayField(models.CharField(max_length=20, choices=Role.choices))
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(default=timezone.now)
    send_count = models.PositiveSmallIntegerField(default=1)
    reminders_sent = models.PositiveSmallIntegerField(default=0)  # by the beat task (councils.onboarding)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=Q(accepted_at__isnull=True, cancelled_at__isnull=True),
                name="invitation_one_open_per_email",
            ),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(cancelled_at__isnull=True),
                name="invitation_not_both_accepted_and_cancelled",
            ),
            models.CheckConstraint(condition=~Q(roles=[]), name="invitation_has_roles"),
            models.CheckConstraint(condition=Q(roles__contained_by=Role.values), name="invitation_roles_valid"),
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.email} to {self.council}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def state(self) -> str:
        if self.accepted_at:
            return "Accepted"
        if self.cancelled_at:
            return "Cancelled"
        if self.is_expired:
            return "Expired"
        return "Waiting"

    @property
    def role_labels(self) -> list[str]:
        return [Role(r).label for r in Role.values if r in self.roles]


class PlatformAgreement(models.Model):
    """A version of the agreement every council accepts before it can use the service."""

    version = models.PositiveIntegerField(unique=True)
    title = models.CharField(max_length=200)
    body = models.TextField()
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"


class AgreementAcceptance(models.Model):
    """Which council accepted which version, who did it and when. Append-only."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="agreement_acceptances")
    agreement = models.ForeignKey(PlatformAgreement, on_delete=models.PROTECT, related_name="acceptances")
    accepted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-accepted_at"]
        constraints = [
            models.UniqueConstraint(fields=["council", "agreement"], name="acceptance_once_per_version"),
        ]

    def __str__(self) -> str:
        return f"{self.council} accepted version {self.agreement.version}"


class BatchStatus(models.TextChoices):
    CHECKED = "checked", "Checked, nothing sent"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"


# A batch's moves (councils.batches.batch_machine; the database: the FSM trigger in Meta).
BATCH_MOVES = Moves.of("status", {BatchStatus.CHECKED: {BatchStatus.SENDING}, BatchStatus.SENDING: {BatchStatus.SENT}})


class InvitationBatch(models.Model):
    """A CSV of councils and their first administrators that platform staff uploaded: checked line by line,
    then (once confirmed) sent by a Celery task."""

    created_by = models.ForeignKey("User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    filename = models.CharField(max_length=200, blank=True)
    digest = models.CharField(max_length=64)  # SHA-256 of the file, to say when the same file comes again
    status = models.CharField(max_length=10, choices=BatchStatus.choices, default=BatchStatus.CHECKED)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        triggers = [BATCH_MOVES.trigger("invitation_batch_status_moves")]

    def __str__(self) -> str:
        return f"Invitation batch {self.pk} ({self.filename})"


class LineOutcome(models.TextChoices):
    READY = "ready", "Ready to invite"
    OUTSIDE_DOMAIN = "outside_domain", "E-mail outside the council’s domains"
    ALREADY = "already", "Already invited or active"
    UNKNOWN = "unknown", "Unknown council"
    DUPLICATE = "duplicate", "Duplicate line"
    INVALID = "invalid", "Cannot be invited"
    SENT = "sent", "Invited"
    FAILED = "failed", "Not sent"


# A line's moves once its batch is confirmed (councils.batches.line_machine; the database: the FSM trigger in
# Meta): a line to send is sent, fails, or finds its council invited meanwhile. The other outcomes are final.
LINE_MOVES = Moves.of(
    "outcome",
    {
        LineOutcome.READY: {LineOutcome.SENT, LineOutcome.FAILED, LineOutcome.ALREADY},
        LineOutcome.OUTSIDE_DOMAIN: {LineOutcome.SENT, LineOutcome.FAILED, LineOutcome.ALREADY},
    },
)


class InvitationBatchLine(models.Model):
    batch = models.ForeignKey(InvitationBatch, on_delete=models.CASCADE, related_name="lines")
    number = models.PositiveIntegerField()  # the line in the file (the header is line 1)
    council_given = models.CharField(max_length=200)
    council = models.ForeignKey(Council, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    full_name = models.CharField(max_length=150, blank=True)
    email = models.CharField(max_length=254)
    outcome = models.CharField(max_length=20, choices=LineOutcome.choices)
    message = models.CharField(max_length=300, blank=True)
    reason = models.CharField(max_length=300, blank=True)  # why an e-mail outside the domains is right
    invitation = models.ForeignKey(
        "Invitation", null=True, blank=True, on_delete=models.SET_NULL, related_name="batch_lines"
    )

    class Meta:
        ordering = ["batch", "number"]
        constraints = [models.UniqueConstraint(fields=["batch", "number"], name="batch_line_once")]
        triggers = [LINE_MOVES.trigger("batch_line_outcome_moves")]

    def __str__(self) -> str:
        return f"Line {self.number} of batch {self.batch_id}"
