"""Inviting councils in batches: platform staff upload a CSV of councils and their first administrators;
each line is checked and shown before anything is sent; once confirmed, a Celery task sends the invitations
(councils.tasks.invitation_batch_send), each through invitations.invitation_create.

A file the service cannot read (empty, too big, not UTF-8, the wrong columns, a formula or hidden
character in a cell) is refused whole, with a message naming the line, and nothing is kept.
"""

import csv
import hashlib
import io
import logging
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlparse

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from audit.services import audit_record
from audit.transitions import StateMachine
from core.csv import FORMULA_STARTS
from core.errors import DomainError
from core.queue import task_queue
from core.text import has_control_characters

from .invitations import invitation_create
from .models import (
    BATCH_MOVES,
    LINE_MOVES,
    BatchStatus,
    Council,
    CouncilStatus,
    Invitation,
    InvitationBatch,
    InvitationBatchLine,
    LineOutcome,
    Role,
    User,
)
from .services import CouncilError, council_locked

logger = logging.getLogger(__name__)

MOST_BYTES = 512 * 1024  # a file of every council in the register is about 40 KB
MOST_LINES = 1000
COLUMNS = {  # what a header may call each column (lower case, spaces and hyphens as underscores)
    "council": ("council", "council_code", "code", "gss_code", "gss", "register_code"),
    "name": ("name", "full_name", "administrator", "administrator_name"),
    "email": ("email", "e_mail", "email_address", "administrator_email"),
}
SENDABLE = (LineOutcome.READY, LineOutcome.OUTSIDE_DOMAIN)


@dataclass
class BatchError(DomainError):
    message: str

    def __str__(self) -> str:
        return self.message


# A line's outcome after confirmation is recorded by the invitation it made, or says why in its message.
line_machine: StateMachine[InvitationBatchLine] = StateMachine(
    moves=LINE_MOVES, labels=LineOutcome, error=BatchError, noun="This line"
)

batch_machine: StateMachine[InvitationBatch] = StateMachine(
    moves=BATCH_MOVES,
    labels=BatchStatus,
    error=BatchError,
    noun="This batch",
    refusal=lambda batch, current, to: (
        "This batch has already been confirmed: nothing more is sent."
        if to == BatchStatus.SENDING
        else f"This batch is {BatchStatus(current).label.lower()}."
    ),
)


def _text(content: bytes, size: int) -> str:
    if not content.strip():
        raise BatchError("The file is empty. Upload a CSV with a header line and one line per council.")
    if max(size, len(content)) > MOST_BYTES:
        raise BatchError(
            f"The file is {-(-max(size, len(content)) // 1024)} KB: upload at most {MOST_BYTES // 1024} KB at a time."
        )
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise BatchError(
            f"Line {line} is not in UTF-8. Save the file as “CSV UTF-8” from your spreadsheet and upload it again."
        ) from exc


def _columns(header: list[str]) -> dict[str, int]:
    names = [h.strip().lower().replace(" ", "_").replace("-", "_") for h in header]
    found = {}
    for column, aliases in COLUMNS.items():
        where = [i for i, name in enumerate(names) if name in aliases]
        if len(where) != 1:
            raise BatchError(
                "Line 1 must name the columns council, name and email (in any order): "
                f"this file’s first line is “{', '.join(h.strip() for h in header)[:120]}”."
            )
        found[column] = where[0]
    return found


