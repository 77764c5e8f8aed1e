"""The access matrix: every URL the project routes, for every kind of person, on an object they may reach
and on another council's object, gives the expected answer (allowed, refused, or not found) and never a
500; a refused request writes nothing. A URL added without an entry here fails
`test_every_routed_url_has_an_entry`.

One world is built per module (in a transaction rolled back at the end); every request runs in a
savepoint that is rolled back, so requests cannot affect each other.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from bookings import services as bookings
from bookings.models import BookingWeek, Timesheet, TimesheetStatus
from councils import batches, invitations
from councils.models import MembershipStatus, Role
from needs import services as needs
from needs.models import NeedNotice
from payments import services as payments
from payments import settlement
from payments.models import Invoice
from sso.crypto import secret_encrypt
from sso.models import SingleSignOn, SsoKind
from talentpool import approval, weekly_hours
from talentpool import services as pool
from talentpool.models import PastProject
from talentpool.weeks import first_future_monday
from tests.factories import ActiveCouncilFactory, StaffFactory, UserFactory, force_fields, specialist_profile
from tests.payments.conftest import confirmed_week

ANONYMOUS = "anonymous"
MEMBER_ROLES = ("specialist", "officer", "approver", "finance", "admin")
PEOPLE = (ANONYMOUS, *MEMBER_ROLES, "staff")
ROLE_OF = {
    "specialist": Role.SPECIALIST,
    "officer": Role.BOOKING_OFFICER,
    "approver": Role.APPROVER,
    "finance": Role.FINANCE_OFFICER,
    "admin": Role.COUNCIL_ADMIN,
}
OCTOBER = [date(2026, 10, 5), date(2026, 10, 12)]

pytestmark = pytest.mark.django_db  # also tells pytest-django to create the test database


class World(dict):
    """Objects by name; `w.x` for `w["x"]`."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError as exc:
            raise AttributeError(name) from exc

    def __setattr__(self, name, value):
        self[name] = value


