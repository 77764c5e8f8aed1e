"""The UK council register: principal councils from mySociety's register, homepages from GOV.UK.

`council_register_read` reads and checks both files (no database); `council_register_import` brings the
`Council` table in line with them in one transaction. The files ship in `councils/data/` (see NOTICE.md).
"""

import csv
import io
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef, ProtectedError, Q, RestrictedError
from django.utils.text import slugify

from councils.models import (
    AgreementAcceptance,
    Council,
    CouncilStatus,
    CouncilStatusChange,
    Invitation,
    Nation,
    User,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
REGISTER_PATH = DATA_DIR / "uk_local_authorities.csv"
GOVUK_PATH = DATA_DIR / "local-authorities.csv"

# `local-authority-type` of current authorities. Principal councils are loaded; the rest are left out.
# A type in neither set stops the import, so a new kind of authority is a decision, not an accident.
PRINCIPAL_TYPES = frozenset({"CTY", "NMD", "UA", "MD", "LBO", "CC", "SCO", "WPA", "NID"})
NON_PRINCIPAL_TYPES = frozenset({"COMB", "SRA"})  # combined authorities; the Greater London Authority

# The fields the register owns. Status, finance details and everything else are never touched.
REGISTER_FIELDS = (
    "gss_code",
    "name",
    "short_name",
    "slug",
    "nation",
    "region",
    "council_type",
    "council_type_name",
    "homepage_url",
)

REGISTER_COLUMNS = (
    "local-authority-code",
    "official-name",
    "nice-name",
    "gss-code",
    "nation",
    "region",
    "local-authority-type",
    "local-authority-type-name",
    "current-authority",
    "gov-uk-slug",
    "former-gss-codes",
    "replaced-by",
)
GOVUK_COLUMNS = ("slug", "gss", "homepage_url")
# Register columns with a length limit in the database.
_COLUMN_LIMITS = (("official-name", 200), ("nice-name", 200), ("region", 60), ("local-authority-type-name", 60))

_GSS_RE = re.compile(r"[ENSW][0-9]{8}")
_SLUG_RE = re.compile(r"[-a-zA-Z0-9_]+")
_FLOAT_CODE_RE = re.compile(r"([0-9]+)\.0+")
_TRUE = frozenset({"true", "1", "yes"})
_FALSE = frozenset({"false", "0", "no"})
_LOCK_KEY = zlib.crc32(b"councils.register_import")
_url_validator = URLValidator(schemes=["http", "https"])


class RegisterImportError(Exception):
    """The register cannot be imported. Nothing was written. The message says which file, line and why."""

    def __init__(self, reason: str, *, path: Path | None = None, line: int | None = None) -> None:
        self.reason = reason
        self.path = path
        self.line = line
        where = ", ".join(part for part in (path.name if path else "", f"line {line}" if line else "") if part)
        super().__init__(f"{where}: {reason}" if where else reason)


@dataclass(frozen=True)
class RegisterEntry:
    """One principal council as the register describes it, and the line of the register it came from."""

    line: int
    code: str
    gss_code: str
    name: str
    short_name: str
    slug: str
    nation: str
    region: str
    council_type: str
    council_type_name: str
    homepage_url: str

    def register_values(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in REGISTER_FIELDS}


@dataclass
class RegisterImportResult:
    """What an import did, as lists of register codes (sorted)."""

    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept_with_activity: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Councils in the register file."""
        return len(self.created) + len(self.changed) + len(self.unchanged)

    @property
    def summary(self) -> str:
        return (
            f"{self.total} councils: {len(self.created)} created, {len(self.changed)} changed, "
            f"{len(self.unchanged)} unchanged, {len(self.removed)} removed, "
            f"{len(self.kept_with_activity)} kept (have activity)"
        )


@dataclass(frozen=True)
class _Row:
    line: int
    values: dict[str, str]


@dataclass(frozen=True)
class _Candidate:
    """A register row to load, before the GOV.UK join decides its slug and homepage."""

    row: _Row
    code: str
    gss_codes: tuple[str, ...]  # current first, then former codes
    predecessor_gss_codes: tuple[str, ...]


def council_register_read(*, path: Path | None = None, govuk_path: Path | None = None) -> list[RegisterEntry]:
    """Read and check the register and the GOV.UK list; return the principal councils, in file order.

    Raises RegisterImportError at the first problem found in either file.
    """
    path = Path(path) if path else REGISTER_PATH
    govuk_path = Path(govuk_path) if govuk_path else GOVUK_PATH
    candidates = _register_candidates(path=path)
    govuk_rows = _govuk_rows(path=govuk_path)
    matches = _govuk_join(candidates=candidates, govuk_rows=govuk_rows)

    entries: list[RegisterEntry] = []
    short_name_lines: dict[str, int] = {}
    slug_lines: dict[str, int] = {}
    for candidate in candidates:
        values, line = candidate.row.values, candidate.row.line
        govuk = matches.get(candidate.code)
        slug = _council_slug(values=values, govuk=govuk)
        short_name = values["nice-name"]
        if short_name in short_name_lines:
            raise RegisterImportError(
                f"short name {short_name!r} (column nice-name) is already used by the council on line "
                f"{short_name_lines[short_name]}",
                path=path,
                line=line,
            )
        if slug in slug_lines:
            raise RegisterImportError(
                f"slug {slug!r} is already used by the council on line {slug_lines[slug]}",
                path=path,
                line=line,
            )
        short_name_lines[short_name] = line
        slug_lines[slug] = line
        entries.append(
            RegisterEntry(
                line=line,
                code=candidate.code,
                gss_code=values["gss-code"],
                name=values["official-name"],
                short_name=short_name,
                slug=slug,
                nation=values["nation"],
                region=values["region"],
                council_type=values["local-authority-type"],
                council_type_name=values["local-authority-type-name"],
                homepage_url=govuk.values["homepage_url"] if govuk else "",
            )
        )
    return entries


def council_register_import(*, path: Path | None = None, govuk_path: Path | None = None) -> RegisterImportResult:
    """Bring the councils in line with the register: create, update, and remove those that have gone.

    Both files are checked before anything is written; a problem raises RegisterImportError and nothing is
    imported. The register code is the key. Only the register's fields are updated (never status or finance
    details). A council no longer in the register is deleted only if nobody has used it yet; otherwise it
    is kept and reported. Runs in one transaction, serialised against concurrent imports.
    """
    entries = council_register_read(path=path, govuk_path=govuk_path)
    try:
        return _register_apply(entries=entries, path=Path(path) if path else REGISTER_PATH)
    except IntegrityError as exc:
        raise RegisterImportError(f"the councils could not be saved, nothing was imported ({exc})") from exc


# --- Writing -----------------------------------------------------------------------------------------------


@transaction.atomic
def _register_apply(*, entries: list[RegisterEntry], path: Path) -> RegisterImportResult:
    _register_lock()
    result = RegisterImportResult()
    existing = {council.code: council for council in Council.objects.select_for_update().order_by("pk")}
    wanted = {entry.code: entry for entry in entries}

    absent = sorted(code for code in existing if code not in wanted)
    in_use = set(Council.objects.filter(code__in=absent).filter(_council_has_activity()).values_list("code", flat=True))
    _register_check_kept_slugs(entries=entries, kept=[existing[code] for code in absent if code in in_use], path=path)
    _register_remove(absent=[existing[code] for code in absent], in_use=in_use, result=result)
    _register_save(entries=entries, existing=existing, result=result)

    for codes in (
        result.created,
        result.changed,
        result.unchanged,
        result.removed,
        result.kept_with_activity,
    ):
        codes.sort()
    return result


def _register_check_kept_slugs(*, entries: list[RegisterEntry], kept: list[Council], path: Path) -> None:
    """A council kept for its activity keeps its slug: no register entry may take it."""
    kept_slugs = {council.slug: council for council in kept}
    for entry in entries:
        holder = kept_slugs.get(entry.slug)
        if holder is not None:
            raise RegisterImportError(
                f"slug {entry.slug!r} still belongs to {holder.name} ({holder.code}), which is no longer in "
                "the register but is kept because it has activity",
                path=path,
                line=entry.line,
            )


def _register_remove(*, absent: list[Council], in_use: set[str], result: RegisterImportResult) -> None:
    """Delete the councils gone from the register that nobody has used; keep and report the others."""
    for council in absent:
        if council.code in in_use:
            result.kept_with_activity.append(council.code)
            continue
        try:
            with transaction.atomic():  # a row of another app protecting the council keeps it
                council.delete()
        except (ProtectedError, RestrictedError):
            result.kept_with_activity.append(council.code)
        else:
            result.removed.append(council.code)


def _register_save(*, entries: list[RegisterEntry], existing: dict[str, Council], result: RegisterImportResult) -> None:
    """Create the new councils (in one statement) and update the register's fields of the changed ones."""
    to_create = []
    for entry in entries:
        council = existing.get(entry.code)
        if council is None:
            to_create.append(Council(code=entry.code, **entry.register_values()))
            result.created.append(entry.code)
            continue
        changed_fields = [name for name, value in entry.register_values().items() if getattr(council, name) != value]
        if not changed_fields:
            result.unchanged.append(entry.code)
            continue
        for name in changed_fields:
            setattr(council, name, entry.register_values()[name])
        council.save(update_fields=[*changed_fields, "updated_at"])
        result.changed.append(entry.code)
    Council.objects.bulk_create(to_create)


