"""Every status field moves only as its map says: the service refuses any other move (and writes nothing),
and so does the database, whoever writes (an UPDATE past the services)."""

from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import DatabaseError, models, transaction
from django.utils import timezone

from audit.models import AuditEvent
from audit.transitions import Moves, StateMachine
from bookings import services as booking_services
from bookings import timesheets
from bookings.models import BookingEvent, Timesheet, TimesheetStatus
from councils import batches, members
from councils import services as council_services
from councils.models import CouncilStatusChange, MembershipStatus, User
from needs import services as needs
from needs.models import Need, NeedAnswer
from payments import services as payment_services
from payments import settlement
from payments.models import Invoice, SettlementRun
from sso import services as sso_services
from sso.crypto import secret_encrypt
from sso.models import SingleSignOn, SsoKind
from talentpool import approval, weekly_hours
from talentpool.models import ProfileStatusChange
from tests.factories import UserFactory, force_fields
from tests.payments.conftest import confirmed_week

pytestmark = pytest.mark.django_db

MACHINES: dict[str, StateMachine] = {
    "council": council_services.council_machine,
    "membership": members.membership_machine,
    "profile": approval.profile_machine,
    "slot": weekly_hours.slot_machine,
    "booking": booking_services.booking_machine,
    "booking week": booking_services.week_machine,
    "timesheet": timesheets.timesheet_machine,
    "invoice": payment_services.invoice_machine,
    "invoice agreement": payment_services.agreement_machine,
    "settlement run": settlement.run_machine,
    "invitation batch": batches.batch_machine,
    "need": needs.need_machine,
    "need answer": needs.answer_machine,
    "batch line": batches.line_machine,
    "single sign-on": sso_services.sso_machine,
}

# Fields named like a status that are settings, not a life cycle with moves.
NOT_LIFE_CYCLES = {("councils.Council", "vat_status")}


@pytest.fixture
def rows(people, three_councils):
    """One row of every model with a status, with every field a state needs already filled, so that any
    state satisfies the table's other checks and only the move itself is in question."""
    sheet = confirmed_week(
        profile=people["spec_a"], officer=people["officer_b"], week_start=date(2026, 11, 2), hours="3"
    )
    settlement.settlement_run(period="2026-11", today=date(2026, 12, 1))
    force_fields(sheet, agreed_hours=Decimal("3"))
    week = sheet.week
    member = UserFactory(council=three_councils[0], roles=[])
    need = Need.objects.create(
        council=three_councils[1],
        officer=people["officer_b"],
        title="A need",
        problem="A problem",
        help_wanted="Help",
        weeks=[date(2026, 12, 7)],
        hours=Decimal("2"),
        closes_on=date(2026, 12, 1),
    )
    batch = batches.batch_check(
        content=b"council,name,email\r\nZZZ,Zed,zed@example.gov.uk\r\n", filename="x.csv", by=member
    )
    return {
        "council": three_councils[2],
        "membership": member,
        "profile": people["spec_b"],
        "slot": week.slot,
        "booking": week.booking,
        "booking week": week,
        "timesheet": sheet,
        "invoice": Invoice.objects.get(),
        "invoice agreement": Invoice.objects.get(),
        "settlement run": SettlementRun.objects.get(),
        "invitation batch": batch,
        "need": need,
        "need answer": NeedAnswer.objects.create(need=need, profile=people["spec_a"], note="Yes", weeks=need.weeks),
        "batch line": batch.lines.get(),
        "single sign-on": SingleSignOn.objects.create(
            council=three_councils[0],
            kind=SsoKind.OIDC,
            issuer="https://login.example.gov.uk",
            client_id="talent-pool",
            secret_encrypted=secret_encrypt("secret"),
            changed_at=timezone.now(),
            checked_at=timezone.now(),
        ),
    }


def _pairs(machine: StateMachine):
    states = list(machine.labels.values)
    return [(a, b) for a in states for b in states if a != b]


def _written() -> tuple[int, ...]:
    return tuple(
        model.objects.count() for model in (AuditEvent, BookingEvent, CouncilStatusChange, ProfileStatusChange)
    )


@pytest.mark.parametrize("name", list(MACHINES))
def test_the_service_refuses_every_move_outside_the_map_and_writes_nothing(name, rows):
    machine = MACHINES[name]
    obj = rows[name]
    field = machine.moves.field
    refused = allowed = 0
    for before, to in _pairs(machine):
        setattr(obj, field, before)
        written = _written()
        if machine.moves.can(before, to):
            machine.move(obj, to=to, by=None)
            assert getattr(obj, field) == to
            allowed += 1
            continue
        with pytest.raises(machine.error):
            machine.move(obj, to=to, by=None)
        assert getattr(obj, field) == before, (before, to)
        assert _written() == written, f"{name}: {before} -> {to} was refused but wrote history"
        refused += 1
    assert refused
    assert allowed


@pytest.mark.parametrize("name", list(MACHINES))
def test_the_database_refuses_every_move_outside_the_map(name, rows):
    machine = MACHINES[name]
    obj = rows[name]
    field = machine.moves.field
    this_row = type(obj).objects.filter(pk=obj.pk)
    for before, to in _pairs(machine):
        force_fields(this_row, **{field: before})
        if machine.moves.can(before, to):
            this_row.update(**{field: to})
        else:
            with pytest.raises(DatabaseError, match="Invalid transition"), transaction.atomic():
                this_row.update(**{field: to})
        refused = not machine.moves.can(before, to)
        assert this_row.values_list(field, flat=True).get() == (before if refused else to)