def build_world() -> World:
    w = World()
    w.a = ActiveCouncilFactory(code="AAA", name="Alphaton Council", short_name="Alphaton", slug="alphaton")
    w.b = ActiveCouncilFactory(code="BBB", name="Betaford Council", short_name="Betaford", slug="betaford")
    w.c = ActiveCouncilFactory(code="CCC", name="Cetown Council", short_name="Cetown", slug="cetown")
    monday = first_future_monday(timezone.localdate())
    w.monday = monday

    def listed(council, name):
        profile = specialist_profile(council, full_name=name, cap=Decimal("20"))
        weekly_hours.pattern_set(profile=profile, by=profile.user, hours=Decimal("10"), starts_on=monday, ends_on=None)
        finance = UserFactory(council=council, roles=[Role.FINANCE_OFFICER])
        profile = pool.profile_rate_set(profile=profile, by=finance, amount=Decimal("50"))
        pool.past_project_save(
            profile=profile,
            by=profile.user,
            title=f"{name}'s repairs project",
            problem="A backlog.",
            what_i_did="Re-planned it.",
            outcome="Halved.",
            year=2024,
        )
        return profile

    # The people whose access is tested, all at Alphaton (A), and one platform administrator.
    w.spec_profile = listed(w.a, "Ann Specialist")
    w.people = {
        "specialist": w.spec_profile.user,
        "officer": UserFactory(council=w.a, roles=[Role.BOOKING_OFFICER], full_name="Olly Officer"),
        "approver": UserFactory(council=w.a, roles=[Role.APPROVER], full_name="Abe Approver"),
        "finance": UserFactory(council=w.a, roles=[Role.FINANCE_OFFICER], full_name="Fay Finance"),
        "admin": UserFactory(council=w.a, roles=[Role.COUNCIL_ADMIN], full_name="Ada Admin"),
        "staff": StaffFactory(email="platform@talentpool.example"),
    }
    w.spec_b = listed(w.b, "Bob Specialist")
    w.spec_c = listed(w.c, "Cat Specialist")
    w.officer_b = UserFactory(council=w.b, roles=[Role.BOOKING_OFFICER])
    w.officer_c = UserFactory(council=w.c, roles=[Role.BOOKING_OFFICER])
    w.admin_b = UserFactory(council=w.b, roles=[Role.COUNCIL_ADMIN])
    w.finance_b = UserFactory(council=w.b, roles=[Role.FINANCE_OFFICER])
    officer_a = w.people["officer"]

    # Drafts waiting for approval, at A and at B.
    w.submitted_a = specialist_profile(w.a, approve=False, full_name="Sue Submitted")
    approval.profile_submit(profile=w.submitted_a, by=w.submitted_a.user)
    w.submitted_b = specialist_profile(w.b, approve=False, full_name="Syd Submitted")
    approval.profile_submit(profile=w.submitted_b, by=w.submitted_b.user)

    # Bookings to come: A's officer books B; B's officer books A's specialist; C books B (A not a party).
    week = {"1": monday, "2": monday + timedelta(weeks=1)}
    w.booking_by_a = bookings.booking_request(
        officer=officer_a, profile=w.spec_b, weeks={week["1"]: Decimal("2")}, brief="x"
    )
    w.booking_of_a = bookings.booking_request(
        officer=w.officer_b, profile=w.spec_profile, weeks={week["1"]: Decimal("2")}, brief="x"
    )
    w.booking_other = bookings.booking_request(
        officer=w.officer_c, profile=w.spec_b, weeks={week["2"]: Decimal("2")}, brief="x"
    )

    # Worked weeks in October: timesheets in each state, and invoices from settling October.
    def worked(profile, officer, week_start, status):
        sheet = confirmed_week(profile=profile, officer=officer, week_start=week_start)
        force_fields(Timesheet.objects.filter(pk=sheet.pk), status=status)
        return Timesheet.objects.get(pk=sheet.pk)

    w.sheet_a_customer = worked(w.spec_b, officer_a, OCTOBER[0], TimesheetStatus.SUBMITTED)
    w.sheet_a_disputed = worked(w.spec_b, officer_a, OCTOBER[1], TimesheetStatus.DISPUTED)
    w.sheet_other = worked(w.spec_c, w.officer_b, OCTOBER[0], TimesheetStatus.SUBMITTED)
    w.sheet_other_disputed = worked(w.spec_c, w.officer_b, OCTOBER[1], TimesheetStatus.DISPUTED)
    confirmed_week(profile=w.spec_profile, officer=w.officer_b, week_start=OCTOBER[0])  # A supplies B
    w.feedback_booking = confirmed_week(profile=w.spec_b, officer=officer_a, week_start=OCTOBER[0] - timedelta(weeks=4))
    w.feedback_booking = w.feedback_booking.week.booking
    w.feedback_other = confirmed_week(profile=w.spec_b, officer=w.officer_c, week_start=date(2026, 9, 21)).week.booking
    settlement.settlement_run(period="2026-09", today=date(2026, 10, 1))
    settlement.settlement_run(period="2026-10", today=date(2026, 11, 2))
    w.invoice_a = Invoice.objects.get(supplier=w.a, customer=w.b)
    w.invoice_other = Invoice.objects.get(supplier=w.b, customer=w.c)
    w.credit_a = payments.credit_note_issue(
        invoice=w.invoice_a, by=w.people["finance"], amount=Decimal("1"), reason="x"
    )
    w.credit_other = payments.credit_note_issue(
        invoice=w.invoice_other, by=w.finance_b, amount=Decimal("1"), reason="x"
    )
    # A week A's specialist worked (for B) that has ended with no hours recorded, and one of B's.
    unrecorded = confirmed_week(profile=w.spec_profile, officer=w.officer_b, week_start=OCTOBER[1])
    w.week_to_record = unrecorded.week
    unrecorded.delete()
    w.week_other = BookingWeek.objects.get(booking__profile=w.spec_c, week_start=OCTOBER[0])

    # People: a colleague, a pending sign-up and a removed member at A and at B; invitations at A and B.
    w.colleague_a = UserFactory(council=w.a, roles=[Role.BOOKING_OFFICER])
    w.colleague_b = UserFactory(council=w.b, roles=[Role.BOOKING_OFFICER])
    w.pending_a = UserFactory(council=w.a, roles=[], membership_status=MembershipStatus.PENDING)
    w.pending_b = UserFactory(council=w.b, roles=[], membership_status=MembershipStatus.PENDING)
    w.removed_a = UserFactory(council=w.a, roles=[], membership_status=MembershipStatus.REMOVED, is_active=False)
    w.removed_b = UserFactory(council=w.b, roles=[], membership_status=MembershipStatus.REMOVED, is_active=False)
    w.invitation_a, w.invitation_token = invitations.invitation_create(
        council=w.a, email="new@alphaton.gov.uk", roles=[Role.SPECIALIST], invited_by=w.people["admin"]
    )
    w.invitation_b, _ = invitations.invitation_create(
        council=w.b, email="new@betaford.gov.uk", roles=[Role.SPECIALIST], invited_by=w.admin_b
    )
    w.project_a = PastProject.objects.get(profile=w.spec_profile)
    w.project_b = PastProject.objects.get(profile=w.spec_b)

    # Needs: A's published need answered by B's specialist; B's published need A's specialist was told about
    # (answered by C's); a draft at B nobody else sees.
    def need(officer, title, *, publish=True):
        details = needs.NeedDetails(
            title=title,
            problem="A backlog of repairs.",
            help_wanted="Re-plan it.",
            weeks=[monday + timedelta(weeks=2)],
            hours=Decimal("2"),
            closes_on=monday,
        )
        made = needs.need_save(officer=officer, details=details)
        if publish:
            needs.need_publish(need=made, by=officer)
        return made

    w.need_a = need(officer_a, "Repairs project at Alphaton")
    w.answer_a = needs.need_answer(need=w.need_a, by=w.spec_b.user, note="Yes", weeks=[monday + timedelta(weeks=2)])
    w.need_b = need(w.officer_b, "Repairs project at Betaford")
    NeedNotice.objects.get_or_create(need=w.need_b, profile=w.spec_profile)
    w.answer_b = needs.need_answer(need=w.need_b, by=w.spec_c.user, note="Yes", weeks=[monday + timedelta(weeks=2)])
    w.need_draft_b = need(w.officer_b, "Draft at Betaford", publish=False)
    w.batch = batches.batch_check(
        content=b"council,name,email\r\nCCC,Cat,cat@cetown.gov.uk\r\n", filename="x.csv", by=w.people["staff"]
    )
    # A's single sign-on, saved and waiting for a check (its provider does not answer: port 9).
    w.sso_a = SingleSignOn.objects.create(
        council=w.a,
        kind=SsoKind.OIDC,
        issuer="http://127.0.0.1:9",
        client_id="talent-pool",
        secret_encrypted=secret_encrypt("secret"),
        changed_at=timezone.now(),
    )
    return w