def _register_lock() -> None:
    """Serialise imports: a second run waits for the first to commit, then sees its councils."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])


def _council_has_activity() -> Q:
    return (
        ~Q(status=CouncilStatus.NOT_INVITED)
        | Q(Exists(User.objects.filter(council=OuterRef("pk"))))
        | Q(Exists(Invitation.objects.filter(council=OuterRef("pk"))))
        | Q(Exists(AgreementAcceptance.objects.filter(council=OuterRef("pk"))))
        | Q(Exists(CouncilStatusChange.objects.filter(council=OuterRef("pk"))))
    )


# --- Reading -----------------------------------------------------------------------------------------------


def _register_candidates(*, path: Path) -> list[_Candidate]:
    """Check every row of the register; return the current principal councils."""
    rows = _csv_rows(path=path, required=REGISTER_COLUMNS)
    code_lines: dict[str, int] = {}
    successors: dict[str, list[str]] = {}  # code -> GSS codes of the authorities it alone replaced
    loaded: list[tuple[_Row, str]] = []
    for row in rows:
        values = row.values
        code = values["local-authority-code"] = _clean_code(values["local-authority-code"])
        problem = _register_code_problem(code, code_lines=code_lines) or _register_row_problem(values)
        if problem:
            raise RegisterImportError(problem, path=path, line=row.line)
        code_lines[code] = row.line
        if not _boolean(values["current-authority"]):
            _register_successor_note(values, successors=successors)
            continue
        if values["local-authority-type"] in NON_PRINCIPAL_TYPES:
            continue
        values["gss-code"] = _clean_code(values["gss-code"])
        problem = _register_principal_problem(values)
        if problem:
            raise RegisterImportError(problem, path=path, line=row.line)
        loaded.append((row, code))

    if not loaded:
        raise RegisterImportError("no current principal councils in the file", path=path)
    return [
        _Candidate(
            row=row,
            code=code,
            gss_codes=tuple(
                gss
                for gss in (
                    row.values["gss-code"],
                    *(g.strip() for g in row.values["former-gss-codes"].split(",")),
                )
                if gss
            ),
            predecessor_gss_codes=tuple(successors.get(code, ())),
        )
        for row, code in loaded
    ]


def _register_code_problem(code: str, *, code_lines: dict[str, int]) -> str | None:
    """What is wrong with a row's register code (cleaned), if anything: empty, too long, already used."""
    if not code:
        return "no register code (column local-authority-code is empty)"
    if len(code) > 8:
        return f"register code {code!r} is longer than 8 characters"
    if code in code_lines:
        return f"register code {code} is already used on line {code_lines[code]}"
    return None


