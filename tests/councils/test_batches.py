"""Inviting councils in batches: each kind of line's outcome, files refused whole with the line named,
confirming twice sending once, and the onboarding reminders' timing and limits."""

from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time

from councils import batches, invitations, onboarding
from councils.batches import BatchError
from councils.models import (
    BatchStatus,
    Council,
    CouncilStatus,
    Invitation,
    InvitationBatch,
    LineOutcome,
    Role,
)
from councils.services import CouncilError
from notifications.models import OutboundEmail
from tests.factories import ActiveCouncilFactory, CouncilFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(db):
    """Four councils not yet invited (with their web sites), one invited, one active."""
    made = {}
    for code, slug in (("ALP", "alpha"), ("BET", "beta"), ("GAM", "gamma"), ("DEL", "delta")):
        made[code] = CouncilFactory(
            code=code, slug=slug, short_name=slug.title(), homepage_url=f"https://www.{slug}.gov.uk/"
        )
    made["INV"] = CouncilFactory(code="INV", slug="invited", status=CouncilStatus.INVITED)
    made["ACT"] = ActiveCouncilFactory(code="ACT", slug="active")
    return made


def csv_of(*lines: str, header: str = "council,name,email") -> bytes:
    return ("\r\n".join([header, *lines]) + "\r\n").encode()


def check(staff, content: bytes):
    return batches.batch_check(content=content, filename="councils.csv", by=staff)


def outcomes(batch) -> dict[int, str]:
    return dict(batch.lines.values_list("number", "outcome"))