# --- the matrix -----------------------------------------------------------------------------------

Url = Callable[[World], str]


@dataclass
class Entry:
    allowed: tuple[str, ...]  # who reaches `ok`; everyone else signed in gets 403, anonymous the sign-in page
    ok: Url
    foreign: Url | None = None  # another council's object: 404 for those allowed
    get: int = 200  # what those allowed get from GET on `ok` (405: a POST-only address)
    others: dict[str, int] = field(default_factory=dict)  # exceptions to the rule above, by person
    public: bool = False  # anonymous is allowed too


def u(name, *args):
    return lambda w: reverse(name, args=[a(w) if callable(a) else a for a in args])


def week_iso(w):
    return w.monday.isoformat()


ALL_MEMBERS = MEMBER_ROLES
SPECIALIST = ("specialist",)
APPROVER = ("approver",)
FINANCE = ("finance",)
ADMIN = ("admin",)
STAFF = ("staff",)
SIGNED_IN = (*MEMBER_ROLES, "staff")
SIGNED_IN_AWAY = dict.fromkeys(SIGNED_IN, 302)  # allauth pages for signed-out people send the signed-in home

MATRIX: dict[str, Entry] = {
    # councils
    "home": Entry(SIGNED_IN, u("home"), public=True),
    "healthz": Entry(SIGNED_IN, u("healthz"), public=True),
    "accessibility": Entry(SIGNED_IN, u("accessibility"), public=True),
    "privacy:my_data": Entry(SIGNED_IN, u("privacy:my_data")),
    "invitation_accept": Entry(
        (),
        lambda w: reverse("invitation_accept", args=[w.invitation_token]),
        public=True,
        others={ANONYMOUS: 200, **dict.fromkeys(SIGNED_IN, 409)},  # 409: signed in as someone already
    ),
    "platform:dashboard": Entry(STAFF, u("platform:dashboard")),
    "platform:council_detail": Entry(STAFF, u("platform:council_detail", "AAA")),
    "payments:settlement_runs": Entry(STAFF, u("payments:settlement_runs")),
    "payments:settlement_run": Entry(
        STAFF, u("payments:settlement_run", "2026-10"), u("payments:settlement_run", "1999-01")
    ),
    "platform:council_invite": Entry(STAFF, u("platform:council_invite", "AAA")),
    "platform:batches": Entry(STAFF, u("platform:batches")),
    "platform:batch": Entry(STAFF, u("platform:batch", lambda w: w.batch.pk), u("platform:batch", 999999)),
    "platform:batch_confirm": Entry(
        STAFF, u("platform:batch_confirm", lambda w: w.batch.pk), u("platform:batch_confirm", 999999), get=405
    ),
    "platform:register_csv": Entry(STAFF, u("platform:register_csv")),
    "platform:onboarding_csv": Entry(STAFF, u("platform:onboarding_csv")),
    "platform:council_suspend": Entry(STAFF, u("platform:council_suspend", "AAA")),
    "platform:council_reinstate": Entry(STAFF, u("platform:council_reinstate", "AAA")),
    "platform:invitation_resend": Entry(STAFF, u("platform:invitation_resend", lambda w: w.invitation_a.pk), get=405),
    "platform:invitation_cancel": Entry(STAFF, u("platform:invitation_cancel", lambda w: w.invitation_a.pk)),
    "oversight:platform_audit": Entry(STAFF, u("oversight:platform_audit")),
    "council:setup": Entry(ADMIN, u("council:setup")),
    # charts: the platform's (staff), a council's (its administrators), a council's money (finance, admins)
    "insights:platform": Entry(STAFF, u("insights:platform")),
    "insights:staff_council": Entry(
        STAFF, u("insights:staff_council", lambda w: w.a.code), u("insights:staff_council", "ZZZZ")
    ),
    "insights:council": Entry(ADMIN, u("insights:council")),
    "insights:finance": Entry((*FINANCE, *ADMIN), u("insights:finance")),
    # single sign-on: the council's settings, staff's check, and a council provider's login and callback
    # (A's is not on: the login says so, 403; a callback with no sign-in begun is refused, 401)
    "sso:settings": Entry(ADMIN, u("sso:settings")),
    "sso:turn_off": Entry(ADMIN, u("sso:turn_off")),
    "sso:staff_list": Entry(STAFF, u("sso:staff_list")),
    "sso:staff_check": Entry(STAFF, u("sso:staff_check", lambda w: w.sso_a.pk), u("sso:staff_check", 999999)),
    "openid_connect_login": Entry(
        (),
        u("openid_connect_login", "council-alphaton"),
        public=True,
        others={ANONYMOUS: 403, **dict.fromkeys(SIGNED_IN, 403)},
    ),
    "openid_connect_callback": Entry(
        (),
        u("openid_connect_callback", "council-alphaton"),
        public=True,
        others={ANONYMOUS: 401, **dict.fromkeys(SIGNED_IN, 401)},
    ),
    "council:agreement": Entry(ADMIN, u("council:agreement")),
    "council:finance": Entry(ADMIN, u("council:finance")),
    "council:people": Entry(ADMIN, u("council:people")),
    "council:invite": Entry(ADMIN, u("council:invite")),
    "oversight:council_audit": Entry(ADMIN, u("oversight:council_audit")),
    "council:member_roles": Entry(
        ADMIN,
        u("council:member_roles", lambda w: w.colleague_a.pk),
        u("council:member_roles", lambda w: w.colleague_b.pk),
    ),
    "council:member_remove": Entry(
        ADMIN,
        u("council:member_remove", lambda w: w.colleague_a.pk),
        u("council:member_remove", lambda w: w.colleague_b.pk),
    ),
    "privacy:member_erase": Entry(
        ADMIN, u("privacy:member_erase", lambda w: w.removed_a.pk), u("privacy:member_erase", lambda w: w.removed_b.pk)
    ),
    "council:signup_review": Entry(
        ADMIN,
        u("council:signup_review", lambda w: w.pending_a.pk),
        u("council:signup_review", lambda w: w.pending_b.pk),
    ),
    "council:signup_reject": Entry(
        ADMIN,
        u("council:signup_reject", lambda w: w.pending_a.pk),
        u("council:signup_reject", lambda w: w.pending_b.pk),
        get=405,
    ),
    "council:invitation_resend": Entry(
        ADMIN,
        u("council:invitation_resend", lambda w: w.invitation_a.pk),
        u("council:invitation_resend", lambda w: w.invitation_b.pk),
        get=405,
    ),
    "council:invitation_cancel": Entry(
        ADMIN,
        u("council:invitation_cancel", lambda w: w.invitation_a.pk),
        u("council:invitation_cancel", lambda w: w.invitation_b.pk),
    ),
    # the pool
    "talentpool:search": Entry(ALL_MEMBERS, u("talentpool:search")),
    "talentpool:profile": Entry(
        ALL_MEMBERS, u("talentpool:profile", lambda w: w.spec_b.pk), u("talentpool:profile", lambda w: w.submitted_b.pk)
    ),
    "talentpool:my_profile": Entry(SPECIALIST, u("talentpool:my_profile")),
    "talentpool:profile_edit": Entry(SPECIALIST, u("talentpool:profile_edit")),
    "talentpool:profile_submit": Entry(SPECIALIST, u("talentpool:profile_submit"), get=405),
    "talentpool:project_add": Entry(SPECIALIST, u("talentpool:project_add")),
    "talentpool:project_edit": Entry(
        SPECIALIST,
        u("talentpool:project_edit", lambda w: w.project_a.pk),
        u("talentpool:project_edit", lambda w: w.project_b.pk),
    ),
    "talentpool:project_delete": Entry(
        SPECIALIST,
        u("talentpool:project_delete", lambda w: w.project_a.pk),
        u("talentpool:project_delete", lambda w: w.project_b.pk),
    ),
    "talentpool:project_verify": Entry(
        ("approver", "admin"),
        u("talentpool:project_verify", lambda w: w.project_a.pk),
        u("talentpool:project_verify", lambda w: w.project_b.pk),
        get=405,
    ),
    "talentpool:hours": Entry(SPECIALIST, u("talentpool:hours")),
    "talentpool:week": Entry(SPECIALIST, u("talentpool:week", week_iso), u("talentpool:week", "not-a-week")),
    "talentpool:week_withdraw": Entry(
        SPECIALIST, u("talentpool:week_withdraw", week_iso), u("talentpool:week_withdraw", "not-a-week")
    ),
    "talentpool:approvals": Entry(APPROVER, u("talentpool:approvals")),
    "talentpool:approval": Entry(
        APPROVER,
        u("talentpool:approval", lambda w: w.submitted_a.pk),
        u("talentpool:approval", lambda w: w.submitted_b.pk),
    ),
    "talentpool:approval_return": Entry(
        APPROVER,
        u("talentpool:approval_return", lambda w: w.submitted_a.pk),
        u("talentpool:approval_return", lambda w: w.submitted_b.pk),
    ),
    "talentpool:approval_withdraw": Entry(
        APPROVER,
        u("talentpool:approval_withdraw", lambda w: w.spec_profile.pk),
        u("talentpool:approval_withdraw", lambda w: w.spec_b.pk),
    ),
    "talentpool:rates": Entry(("finance", "admin"), u("talentpool:rates")),
    "talentpool:rate": Entry(
        ("finance", "admin"),
        u("talentpool:rate", lambda w: w.spec_profile.pk),
        u("talentpool:rate", lambda w: w.spec_b.pk),
    ),
    # bookings
    "bookings:list": Entry(("officer", "admin"), u("bookings:list")),
    "bookings:requests": Entry(SPECIALIST, u("bookings:requests")),
    "bookings:request_week": Entry(
        ("officer",),
        u("bookings:request_week", lambda w: w.spec_b.pk, lambda w: week_iso(w)),
        # the officer's own council's specialist cannot be booked through the pool
        u("bookings:request_week", lambda w: w.spec_profile.pk, lambda w: week_iso(w)),
    ),
    "bookings:detail": Entry(
        ("officer", "admin", "finance"),
        u("bookings:detail", lambda w: w.booking_by_a.pk),
        u("bookings:detail", lambda w: w.booking_other.pk),
        others={"approver": 404, "specialist": 404},  # at the booking council, not parties to it
    ),
    "bookings:accept": Entry(
        SPECIALIST,
        u("bookings:accept", lambda w: w.booking_of_a.pk),
        u("bookings:accept", lambda w: w.booking_other.pk),
        get=405,
    ),
    "bookings:decline": Entry(
        SPECIALIST,
        u("bookings:decline", lambda w: w.booking_of_a.pk),
        u("bookings:decline", lambda w: w.booking_other.pk),
    ),
    "bookings:cancel": Entry(
        ("officer", "admin"),
        u("bookings:cancel", lambda w: w.booking_by_a.pk),
        u("bookings:cancel", lambda w: w.booking_other.pk),
        others={"specialist": 404},  # a specialist cancels only their own bookings (tests/bookings)
    ),
    "bookings:timesheet": Entry(
        SPECIALIST,
        u("bookings:timesheet", lambda w: w.week_to_record.pk),
        u("bookings:timesheet", lambda w: w.week_other.pk),
    ),
    "bookings:timesheet_confirm": Entry(
        ("officer", "admin"),
        u("bookings:timesheet_confirm", lambda w: w.sheet_a_customer.pk),
        u("bookings:timesheet_confirm", lambda w: w.sheet_other.pk),
        get=405,
    ),
    "bookings:timesheet_dispute": Entry(
        ("officer", "admin"),
        u("bookings:timesheet_dispute", lambda w: w.sheet_a_customer.pk),
        u("bookings:timesheet_dispute", lambda w: w.sheet_other.pk),
    ),
    "bookings:timesheet_resolve": Entry(
        ADMIN,
        u("bookings:timesheet_resolve", lambda w: w.sheet_a_disputed.pk),
        u("bookings:timesheet_resolve", lambda w: w.sheet_other_disputed.pk),
    ),
    "bookings:feedback": Entry(
        ("officer",),
        u("bookings:feedback", lambda w: w.feedback_booking.pk),
        u("bookings:feedback", lambda w: w.feedback_other.pk),
    ),
    "bookings:calendar_reset": Entry(SPECIALIST, u("bookings:calendar_reset"), get=405),
    "bookings:calendar": Entry(
        SIGNED_IN,
        lambda w: reverse("bookings:calendar", args=[w.spec_profile.calendar_token]),
        lambda w: reverse("bookings:calendar", args=["not-a-token"]),
        public=True,
    ),
    # needs
    "needs:list": Entry((*SPECIALIST, "officer"), u("needs:list")),
    "needs:new": Entry(("officer",), u("needs:new")),
    "needs:emails": Entry(SPECIALIST, u("needs:emails")),
    "needs:detail": Entry(
        SIGNED_IN, u("needs:detail", lambda w: w.need_a.pk), u("needs:detail", lambda w: w.need_draft_b.pk)
    ),
    "needs:edit": Entry(("officer",), u("needs:edit", lambda w: w.need_a.pk), u("needs:edit", lambda w: w.need_b.pk)),
    "needs:publish": Entry(
        ("officer",), u("needs:publish", lambda w: w.need_a.pk), u("needs:publish", lambda w: w.need_b.pk), get=405
    ),
    "needs:withdraw": Entry(
        ("officer",), u("needs:withdraw", lambda w: w.need_a.pk), u("needs:withdraw", lambda w: w.need_b.pk)
    ),
    "needs:answer": Entry(
        SPECIALIST, u("needs:answer", lambda w: w.need_b.pk), u("needs:answer", lambda w: w.need_draft_b.pk)
    ),
    "needs:book": Entry(
        ("officer",), u("needs:book", lambda w: w.answer_a.pk), u("needs:book", lambda w: w.answer_b.pk)
    ),
    "needs:platform": Entry(STAFF, u("needs:platform")),
    "needs:hide": Entry(STAFF, u("needs:hide", lambda w: w.need_b.pk), u("needs:hide", 999999)),
    "needs:show": Entry(STAFF, u("needs:show", lambda w: w.need_b.pk), get=405),
    # finance
    "payments:home": Entry(FINANCE, u("payments:home")),
    "payments:latest": Entry(FINANCE, u("payments:latest"), get=302),
    "payments:bank_vat": Entry(FINANCE, u("payments:bank_vat")),
    "payments:statement": Entry(FINANCE, u("payments:statement", "2026-10"), u("payments:statement", "1999-01")),
    "payments:settlement_csv": Entry(
        FINANCE, u("payments:settlement_csv", "2026-10"), u("payments:settlement_csv", "1999-01")
    ),
    "payments:statement_csv": Entry(
        FINANCE, u("payments:statement_csv", "2026-10"), u("payments:statement_csv", "1999-01")
    ),
    "payments:payroll_csv": Entry(FINANCE, u("payments:payroll_csv", "2026-10"), u("payments:payroll_csv", "nonsense")),
    "payments:invoice": Entry(
        FINANCE,
        u("payments:invoice", lambda w: w.invoice_a.number),
        u("payments:invoice", lambda w: w.invoice_other.number),
    ),
    "payments:invoice_pdf": Entry(
        FINANCE,
        u("payments:invoice_pdf", lambda w: w.invoice_a.number),
        u("payments:invoice_pdf", lambda w: w.invoice_other.number),
    ),
    "payments:credit_note_pdf": Entry(
        FINANCE,
        u("payments:credit_note_pdf", lambda w: w.invoice_a.number, lambda w: w.credit_a.number),
        u("payments:credit_note_pdf", lambda w: w.invoice_other.number, lambda w: w.credit_other.number),
    ),
    "payments:pay": Entry(
        FINANCE, u("payments:pay", lambda w: w.invoice_a.number), u("payments:pay", lambda w: w.invoice_other.number)
    ),
    "payments:credit": Entry(
        FINANCE,
        u("payments:credit", lambda w: w.invoice_a.number),
        u("payments:credit", lambda w: w.invoice_other.number),
    ),
    "payments:answer": Entry(
        FINANCE,
        u("payments:answer", lambda w: w.invoice_a.number),
        u("payments:answer", lambda w: w.invoice_other.number),
    ),
    "payments:stripe_checkout": Entry(
        FINANCE,
        u("payments:stripe_checkout", lambda w: w.invoice_a.number),
        u("payments:stripe_checkout", lambda w: w.invoice_other.number),
        get=405,
    ),
    # Stripe signs its calls; there is no session. Without Stripe configured the address does not exist.
    "payments:stripe_webhook": Entry((), u("payments:stripe_webhook"), public=True, others=dict.fromkeys(PEOPLE, 405)),
    # allauth: pages for signed-out people, and pages for the signed-in
    "account_login": Entry((ANONYMOUS,), u("account_login"), public=True, others=SIGNED_IN_AWAY),
    "account_signup": Entry((ANONYMOUS,), u("account_signup"), public=True, others=SIGNED_IN_AWAY),
    "account_reset_password": Entry(SIGNED_IN, u("account_reset_password"), public=True),
    "account_reset_password_done": Entry(SIGNED_IN, u("account_reset_password_done"), public=True),
    "account_reset_password_from_key": Entry(
        SIGNED_IN,
        lambda w: reverse("account_reset_password_from_key", kwargs={"uidb36": "zz", "key": "bad-key"}),
        public=True,
    ),
    "account_reset_password_from_key_done": Entry(SIGNED_IN, u("account_reset_password_from_key_done"), public=True),
    "account_confirm_email": Entry(
        SIGNED_IN, lambda w: reverse("account_confirm_email", kwargs={"key": "bad-key"}), public=True
    ),
    "account_email_verification_sent": Entry(SIGNED_IN, u("account_email_verification_sent"), public=True),
    "account_inactive": Entry(SIGNED_IN, u("account_inactive"), public=True),
    "account_confirm_login_code": Entry(
        (), u("account_confirm_login_code"), public=True, others=dict.fromkeys(PEOPLE, 302)
    ),
    "account_logout": Entry(SIGNED_IN, u("account_logout"), others={ANONYMOUS: 302}),
    "account_email": Entry(SIGNED_IN, u("account_email")),
    "account_change_password": Entry(SIGNED_IN, u("account_change_password")),
    "account_set_password": Entry(SIGNED_IN, u("account_set_password"), get=302),
    "account_reauthenticate": Entry(SIGNED_IN, u("account_reauthenticate")),
    # allauth's own re-authentication by e-mailed code (its page, its rules)
    "account_request_reauthentication_code": Entry(SIGNED_IN, u("account_request_reauthentication_code")),
    "account_confirm_reauthentication_code": Entry(
        SIGNED_IN, u("account_confirm_reauthentication_code"), others=dict.fromkeys(SIGNED_IN, 302)
    ),
}