def _register_row_problem(values: dict[str, str]) -> str | None:
    """What is wrong with the columns every row needs, if anything: names, nation, current-authority."""
    if not values["official-name"]:
        return "no name (column official-name is empty)"
    if not values["nice-name"]:
        return "no short name (column nice-name is empty)"
    if values["nation"] not in Nation.values:
        return f"unknown nation {values['nation']!r} (expected one of {', '.join(Nation.values)})"
    if _boolean(values["current-authority"]) is None:
        return f"current-authority must be True or False, not {values['current-authority']!r}"
    return None


def _register_successor_note(values: dict[str, str], *, successors: dict[str, list[str]]) -> None:
    """A former authority replaced by exactly one other: remember its GSS code for that successor."""
    replaced_by = [_clean_code(c) for c in values["replaced-by"].split(",") if c.strip()]
    if len(replaced_by) == 1 and values["gss-code"]:
        successors.setdefault(replaced_by[0], []).append(values["gss-code"])


def _register_principal_problem(values: dict[str, str]) -> str | None:
    """What is wrong with a current authority's row to be loaded, if anything: an unknown type, a value too
    long, no type name, a value that is not a GSS code (`gss-code` already cleaned)."""
    council_type = values["local-authority-type"]
    if council_type not in PRINCIPAL_TYPES:
        return (
            f"unknown local-authority-type {council_type!r} for a current authority (loaded: "
            f"{', '.join(sorted(PRINCIPAL_TYPES))}; left out: {', '.join(sorted(NON_PRINCIPAL_TYPES))})"
        )
    for column, limit in _COLUMN_LIMITS:
        if len(values[column]) > limit:
            return f"{column} is longer than {limit} characters"
    if not values["local-authority-type-name"]:
        return "no council type name (column local-authority-type-name is empty)"
    for gss in (values["gss-code"], *values["former-gss-codes"].split(",")):
        if gss.strip() and not _GSS_RE.fullmatch(gss.strip()):
            return f"{gss.strip()!r} is not a GSS code (a letter E, N, S or W and 8 digits)"
    return None