def test_each_kind_of_line_has_its_outcome_and_nothing_is_sent(staff, register):
    batch = check(
        staff,
        csv_of(
            "ALP,Ann Admin,ann@alpha.gov.uk",  # 2 ready
            "INV,Ivy,ivy@invited.gov.uk",  # 3 already invited
            "ACT,Al,al@active.gov.uk",  # 4 already active
            "ZZZ,Zed,zed@nowhere.gov.uk",  # 5 unknown
            "BET,Bob,bob@gmail.com",  # 6 outside the domain
            "alp,Ann Again,ann2@alpha.gov.uk",  # 7 the same council again (any case)
            f"{register['GAM'].gss_code},Gus,gus@mail.gamma.gov.uk",  # 8 ready, by GSS code and a subdomain
            "DEL,Dee,not-an-address",  # 9 invalid
        ),
    )
    assert outcomes(batch) == {
        2: LineOutcome.READY,
        3: LineOutcome.ALREADY,
        4: LineOutcome.ALREADY,
        5: LineOutcome.UNKNOWN,
        6: LineOutcome.OUTSIDE_DOMAIN,
        7: LineOutcome.DUPLICATE,
        8: LineOutcome.READY,
        9: LineOutcome.INVALID,
    }
    assert "also on line 2" in batch.lines.get(number=7).message
    assert batch.status == BatchStatus.CHECKED
    assert not Invitation.objects.exists()
    assert not OutboundEmail.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty"),
        (b"   \r\n", "The file is empty"),
        (b"code,who\r\nALP,Ann\r\n", "Line 1 must name the columns council, name and email"),
        (b"council,name,email\r\n", "no councils"),
        (csv_of('ALP,=HYPERLINK("x"),ann@alpha.gov.uk'), "Line 2 has a cell starting with a formula sign"),
        (csv_of("ALP,Ann,ann@alpha.gov.uk", "BET,B\x07ob,bob@beta.gov.uk"), "Line 3 has a cell"),
        ("council,name,email\r\nALP,Zoë,zoe@alpha.gov.uk\r\n".encode("cp1252"), "Line 2 is not in UTF-8"),
        (b"council,name,email\r\n" + b"ALP,Ann Admin of Alpha,ann.admin@alpha.gov.uk\r\n" * 20000, "at most 512 KB"),
        (b"council,name,email\r\n" + b"A,B,c\r\n" * 1001, "upload at most 1000 councils"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_whole_naming_the_line(staff, register, content, message):
    with pytest.raises(BatchError, match=message):
        check(staff, content)
    assert not InvitationBatch.objects.exists()


def test_a_spreadsheets_utf8_with_bom_and_other_column_names_are_read(staff, register):
    content = "\ufeffE-mail,Council code,Full name\r\nann@alpha.gov.uk,ALP,Ann Admin\r\n".encode()
    batch = check(staff, content)
    line = batch.lines.get()
    assert (line.council, line.full_name, line.outcome) == (register["ALP"], "Ann Admin", LineOutcome.READY)


def test_confirming_twice_sends_once_and_the_same_file_again_invites_nobody(
    staff, register, eager_celery, django_capture_on_commit_callbacks
):
    content = csv_of("ALP,Ann,ann@alpha.gov.uk", "BET,Bob,bob@gmail.com", "GAM,Gus,gus@gamma.gov.uk")
    batch = check(staff, content)
    outside = batch.lines.get(number=3)
    with django_capture_on_commit_callbacks(execute=True):
        batches.batch_confirm(batch=batch, by=staff, reasons={outside.pk: "Their IT team uses Gmail for now"})
    batch.refresh_from_db()
    assert batch.status == BatchStatus.SENT
    assert set(Invitation.objects.values_list("email", flat=True)) == {
        "ann@alpha.gov.uk",
        "bob@gmail.com",
        "gus@gamma.gov.uk",
    }
    assert Council.objects.filter(status=CouncilStatus.INVITED, code__in=["ALP", "BET", "GAM"]).count() == 3
    with pytest.raises(BatchError, match="already been confirmed"):
        batches.batch_confirm(batch=batch, by=staff)
    assert batches.batch_send(batch_id=batch.pk) == 0  # a task run again sends nothing
    again = check(staff, content)
    assert set(outcomes(again).values()) == {LineOutcome.ALREADY}
    assert batches.batch_same_file_before(again) == batch
    with pytest.raises(BatchError, match="No line is ready"):
        batches.batch_confirm(batch=again, by=staff)
    assert Invitation.objects.count() == 3
    assert OutboundEmail.objects.filter(kind="invitation").count() == 3


def test_an_address_outside_the_domain_is_sent_only_with_a_reason(
    staff, register, eager_celery, django_capture_on_commit_callbacks
):
    batch = check(staff, csv_of("ALP,Ann,ann@alpha.gov.uk", "BET,Bob,bob@gmail.com"))
    with django_capture_on_commit_callbacks(execute=True):
        batches.batch_confirm(batch=batch, by=staff, reasons={})
    assert list(Invitation.objects.values_list("email", flat=True)) == ["ann@alpha.gov.uk"]
    assert Council.objects.get(code="BET").status == CouncilStatus.NOT_INVITED


def test_a_council_invited_meanwhile_is_not_invited_twice(
    staff, register, eager_celery, django_capture_on_commit_callbacks
):
    batch = check(staff, csv_of("ALP,Ann,ann@alpha.gov.uk"))
    invitations.invitation_create(
        council=register["ALP"], email="other@alpha.gov.uk", roles=[Role.COUNCIL_ADMIN], invited_by=staff
    )
    with django_capture_on_commit_callbacks(execute=True):
        batches.batch_confirm(batch=batch, by=staff)
    line = batch.lines.get()
    assert line.outcome == LineOutcome.ALREADY
    assert "before this line was sent" in line.message
    assert Invitation.objects.count() == 1


# --- reminders -----------------------------------------------------------------------------------------


def test_an_invitation_not_accepted_is_sent_again_weekly_three_times_with_a_new_link(staff, register):
    invitation, first_token = invitations.invitation_create(
        council=register["ALP"], email="ann@alpha.gov.uk", roles=[Role.COUNCIL_ADMIN], invited_by=staff
    )
    start = timezone.now()
    with freeze_time(start + timedelta(days=6)):
        assert onboarding.onboarding_reminders_send() == 0  # not yet a week
    for week in (1, 2, 3):
        with freeze_time(start + timedelta(days=7 * week, hours=1)):
            assert onboarding.onboarding_reminders_send() == 1
    with freeze_time(start + timedelta(days=7 * 4, hours=1)):
        assert onboarding.onboarding_reminders_send() == 0  # at most three
    invitation.refresh_from_db()
    assert invitation.reminders_sent == 3
    assert OutboundEmail.objects.filter(kind="invitation", to="ann@alpha.gov.uk").count() == 4
    with pytest.raises(CouncilError, match="not valid"):
        invitations.invitation_check(token=first_token)  # the first link no longer works


def test_no_reminder_once_the_invitation_is_accepted(staff, register):
    _invitation, token = invitations.invitation_create(
        council=register["ALP"], email="ann@alpha.gov.uk", roles=[Role.COUNCIL_ADMIN], invited_by=staff
    )
    invitations.invitation_accept(token=token, full_name="Ann Admin", password="a-long-pass-phrase-2026")
    with freeze_time(timezone.now() + timedelta(days=8)):
        before = OutboundEmail.objects.filter(kind="invitation").count()
        onboarding.onboarding_reminders_send()
        assert OutboundEmail.objects.filter(kind="invitation").count() == before


def test_set_up_not_finished_after_14_days_reminds_the_administrators_until_done(staff, register):
    _invitation, token = invitations.invitation_create(
        council=register["ALP"], email="ann@alpha.gov.uk", roles=[Role.COUNCIL_ADMIN], invited_by=staff
    )
    invitations.invitation_accept(token=token, full_name="Ann Admin", password="a-long-pass-phrase-2026")
    start = timezone.now()
    reminders = OutboundEmail.objects.filter(kind="onboarding_reminder", to="ann@alpha.gov.uk")
    with freeze_time(start + timedelta(days=13)):
        assert onboarding.onboarding_reminders_send() == 0
    with freeze_time(start + timedelta(days=14, hours=1)):
        assert onboarding.onboarding_reminders_send() == 1
        assert "accept the platform agreement" in reminders.get().body_text.lower()
    with freeze_time(start + timedelta(days=18)):
        assert onboarding.onboarding_reminders_send() == 0  # a week apart
    Council.objects.filter(code="ALP").update(  # set-up done
        status=CouncilStatus.ACTIVE,
        invoice_address="1 High Street",
        finance_email="finance@alpha.gov.uk",
        payment_terms_days=30,
        vat_status="registered",
        vat_number="GB123456789",
        finance_details_updated_at=timezone.now(),
        activated_at=timezone.now(),
    )
    with freeze_time(start + timedelta(days=22)):
        assert onboarding.onboarding_reminders_send() == 0
    assert reminders.count() == 1


def test_the_onboarding_view_says_how_long_and_what_is_left(client, staff, register):
    client.force_login(staff)
    invitations.invitation_create(
        council=register["ALP"], email="ann@alpha.gov.uk", roles=[Role.COUNCIL_ADMIN], invited_by=staff
    )
    page = client.get("/platform/?status=invited").content.decode()
    assert "Accept the invitation" in page
    csv = client.get("/platform/onboarding.csv?status=invited").content.decode()
    assert csv.splitlines()[0] == "code,gss_code,name,nation,region,type,state,since,days,steps_left"
    assert any(row.startswith("ALP,") and row.endswith("accept the invitation") for row in csv.splitlines())


def test_while_sending_the_page_shows_the_progress(client, staff, register):
    batch = check(
        staff,
        csv_of("ALP,Ann,ann@alpha.gov.uk", "GAM,Gus,gus@gamma.gov.uk", "BET,Bo,bo@elsewhere.example"),
    )
    InvitationBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.SENDING)
    client.force_login(staff)
    page = client.get(f"/platform/invite/{batch.pk}/").content.decode()
    assert "Sending the invitations" in page
    # the line outside its council's domain, given no reason, is never sent: not counted as to come
    assert "0 sent so far, 2 still to send" in page
    assert "Confirm and send" not in page