def routed_names():
    """Every named URL the project routes, outside Django's admin (tested by its own rule below)."""

    def walk(patterns, namespace=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, namespace + (f"{p.namespace}:" if p.namespace else ""))
            elif isinstance(p, URLPattern):
                yield namespace + (p.name or f"<unnamed {p.pattern}>")

    return sorted({n for n in walk(get_resolver().url_patterns) if not n.startswith("admin:")})


def test_every_routed_url_has_an_entry():
    names = routed_names()
    assert set(names) - set(MATRIX) == set(), "add these URLs to the access matrix"
    assert set(MATRIX) - set(names) == set(), "these matrix entries no longer route"


# --- running it -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        w = build_world()
        sessions = {}
        for who, user in w.people.items():
            client = Client()
            client.force_login(user)
            sessions[who] = client.cookies[settings.SESSION_COOKIE_NAME].value
        w.sessions = sessions
        yield w
        transaction.set_rollback(True)


def writes() -> int:
    """Rows inserted, updated or deleted so far in this transaction, outside the session table and the
    record of searches that found nobody (a search keeps its words there, by design)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_xact_user_tables "
            "WHERE relname NOT IN ('django_session', 'talentpool_searchwithoutresults')"
        )
        return cursor.fetchone()[0]


def call(w, who, method, url, data=None):
    """One request in a savepoint that is rolled back; the status and whether it wrote anything."""
    client = Client(raise_request_exception=True)
    if who != ANONYMOUS:
        client.cookies[settings.SESSION_COOKIE_NAME] = w.sessions[who]
    with transaction.atomic():
        before = writes()
        response = getattr(client, method)(url, data or {})
        wrote = writes() != before
        transaction.set_rollback(True)
    return response, wrote


def expected(entry: Entry, who: str) -> int:
    if who in entry.others:
        return entry.others[who]
    if who in entry.allowed or (who == ANONYMOUS and entry.public):
        return entry.get
    return 302 if who == ANONYMOUS else 403


def check(w, name, who, url, get_want, post_refused, problems, *, to_sign_in=False):
    """GET answers `get_want`. POST never fails with a 500; where refused (`post_refused`: the statuses
    allowed) it writes nothing."""
    response, _wrote = call(w, who, "get", url)
    if response.status_code != get_want:
        problems.append(f"GET {url} ({name}) as {who}: {response.status_code}, expected {get_want}")
    if to_sign_in and reverse("account_login") not in response.get("Location", ""):
        problems.append(f"GET {url} as anonymous should go to sign-in, went to {response.get('Location')}")
    response, wrote = call(w, who, "post", url)
    if response.status_code >= 500:
        problems.append(f"POST {url} ({name}) as {who}: {response.status_code}")
    if post_refused:
        if response.status_code not in post_refused:
            problems.append(f"POST {url} ({name}) as {who}: {response.status_code}, expected {post_refused}")
        if wrote:
            problems.append(f"POST {url} ({name}) as {who} was refused but wrote to the database")


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_access(world, name):
    entry = MATRIX[name]
    problems = []
    for who in PEOPLE:
        allowed = who in entry.allowed or (who == ANONYMOUS and entry.public)
        ok_url = entry.ok(world)
        if who in entry.others:
            want = entry.others[who]
            check(world, name, who, ok_url, want, {want, 405} if want in (403, 404) else None, problems)
        elif allowed:
            check(world, name, who, ok_url, entry.get, None, problems)
        elif who == ANONYMOUS:
            check(world, name, who, ok_url, 302, {302}, problems, to_sign_in=True)
        else:
            check(world, name, who, ok_url, 403, {403}, problems)
        if entry.foreign is None:
            continue
        foreign_url = entry.foreign(world)
        if allowed and who not in entry.others:
            # Another council's object: nothing there (a POST-only address answers GET with 405 first).
            check(world, name, who, foreign_url, 405 if entry.get == 405 else 404, {404, 405}, problems)
        elif who == ANONYMOUS and not entry.public:
            check(world, name, who, foreign_url, 302, {302}, problems, to_sign_in=True)
        elif who not in entry.others:
            check(world, name, who, foreign_url, 403, {403}, problems)
    assert problems == [], "\n".join(problems)


# --- Django's admin: platform administrators only -----------------------------------------------


def admin_urls(superuser):
    """Every admin page, with what a platform administrator gets: each model's list and add pages, and
    change, history and delete pages of one row. A read-only admin (the audit log) refuses add and delete."""
    from django.contrib import admin
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = superuser
    urls = [(reverse("admin:index"), 200)]
    for model, model_admin in admin.site._registry.items():
        info = f"{model._meta.app_label}_{model._meta.model_name}"
        urls += [
            (reverse(f"admin:{info}_changelist"), 200),
            (reverse(f"admin:{info}_add"), 200 if model_admin.has_add_permission(request) else 403),
        ]
        row = model._default_manager.order_by("pk").first()
        if row is not None:
            deletable = model_admin.has_delete_permission(request, row)
            urls += [
                (reverse(f"admin:{info}_change", args=[row.pk]), 200),
                (reverse(f"admin:{info}_history", args=[row.pk]), 200),
                (reverse(f"admin:{info}_delete", args=[row.pk]), 200 if deletable else 403),
            ]
    return urls


def test_the_admin_is_for_platform_administrators_only(world):
    staff = world.people["staff"]
    staff.is_superuser = True
    staff.save(update_fields=["is_superuser"])
    problems = []
    for url, staff_gets in admin_urls(staff):
        for who in (ANONYMOUS, "admin", "finance"):
            response, wrote = call(world, who, "get", url)
            if response.status_code != 302 or "/django-admin/login/" not in response["Location"]:
                problems.append(f"GET {url} as {who}: {response.status_code}")
            response, wrote = call(world, who, "post", url)
            if wrote or response.status_code not in (302, 403):
                problems.append(f"POST {url} as {who}: {response.status_code}, wrote={wrote}")
        response, _ = call(world, "staff", "get", url)
        if response.status_code != staff_gets:
            problems.append(f"GET {url} as staff: {response.status_code}, expected {staff_gets}")
    assert problems == [], "\n".join(problems)


# --- walking ids --------------------------------------------------------------------------------


def test_walking_ids_never_reaches_another_councils_objects(world):
    """A member of Alphaton holding every role tries every id (and every invoice number) in each address
    that names an object: anything not Alphaton's is "not found", and a POST to it writes nothing."""
    from bookings.models import Booking
    from councils.models import Invitation, User
    from talentpool.models import SpecialistProfile

    w = world
    walker = UserFactory(council=w.a, roles=list(ROLE_OF.values()), full_name="Wally Walker")
    pool.profile_save(user=walker, headline="Walker", summary="Walks ids.")
    client = Client()
    client.force_login(walker)
    w.sessions["walker"] = client.cookies[settings.SESSION_COOKIE_NAME].value
    a = w.a.pk

    def ids(model, mine):
        """Every id from a little below the lowest to a little above the highest (sequences run on
        across the suite, so ids do not start at 1), except the walker's council's own."""
        span = model.objects.aggregate(low=Min("pk"), high=Max("pk"))
        own = set(model.objects.filter(mine).values_list("pk", flat=True))
        return [pk for pk in range(max(1, span["low"] - 3), span["high"] + 3) if pk not in own]

    from django.db.models import Max, Min, Q

    party = Q(customer_council_id=a) | Q(supplier_council_id=a)
    walks = {
        "bookings:accept": ids(Booking, Q(pk__in=[])),
        "bookings:decline": ids(Booking, Q(pk__in=[])),
        "bookings:cancel": ids(Booking, Q(customer_council_id=a)),
        "bookings:feedback": ids(Booking, party),
        "bookings:timesheet": ids(BookingWeek, Q(pk__in=[])),
        "bookings:timesheet_confirm": ids(
            Timesheet, Q(week__booking__customer_council_id=a) | Q(week__booking__supplier_council_id=a)
        ),
        "bookings:timesheet_dispute": ids(
            Timesheet, Q(week__booking__customer_council_id=a) | Q(week__booking__supplier_council_id=a)
        ),
        "bookings:timesheet_resolve": ids(
            Timesheet, Q(week__booking__customer_council_id=a) | Q(week__booking__supplier_council_id=a)
        ),
        "talentpool:approval": ids(SpecialistProfile, Q(council_id=a)),
        "talentpool:approval_return": ids(SpecialistProfile, Q(council_id=a)),
        "talentpool:rate": ids(SpecialistProfile, Q(council_id=a)),
        "talentpool:project_edit": ids(PastProject, Q(pk__in=[])),
        "talentpool:project_delete": ids(PastProject, Q(pk__in=[])),
        "talentpool:project_verify": ids(PastProject, Q(profile__council_id=a)),
        "council:member_roles": ids(User, Q(council_id=a)),
        "council:member_remove": ids(User, Q(council_id=a)),
        "privacy:member_erase": ids(User, Q(council_id=a)),
        "council:signup_review": ids(User, Q(council_id=a)),
        "council:invitation_resend": ids(Invitation, Q(council_id=a)),
        "council:invitation_cancel": ids(Invitation, Q(council_id=a)),
    }
    problems, tried = [], 0
    for name, pks in walks.items():
        for pk in pks:
            url = reverse(name, args=[pk])
            for method in ("get", "post"):
                response, wrote = call(w, "walker", method, url)
                tried += 1
                if response.status_code not in (404, 405) or wrote:
                    problems.append(f"{method.upper()} {url}: {response.status_code}, wrote={wrote}")
    foreign_invoices = Invoice.objects.exclude(supplier_id=a).exclude(customer_id=a).values_list("number", flat=True)
    assert foreign_invoices
    for number in foreign_invoices:
        for name in ("payments:invoice", "payments:invoice_pdf", "payments:pay", "payments:credit", "payments:answer"):
            for method in ("get", "post"):
                response, wrote = call(w, "walker", method, reverse(name, args=[number]))
                tried += 1
                if response.status_code not in (404, 405) or wrote:
                    problems.append(f"{method.upper()} {name} {number}: {response.status_code}, wrote={wrote}")
    assert tried > 300
    assert problems == [], "\n".join(problems)


def test_an_unlisted_profile_of_another_council_cannot_be_requested_or_read(world):
    """A draft or submitted profile elsewhere is not found by GET or POST, and its name never shows."""
    w = world
    url = reverse("bookings:request_week", args=[w.submitted_b.pk, week_iso(w)])
    for method in ("get", "post"):
        response, wrote = call(w, "officer", method, url, data={"brief": "x", f"week_{week_iso(w)}": "on"})
        assert response.status_code == 404
        assert not wrote
        assert "Syd Submitted" not in response.content.decode()