def _govuk_rows(*, path: Path) -> list[_Row]:
    rows = _csv_rows(path=path, required=GOVUK_COLUMNS)
    slug_lines: dict[str, int] = {}
    for row in rows:
        slug, url = row.values["slug"], row.values["homepage_url"]
        if not slug or not _SLUG_RE.fullmatch(slug) or len(slug) > 100:
            raise RegisterImportError(f"{slug!r} is not a usable slug", path=path, line=row.line)
        if slug in slug_lines:
            raise RegisterImportError(
                f"slug {slug!r} is already used on line {slug_lines[slug]}", path=path, line=row.line
            )
        slug_lines[slug] = row.line
        row.values["gss"] = _clean_code(row.values["gss"])
        if url:
            try:
                _url_validator(url)
            except ValidationError:
                raise RegisterImportError(
                    f"homepage_url {url!r} is not a web address", path=path, line=row.line
                ) from None
            if len(url) > 200:
                raise RegisterImportError("homepage_url is longer than 200 characters", path=path, line=row.line)
    return rows


def _govuk_join(*, candidates: list[_Candidate], govuk_rows: list[_Row]) -> dict[str, _Row]:
    """Pair councils with GOV.UK rows, one to one.

    GOV.UK's list has no register code, and it still carries old GSS codes for some councils, so GSS alone
    is not enough. In order: mySociety's `gov-uk-slug`; then the council's current or former GSS codes; then
    the GSS code of an authority it alone replaced (North Yorkshire County Council -> North Yorkshire
    Council). A later step only pairs what is left, and only where exactly one row fits exactly one council.
    """
    matches: dict[str, _Row] = {}
    by_slug = {row.values["slug"]: row for row in govuk_rows}
    by_gss = {row.values["gss"]: row for row in govuk_rows if row.values["gss"]}
    steps = (
        (by_slug, lambda c: (c.row.values["gov-uk-slug"],)),
        (by_gss, lambda c: c.gss_codes),
        (by_gss, lambda c: c.predecessor_gss_codes),
    )
    for index, keys in steps:
        claimed = {id(row) for row in matches.values()}
        wanted: dict[str, set[int]] = {}
        rows_by_id: dict[int, _Row] = {}
        for candidate in candidates:
            if candidate.code in matches:
                continue
            for key in keys(candidate):
                row = index.get(key) if key else None
                if row is not None and id(row) not in claimed:
                    wanted.setdefault(candidate.code, set()).add(id(row))
                    rows_by_id[id(row)] = row
        demand: dict[int, int] = {}
        for row_ids in wanted.values():
            for row_id in row_ids:
                demand[row_id] = demand.get(row_id, 0) + 1
        for code, row_ids in wanted.items():
            if len(row_ids) == 1 and demand[next(iter(row_ids))] == 1:
                matches[code] = rows_by_id[next(iter(row_ids))]
    return matches