def _rows(text: str) -> list[tuple[int, dict[str, str]]]:
    """The file's lines after the header, by line number, as {council, name, email}."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise BatchError(
            f"Line {reader.line_num} cannot be read as CSV (often a quotation mark left open). Save the file "
            "as “CSV UTF-8” from your spreadsheet and upload it again."
        ) from exc
    if not rows:
        raise BatchError("The file is empty. Upload a CSV with a header line and one line per council.")
    columns = _columns(rows[0])
    if len(rows) - 1 > MOST_LINES:
        raise BatchError(f"The file has {len(rows) - 1} lines: upload at most {MOST_LINES} councils at a time.")
    lines = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue  # a blank line
        for cell in row:
            if has_control_characters(cell.strip()) or cell.strip().startswith(FORMULA_STARTS):
                raise BatchError(
                    f"Line {number} has a cell starting with a formula sign or holding a hidden character "
                    f"(“{cell.strip()[:40]}”). Correct it and upload the file again."
                )
        values = {column: (row[i].strip() if i < len(row) else "") for column, i in columns.items()}
        lines.append((number, values))
    if not lines:
        raise BatchError("The file has a header line but no councils.")
    return lines


def council_domains(council: Council) -> set[str]:
    """The council's e-mail domains: those its administrator set, else its web site's (www. dropped)."""
    domains = {d.domain.lower() for d in council.domains.all()}  # the batch check prefetched them
    if not domains and council.homepage_url:
        host = (urlparse(council.homepage_url).hostname or "").lower()
        domains = {host.removeprefix("www.")} if host else set()
    return domains


def _inside(email: str, domains: set[str]) -> bool:
    host = email.rsplit("@", 1)[-1].lower()
    return any(host == d or host.endswith("." + d) for d in domains)


def _outcome(values: dict[str, str], council: Council | None, seen: dict) -> tuple[str, str]:
    """One line's outcome and what to say about it."""
    given, email = values["council"], values["email"].lower()
    if council is None:
        return LineOutcome.UNKNOWN, f"No council in the register has the code “{given}”"
    try:
        validate_email(email)
    except ValidationError:
        return LineOutcome.INVALID, f"“{values['email']}” is not an e-mail address"
    if council.pk in seen["councils"]:
        return LineOutcome.DUPLICATE, f"{council.short_name} is also on line {seen['councils'][council.pk]}"
    if email in seen["emails"]:
        return LineOutcome.DUPLICATE, f"{email} is also on line {seen['emails'][email]}"
    if council.status != CouncilStatus.NOT_INVITED:
        return LineOutcome.ALREADY, f"{council.short_name} is {council.get_status_display().lower()}"
    if email in seen["accounts"]:
        return LineOutcome.INVALID, f"{email} already has an account"
    if email in seen["invited"]:
        return LineOutcome.INVALID, f"{email} already has an invitation waiting"
    domains = council_domains(council)
    if domains and not _inside(email, domains):
        return LineOutcome.OUTSIDE_DOMAIN, f"{council.short_name}’s domain is {', '.join(sorted(domains))}"
    return LineOutcome.READY, ""


@transaction.atomic
def batch_check(*, content: bytes, filename: str, by: User, size: int = 0) -> InvitationBatch:
    """Read and check an uploaded file (`size`: the whole file's, when only its start was read): a batch
    whose lines say what would happen to each. Nothing is sent."""
    lines = _rows(_text(content, size))
    given = {v["council"].upper() for _n, v in lines if v["council"]}
    councils = {}
    for found in Council.objects.filter(Q(code__in=given) | Q(gss_code__in=given)).prefetch_related("domains"):
        councils[found.code.upper()] = found
        if found.gss_code:
            councils[found.gss_code.upper()] = found
    batch = InvitationBatch.objects.create(
        created_by=by, filename=filename[:200], digest=hashlib.sha256(content).hexdigest()
    )
    # every address of the file that has an account or an open invitation, read once (not a query a line)
    emails = [v["email"].lower() for _n, v in lines if v["email"]]
    seen: dict = {
        "councils": {},
        "emails": {},
        "accounts": set(User.objects.annotate(e=Lower("email")).filter(e__in=emails).values_list("e", flat=True)),
        "invited": set(
            Invitation.objects.open().annotate(e=Lower("email")).filter(e__in=emails).values_list("e", flat=True)
        ),
    }
    made = []
    for number, values in lines:
        council = councils.get(values["council"].upper())
        outcome, message = _outcome(values, council, seen)
        if council is not None and outcome not in (LineOutcome.UNKNOWN, LineOutcome.INVALID):
            seen["councils"].setdefault(council.pk, number)
            seen["emails"].setdefault(values["email"].lower(), number)
        made.append(
            InvitationBatchLine(
                batch=batch,
                number=number,
                council_given=values["council"][:200],
                council=council,
                full_name=values["name"][:150],
                email=values["email"][:254],
                outcome=outcome,
                message=message[:300],
            )
        )
    InvitationBatchLine.objects.bulk_create(made)
    return batch


def batch_same_file_before(batch: InvitationBatch) -> InvitationBatch | None:
    """An earlier batch of the very same file that was confirmed, if any (the page says so)."""
    return (
        InvitationBatch.objects.filter(digest=batch.digest, created_at__lt=batch.created_at)
        .exclude(status=BatchStatus.CHECKED)
        .first()
    )