@pytest.mark.parametrize("name", list(MACHINES))
def test_many_rows_move_together_or_not_at_all(name, rows):
    """move_many (a booking's weeks and slots, a run's status) refuses the whole batch for one bad row."""
    machine = MACHINES[name]
    obj = rows[name]
    field = machine.moves.field
    for before, to in _pairs(machine):
        force_fields(type(obj).objects.filter(pk=obj.pk), **{field: before})
        if machine.moves.can(before, to):
            assert machine.move_many(type(obj).objects.filter(pk=obj.pk), to=to) == 1
            continue
        with pytest.raises(machine.error):
            machine.move_many(type(obj).objects.filter(pk=obj.pk), to=to)
        assert type(obj).objects.filter(pk=obj.pk).values_list(field, flat=True).get() == before


@pytest.mark.parametrize("name", list(MACHINES))
def test_rows_read_in_a_state_by_their_caller_move_by_the_map_without_being_read_again(
    name, rows, django_assert_num_queries
):
    """move_many's `read_as` (a booking's slots, locked and read open): a move the map allows is one UPDATE;
    one it refuses raises before anything is written."""
    machine = MACHINES[name]
    obj = rows[name]
    field = machine.moves.field
    this_row = type(obj).objects.filter(pk=obj.pk)
    for before, to in _pairs(machine):
        force_fields(this_row, **{field: before})
        if machine.moves.can(before, to):
            with django_assert_num_queries(1):
                assert machine.move_many(this_row, to=to, read_as=before) == 1
            continue
        with django_assert_num_queries(0), pytest.raises(machine.error):
            machine.move_many(this_row, to=to, read_as=before)
        assert this_row.values_list(field, flat=True).get() == before


def test_every_status_field_has_a_machine_and_a_database_trigger():
    """A status field added later without a map fails here."""
    covered = {(m.moves.field, m.labels) for m in MACHINES.values()}
    fields = [
        (model, f)
        for app in ("councils", "talentpool", "sso", "bookings", "needs", "payments")
        for model in apps.get_app_config(app).get_models()
        for f in model._meta.get_fields()
        if isinstance(f, models.CharField)
        and f.choices
        and (f.name in ("status", "agreement", "outcome") or f.name.endswith("_status"))
        and not f.name.startswith(("from_", "to_"))  # history rows record moves, they do not move
        and (model._meta.label, f.name) not in NOT_LIFE_CYCLES
    ]
    assert len(fields) == len(MACHINES)
    for model, f in fields:
        assert any(f.name == name and set(labels.values) == {c[0] for c in f.choices} for name, labels in covered), (
            model,
            f.name,
        )
        triggers = {t.name for t in getattr(model._meta, "triggers", [])}
        assert triggers, f"{model._meta.label}.{f.name} has no trigger"


def test_the_maps_name_only_real_states():
    for machine in MACHINES.values():
        states = set(machine.labels.values)
        for before, targets in machine.moves.allowed.items():
            assert before in states
            assert targets <= states


def test_a_moves_map_turns_into_the_trigger_pairs():
    moves = Moves.of("status", {"a": {"b", "a"}, "b": {"c"}})
    assert moves.pairs() == [("a", "b"), ("b", "c")]
    assert moves.sources("b") == {"a"}
    assert moves.can("a", "a")
    assert not moves.can("c", "a")


def test_a_refused_membership_move_says_why(three_councils):
    removed = UserFactory(council=three_councils[0], roles=[], membership_status=MembershipStatus.REMOVED)
    with pytest.raises(council_services.CouncilError, match="has already been removed"):
        members.membership_machine.move(removed, to=MembershipStatus.ACTIVE)
    assert User.objects.get(pk=removed.pk).membership_status == MembershipStatus.REMOVED


def test_confirmed_hours_cannot_be_disputed_afterwards(rows):
    sheet = Timesheet.objects.get(pk=rows["timesheet"].pk)
    assert sheet.status == TimesheetStatus.CONFIRMED
    officer = sheet.week.booking.officer
    with pytest.raises(booking_services.BookingError, match="already confirmed"):
        timesheets.timesheet_dispute(timesheet=sheet, by=officer, reason="Too many")
    assert not BookingEvent.objects.filter(to_status="hours disputed").exists()


def test_no_admin_page_edits_a_status_field(rf, rows):
    """Django's admin must not move a status past the services (the database would refuse it with a 500,
    or an allowed move would skip its history, audit event and e-mails)."""
    from django.contrib import admin

    request = rf.get("/")
    request.user = UserFactory.build(is_staff=True, is_superuser=True)
    checked = 0
    for name, machine in MACHINES.items():
        obj = rows[name]
        model_admin = admin.site._registry.get(type(obj))
        if model_admin is None:
            continue
        checked += 1
        if not model_admin.has_change_permission(request, obj):
            continue
        form = model_admin.get_form(request, obj=obj, change=True)
        assert machine.moves.field not in form.base_fields, f"{name}: {machine.moves.field} is editable in the admin"
    assert checked >= 6