def _council_slug(*, values: dict[str, str], govuk: _Row | None) -> str:
    if govuk is not None:
        return govuk.values["slug"]
    if values["gov-uk-slug"] and _SLUG_RE.fullmatch(values["gov-uk-slug"]):
        return values["gov-uk-slug"]
    return slugify(values["nice-name"])[:100]


def _csv_rows(*, path: Path, required: tuple[str, ...]) -> list[_Row]:
    """Every data row of a UTF-8 CSV file, with the line where the row starts.

    Lines are counted as a person counts them in the file: the header is line 1. Values have outer spaces
    stripped and inner runs of spaces collapsed ("North Somerset  Council").
    """
    reader = csv.reader(io.StringIO(_csv_text(path=path), newline=""), strict=True)
    try:
        header = _csv_header(reader, path=path, required=required)
        rows = _csv_data_rows(reader, header=header, path=path)
    except csv.Error as exc:
        raise RegisterImportError(f"cannot be read as CSV ({exc})", path=path, line=reader.line_num) from None
    if not rows:
        raise RegisterImportError("the file has a header but no rows", path=path, line=2)
    return rows


def _csv_text(*, path: Path) -> str:
    """The file's text: it must exist, be readable, be UTF-8 (a byte order mark is dropped) and hold no NUL."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise RegisterImportError(f"{path}: no such file") from None
    except OSError as exc:
        raise RegisterImportError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise RegisterImportError(
            f"not UTF-8 text (byte 0x{raw[exc.start]:02x} cannot be read)", path=path, line=line
        ) from None
    if "\x00" in text:
        raise RegisterImportError(
            "the file contains a NUL byte", path=path, line=text.count("\n", 0, text.index("\x00")) + 1
        )
    return text


def _csv_header(reader, *, path: Path, required: tuple[str, ...]) -> list[str]:
    """The column names of the first line: present, each once, and every required one there."""
    header = next(reader, None)
    if not header or not any(name.strip() for name in header):
        raise RegisterImportError("the file is empty (no header line)", path=path, line=1)
    header = [name.strip() for name in header]
    duplicates = sorted({name for name in header if header.count(name) > 1})
    if duplicates:
        raise RegisterImportError(f"column {', '.join(duplicates)} appears twice in the header", path=path, line=1)
    missing = [name for name in required if name not in header]
    if missing:
        raise RegisterImportError(f"missing column {', '.join(missing)}", path=path, line=1)
    return header


def _csv_data_rows(reader, *, header: list[str], path: Path) -> list[_Row]:
    """The rows after the header, blank lines skipped; each must have as many fields as the header."""
    rows: list[_Row] = []
    while True:
        line = reader.line_num + 1
        row = next(reader, None)
        if row is None:
            return rows
        if not row:  # a blank line
            continue
        if len(row) != len(header):
            raise RegisterImportError(f"has {len(row)} fields but the header has {len(header)}", path=path, line=line)
        rows.append(
            _Row(line=line, values={name: " ".join(value.split()) for name, value in zip(header, row, strict=True)})
        )


def _clean_code(value: str) -> str:
    """Codes as text: strip spaces, and undo a spreadsheet's float ("40.0" -> "40")."""
    value = value.strip()
    match = _FLOAT_CODE_RE.fullmatch(value)
    return match.group(1) if match else value


def _boolean(value: str) -> bool | None:
    value = _clean_code(value).lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    return None