@transaction.atomic
def batch_confirm(*, batch: InvitationBatch, by: User, reasons: dict[int, str] | None = None) -> InvitationBatch:
    """Staff confirm a checked batch: its ready lines, and those outside the council's domains that were
    given a reason, are sent by a Celery task. Confirming again changes nothing."""
    batch = InvitationBatch.objects.select_for_update().get(pk=batch.pk)
    batch_machine.refuse_unless(batch, BatchStatus.SENDING)
    reasons = {k: v.strip() for k, v in (reasons or {}).items() if v and v.strip()}
    for line in batch.lines.filter(outcome=LineOutcome.OUTSIDE_DOMAIN, pk__in=list(reasons)):
        if has_control_characters(reasons[line.pk]):
            raise BatchError(f"The reason for line {line.number} must be one line of plain text")
        line.reason = reasons[line.pk][:300]
        line.save(update_fields=["reason"])
    to_send = _to_send(batch)
    if not to_send.exists():
        raise BatchError("No line is ready to invite: nothing has been sent.")
    batch_machine.move(batch, to=BatchStatus.SENDING, by=by)
    batch.confirmed_at = timezone.now()
    batch.save(update_fields=["status", "confirmed_at"])
    audit_record(
        actor=by,
        action="invitation_batch.confirmed",
        obj=batch,
        councils=list(to_send.values_list("council_id", flat=True)),
        after={"lines": to_send.count(), "file": batch.filename},
        label=f"Invitation batch {batch.pk}",
    )
    transaction.on_commit(lambda: _queue(batch.pk))
    return batch


def _queue(batch_id: int) -> None:
    """Queue the sending; if the broker is away, the beat job that resumes batches sends it later."""
    try:
        task_queue("councils.tasks.invitation_batch_send", batch_id)
    except Exception:  # noqa: BLE001 - any broker failure: the batch stays "sending" and is resumed
        logger.warning("Could not queue invitation batch %s; the resume job will send it.", batch_id, exc_info=True)


def batches_resume(*, older_than: timedelta = timedelta(minutes=5)) -> int:
    """Send again the batches confirmed a while ago and still sending (the broker was away, or the worker
    stopped mid-way): sending skips the lines already sent. Returns how many batches were resumed."""
    stuck = InvitationBatch.objects.filter(
        status=BatchStatus.SENDING, confirmed_at__lte=timezone.now() - older_than
    ).values_list("pk", flat=True)
    for batch_id in list(stuck):
        batch_send(batch_id=batch_id)
    return len(stuck)


def _to_send(batch: InvitationBatch):
    return batch.lines.filter(
        Q(outcome=LineOutcome.READY) | (Q(outcome=LineOutcome.OUTSIDE_DOMAIN) & ~Q(reason="")),
        invitation__isnull=True,
    )


def batch_send(*, batch_id: int) -> int:
    """Send a confirmed batch's invitations, one transaction each; a line already sent is skipped, so a
    task run twice invites nobody twice. Returns how many were sent."""
    batch = InvitationBatch.objects.get(pk=batch_id)
    if batch.status != BatchStatus.SENDING:
        return 0
    sent = 0
    for line_id in list(_to_send(batch).values_list("pk", flat=True)):
        sent += _send_line(line_id, by=batch.created_by)
    batch_machine.move_many(
        InvitationBatch.objects.filter(pk=batch.pk, status=BatchStatus.SENDING),
        to=BatchStatus.SENT,
        finished_at=timezone.now(),
    )
    return sent


@transaction.atomic
def _send_line(line_id: int, *, by: User | None) -> int:
    line = InvitationBatchLine.objects.select_for_update(of=("self",)).select_related("council").get(pk=line_id)
    if line.invitation_id or line.council is None or by is None:
        return 0
    council = council_locked(line.council)
    if council.status != CouncilStatus.NOT_INVITED:  # invited (or more) since the file was checked
        line_machine.move(line, to=LineOutcome.ALREADY)
        line.message = f"{council.short_name} became {council.get_status_display().lower()} before this line was sent"
        line.save(update_fields=["outcome", "message"])
        return 0
    try:
        invitation, _token = invitation_create(
            council=line.council, email=line.email, roles=[Role.COUNCIL_ADMIN], invited_by=by, full_name=line.full_name
        )
    except CouncilError as exc:  # invited meanwhile, say, or the address now has an account
        line_machine.move(line, to=LineOutcome.FAILED)
        line.message = str(exc)[:300]
        line.save(update_fields=["outcome", "message"])
        return 0
    line_machine.move(line, to=LineOutcome.SENT)
    line.invitation = invitation
    line.save(update_fields=["outcome", "invitation"])
    return 1