def test_the_register_by_nation_region_or_type_comes_as_a_csv_to_fill_in(client, staff, register):
    CouncilFactory(code="WAL", slug="wales-one", nation="Wales", region="", homepage_url="https://www.one.gov.wales")
    client.force_login(staff)
    rows = client.get("/platform/invite/councils.csv?nation=Wales").content.decode().splitlines()
    assert rows[0] == "council,council_name,name,email"
    assert [row.split(",")[0] for row in rows[1:]] == ["WAL"]
    everyone = client.get("/platform/invite/councils.csv").content.decode().splitlines()
    codes = {row.split(",")[0] for row in everyone[1:]}
    assert {"ALP", "BET", "GAM", "DEL", "WAL"} <= codes
    assert not codes & {"INV", "ACT"}  # only councils not yet invited
    filled = "\r\n".join(
        [everyone[0], *[f"{row.split(',')[0]},{row.split(',')[1]},Ann,ann@alpha.gov.uk" for row in everyone[1:2]]]
    )
    assert check(staff, filled.encode()).lines.get().outcome in (LineOutcome.READY, LineOutcome.OUTSIDE_DOMAIN)


def test_a_broker_away_at_confirmation_leaves_the_batch_to_the_resume_job(
    staff, register, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args):
        raise ConnectionError("Redis is away")

    monkeypatch.setattr(batches, "task_queue", broker_down)
    batch = check(staff, csv_of("ALP,Ann,ann@alpha.gov.uk"))
    with django_capture_on_commit_callbacks(execute=True):
        batches.batch_confirm(batch=batch, by=staff)  # no error for the person confirming
    batch.refresh_from_db()
    assert batch.status == BatchStatus.SENDING
    assert batches.batches_resume(older_than=timedelta(minutes=5)) == 0  # not yet stale
    assert batches.batches_resume(older_than=timedelta(0)) == 1
    batch.refresh_from_db()
    assert batch.status == BatchStatus.SENT
    assert Invitation.objects.get().email == "ann@alpha.gov.uk"


def test_a_refused_confirmation_shows_the_page_again_with_the_reasons_typed(client, staff, register):
    batch = check(staff, csv_of("BET,Bob,bob@gmail.com"))
    line = batch.lines.get()
    client.force_login(staff)
    response = client.post(f"/platform/invite/{batch.pk}/confirm/", {f"reason_{line.pk}": "Their\tIT team"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert "must be one line of plain text" in page
    assert "<title>Error: " in page
    assert 'value="Their\tIT team"' in page
    batch.refresh_from_db()
    assert batch.status == BatchStatus.CHECKED
    assert not Invitation.objects.exists()


def test_checking_a_file_reads_accounts_and_invitations_once_not_a_query_a_line(staff, register):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import UserFactory

    for n in range(30):
        CouncilFactory(code=f"N{n:02d}", slug=f"n{n}", homepage_url=f"https://www.n{n}.gov.uk/")
    UserFactory(email="p3@n3.gov.uk")
    invitations.invitation_create(
        council=Council.objects.get(code="N29"), email="p4@n4.gov.uk", roles=[Role.COUNCIL_ADMIN], invited_by=staff
    )
    with CaptureQueriesContext(connection) as one:
        check(staff, csv_of("N00,Person,p0@n0.gov.uk"))
    with CaptureQueriesContext(connection) as thirty:
        batch = check(staff, csv_of(*[f"N{n:02d},Person,p{n}@n{n}.gov.uk" for n in range(30)]))
    assert len(thirty.captured_queries) == len(one.captured_queries)
    messages = dict(batch.lines.values_list("number", "message"))
    assert messages[5] == "p3@n3.gov.uk already has an account"  # line 5: N03
    assert messages[6] == "p4@n4.gov.uk already has an invitation waiting"
    assert batch.lines.filter(outcome=LineOutcome.READY).count() == 27  # and N29 is now invited


def test_two_overlapping_reminder_runs_send_each_reminder_once(staff, register):
    """A run that read the invitation and the council before another reminded them sends nothing."""
    from councils.onboarding import _invitation_remind, _setup_remind

    invitation, _token = invitations.invitation_create(
        council=register["ALP"], email="ann@alpha.gov.uk", roles=[Role.COUNCIL_ADMIN], invited_by=staff
    )
    first_read, second_read = Invitation.objects.get(pk=invitation.pk), Invitation.objects.get(pk=invitation.pk)
    before = OutboundEmail.objects.count()
    assert _invitation_remind(first_read) == 1
    assert _invitation_remind(second_read) == 0
    assert OutboundEmail.objects.count() == before + 1
    assert Invitation.objects.get(pk=invitation.pk).reminders_sent == 1

    from tests.factories import UserFactory

    council = CouncilFactory(code="ONB", slug="onb", status=CouncilStatus.ONBOARDING)  # set-up not finished
    UserFactory(council=council, roles=[Role.COUNCIL_ADMIN], email="admin@onb.gov.uk")
    one, two = Council.objects.get(pk=council.pk), Council.objects.get(pk=council.pk)
    assert onboarding.steps_left(one)
    before = OutboundEmail.objects.count()
    sent = _setup_remind(one, now=timezone.now()) + _setup_remind(two, now=timezone.now())
    assert sent == 1
    assert OutboundEmail.objects.count() == before + 1
    assert Council.objects.get(pk=council.pk).onboarding_reminders == 1
