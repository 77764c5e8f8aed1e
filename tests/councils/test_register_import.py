"""The council register import: `council_register_import` and `manage.py import_councils`."""

import csv
import io
import threading
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError
from django.db import connection, connections
from django.utils import timezone

from councils.models import Council, CouncilStatus, Invitation, Role, User, VatStatus, token_digest
from councils.register import (
    GOVUK_PATH,
    REGISTER_PATH,
    RegisterImportError,
    council_register_import,
    council_register_read,
)
from tests.factories import force_fields

REGISTER_TEXT = REGISTER_PATH.read_text(encoding="utf-8")
GOVUK_TEXT = GOVUK_PATH.read_text(encoding="utf-8")
HEADER = REGISTER_TEXT.splitlines()[0].split(",")

FIRST_RUN = "382 councils: 382 created, 0 changed, 0 unchanged, 0 removed, 0 kept (have activity)"
SECOND_RUN = "382 councils: 0 created, 0 changed, 382 unchanged, 0 removed, 0 kept (have activity)"


def _line_of(text: str, code: str) -> int:
    """The line (header is line 1) of the register row with this code."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith(f"{code},"):
            return number
    raise AssertionError(f"{code} is not in the register")


def _register_rows() -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(REGISTER_TEXT, newline="")))


def _write_register(path: Path, rows: list[dict[str, str]], fieldnames: list[str] = HEADER) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=fieldnames, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def _with_value(code: str, column: str, value: str) -> str:
    """The register text with one cell of one row replaced."""
    rows = _register_rows()
    for row in rows:
        if row["local-authority-code"] == code:
            row[column] = value
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=HEADER, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _replace_line(code: str, change) -> str:
    lines = REGISTER_TEXT.splitlines(keepends=True)
    number = _line_of(REGISTER_TEXT, code)
    lines[number - 1] = change(lines[number - 1])
    return "".join(lines)


def _activate(council: Council) -> None:
    now = timezone.now()
    council.invoice_address = "Town Hall, 1 High Street"
    council.finance_email = "finance@example.gov.uk"
    council.payment_terms_days = 30
    council.po_required = True
    council.vat_status = VatStatus.REGISTERED
    council.vat_number = "GB123456789"
    council.finance_details_updated_at = now
    council.activated_at = now
    force_fields(council, status=CouncilStatus.ACTIVE)


# --- The shipped register ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_import_loads_the_382_current_principal_councils_by_nation():
    result = council_register_import()

    assert result.summary == FIRST_RUN
    assert Council.objects.count() == 382
    assert dict(Counter(Council.objects.values_list("nation", flat=True))) == {
        "England": 317,
        "Scotland": 32,
        "Wales": 22,
        "Northern Ireland": 11,
    }
    assert dict(Counter(Council.objects.values_list("council_type", flat=True))) == {
        "NMD": 164,
        "UA": 63,
        "MD": 36,
        "LBO": 32,
        "SCO": 32,
        "WPA": 22,
        "CTY": 21,
        "NID": 11,
        "CC": 1,
    }
    assert sorted(result.created) == sorted(Council.objects.values_list("code", flat=True))


@pytest.mark.django_db
def test_combined_authorities_the_gla_and_ended_councils_are_left_out():
    council_register_import()

    left_out = ["NTCA", "NECA", "GMCA", "WMCA", "GLA", "NYK", "SOM", "CRA", "SHW"]
    assert not Council.objects.filter(code__in=left_out).exists()
    assert not Council.objects.filter(council_type__in=["COMB", "SRA"]).exists()
    # nice-name repeats for the old counties; only the new unitaries are loaded, once each.
    assert Council.objects.filter(short_name="North Yorkshire").get().code == "NYE"
    assert Council.objects.filter(short_name="Somerset").get().code == "SMT"
    assert Council.objects.values("short_name").distinct().count() == 382


@pytest.mark.django_db
def test_every_council_is_paired_with_exactly_one_council_of_the_govuk_list():
    council_register_import()

    govuk = {row["slug"]: row for row in csv.DictReader(io.StringIO(GOVUK_TEXT, newline=""))}
    councils = list(Council.objects.all())
    assert len(govuk) == 382
    assert {council.slug for council in councils} == set(govuk)
    for council in councils:
        assert council.homepage_url == govuk[council.slug]["homepage_url"]
        assert council.nation == govuk[council.slug]["country_name"]


@pytest.mark.django_db
def test_council_fields_come_from_the_register_and_the_govuk_homepage():
    council_register_import()

    aberdeenshire = Council.objects.get(code="ABD")
    assert aberdeenshire.gss_code == "S12000034"
    assert aberdeenshire.name == "Aberdeenshire Council"
    assert aberdeenshire.short_name == "Aberdeenshire"
    assert aberdeenshire.slug == "aberdeenshire"
    assert aberdeenshire.nation == "Scotland"
    assert aberdeenshire.region == "Scotland"
    assert aberdeenshire.council_type == "SCO"
    assert aberdeenshire.council_type_name == "Scottish unitary authority"
    assert aberdeenshire.homepage_url == "https://www.aberdeenshire.gov.uk/"
    assert aberdeenshire.status == CouncilStatus.NOT_INVITED

    manchester = Council.objects.get(code="MAN")
    assert (manchester.name, manchester.gss_code, manchester.region, manchester.homepage_url) == (
        "Manchester City Council",
        "E08000003",
        "North West",
        "http://www.manchester.gov.uk/",
    )
    assert Council.objects.get(code="NMD").short_name == "Newry, Mourne and Down"  # "Down " in the file
    assert Council.objects.get(code="NSM").name == "North Somerset Council"  # two spaces in the file


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "slug", "gss_code", "homepage_url"),
    [
        # No gov-uk-slug in mySociety's file; GOV.UK still has the old county's GSS code.
        ("NYE", "north-yorkshire", "E06000065", "http://www.northyorks.gov.uk/"),
        ("SMT", "somerset", "E06000066", "http://www.somerset.gov.uk/"),
        # No gov-uk-slug; same GSS code in both files.
        ("BPC", "bournemouth-christchurch-poole", "E06000058", "https://www.bcpcouncil.gov.uk/"),
        # Out-of-date gov-uk-slug ("shepway", "st.-helens").
        ("SHE", "folkestone-hythe", "E07000112", "https://www.folkestone-hythe.gov.uk/home"),
        ("SHN", "st-helens", "E08000013", "https://www.sthelens.gov.uk/"),
        # GOV.UK has the former GSS code; the slug agrees.
        ("FIF", "fife", "S12000047", "https://www.fife.gov.uk/"),
    ],
)
def test_councils_the_two_files_describe_differently_are_still_paired(code, slug, gss_code, homepage_url):
    council_register_import()

    council = Council.objects.get(code=code)
    assert (council.slug, council.gss_code, council.homepage_url) == (slug, gss_code, homepage_url)


# --- Re-import ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_second_import_creates_and_changes_nothing():
    council_register_import()
    before = dict(Council.objects.values_list("code", "updated_at"))

    result = council_register_import()

    assert result.summary == SECOND_RUN
    assert (len(result.created), len(result.changed), len(result.unchanged)) == (0, 0, 382)
    assert dict(Council.objects.values_list("code", "updated_at")) == before


@pytest.mark.django_db
def test_reimport_updates_register_fields_but_not_status_or_finance_details(tmp_path):
    council_register_import()
    aberdeenshire = Council.objects.get(code="ABD")
    _activate(aberdeenshire)
    rows = _register_rows()
    for row in rows:
        if row["local-authority-code"] == "ABD":
            row["official-name"] = "Aberdeenshire Council (renamed)"
            row["gss-code"] = "S12000099"
            row["region"] = "North East Scotland"
    path = _write_register(tmp_path / "register.csv", rows)

    result = council_register_import(path=path)

    assert result.changed == ["ABD"]
    assert result.summary == "382 councils: 0 created, 1 changed, 381 unchanged, 0 removed, 0 kept (have activity)"
    aberdeenshire.refresh_from_db()
    assert aberdeenshire.name == "Aberdeenshire Council (renamed)"
    assert aberdeenshire.gss_code == "S12000099"
    assert aberdeenshire.region == "North East Scotland"
    assert aberdeenshire.status == CouncilStatus.ACTIVE
    assert aberdeenshire.finance_email == "finance@example.gov.uk"
    assert aberdeenshire.payment_terms_days == 30
    assert aberdeenshire.vat_number == "GB123456789"
    assert aberdeenshire.po_required is True


@pytest.mark.django_db
def test_float_like_codes_are_read_as_text(tmp_path):
    rows = _register_rows()
    for row in rows:
        row["current-authority"] = {"True": "1.0", "False": "0.0"}[row["current-authority"]]

    result = council_register_import(path=_write_register(tmp_path / "register.csv", rows))

    assert len(result.created) == 382


@pytest.mark.django_db
def test_councils_gone_from_the_register_are_removed_unless_they_have_activity(tmp_path):
    council_register_import()
    with_user = Council.objects.get(code="ABD")
    User.objects.create_user(
        email="admin@aberdeenshire.gov.uk", password="pw-123456789", full_name="Ada Admin", council=with_user
    )
    force_fields(Council.objects.get(code="ABE"), status=CouncilStatus.INVITED)
    with_invitation = Council.objects.get(code="ADU")
    Invitation.objects.create(
        council=with_invitation,
        email="someone@adur-worthing.gov.uk",
        roles=[Role.COUNCIL_ADMIN],
        token_hash=token_digest("a-token"),
        expires_at=timezone.now() + timedelta(days=7),
    )
    gone = {"ABD", "ABE", "ADU", "AGB"}
    rows = [row for row in _register_rows() if row["local-authority-code"] not in gone]

    result = council_register_import(path=_write_register(tmp_path / "register.csv", rows))

    assert result.removed == ["AGB"]
    assert result.kept_with_activity == ["ABD", "ABE", "ADU"]
    assert result.summary == "378 councils: 0 created, 0 changed, 378 unchanged, 1 removed, 3 kept (have activity)"
    assert Council.objects.count() == 381
    assert not Council.objects.filter(code="AGB").exists()
    assert set(Council.objects.filter(code__in=gone).values_list("code", flat=True)) == {"ABD", "ABE", "ADU"}

    # Back in the register: the kept ones are simply unchanged, the removed one is created again.
    result = council_register_import()
    assert (result.created, result.changed, result.removed) == (["AGB"], [], [])


# --- Malformed files ---------------------------------------------------------------------------------------


def _drop_column(column: str) -> str:
    index = HEADER.index(column)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    for row in csv.reader(io.StringIO(REGISTER_TEXT, newline="")):
        writer.writerow(row[:index] + row[index + 1 :])
    return out.getvalue()


ABD_LINE = _line_of(REGISTER_TEXT, "ABD")
ABE_LINE = _line_of(REGISTER_TEXT, "ABE")
WRX_LINE = _line_of(REGISTER_TEXT, "WRX")  # Wrexham, near the end of the file
LAST_LINE = len(REGISTER_TEXT.splitlines())

MALFORMED = [
    pytest.param(_drop_column("nation").encode(), 1, "missing column nation", id="missing-column"),
    pytest.param(b"", 1, "the file is empty", id="empty-file"),
    pytest.param(REGISTER_TEXT.splitlines(keepends=True)[0].encode(), 2, "no rows", id="header-only"),
    pytest.param(_with_value("ABD", "local-authority-code", "").encode(), ABD_LINE, "no register code", id="no-code"),
    pytest.param(_with_value("WRX", "official-name", "").encode(), WRX_LINE, "no name", id="no-name"),
    pytest.param(
        _with_value("WRX", "nation", "Atlantis").encode(),
        WRX_LINE,
        "unknown nation 'Atlantis'",
        id="bad-nation",
    ),
    pytest.param(
        _with_value("ABE", "local-authority-code", "ABD").encode(),
        ABE_LINE,
        f"register code ABD is already used on line {ABD_LINE}",
        id="duplicate-code",
    ),
    pytest.param(
        _replace_line("WRX", lambda line: line.rstrip("\n") + ",extra\n").encode(),
        WRX_LINE,
        "has 39 fields but the header has 38",
        id="too-many-fields",
    ),
    pytest.param(
        _replace_line("ABE", lambda line: line.replace(",", "", 1)).encode(),
        ABE_LINE,
        "has 37 fields but the header has 38",
        id="too-few-fields",
    ),
    pytest.param(
        _replace_line("WRX", lambda line: line.replace("Wrexham", "Wr\u00e9xham", 1)).encode("latin-1"),
        WRX_LINE,
        "not UTF-8",
        id="not-utf8",
    ),
    pytest.param(
        _with_value("WRX", "current-authority", "maybe").encode(),
        WRX_LINE,
        "current-authority must be True or False, not 'maybe'",
        id="bad-current-flag",
    ),
    pytest.param(
        _with_value("WRX", "local-authority-type", "XYZ").encode(),
        WRX_LINE,
        "unknown local-authority-type 'XYZ'",
        id="unknown-type",
    ),
    pytest.param(_with_value("WRX", "gss-code", "W6").encode(), WRX_LINE, "'W6' is not a GSS code", id="bad-gss-code"),
    pytest.param(
        _with_value("WRX", "nice-name", "Aberdeenshire").encode(),
        WRX_LINE,
        f"short name 'Aberdeenshire' (column nice-name) is already used by the council on line {ABD_LINE}",
        id="duplicate-short-name",
    ),
    pytest.param(
        (REGISTER_TEXT + 'ZZZ,"Unclosed Council,Unclosed\n').encode(),
        LAST_LINE + 1,
        "cannot be read as CSV",
        id="unclosed-quote",
    ),
]


@pytest.fixture
def imported_and_touched():
    """The register imported, then changed so that any import that went through would show."""
    council_register_import()
    Council.objects.filter(code="ABD").update(name="Name before the failed import")
    Council.objects.create(
        code="ZZZ", name="Gone Council", short_name="Gone", slug="gone", nation="England", council_type="NMD"
    )


def _assert_database_untouched():
    assert Council.objects.count() == 383
    assert Council.objects.get(code="ABD").name == "Name before the failed import"
    assert Council.objects.filter(code="ZZZ").exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("imported_and_touched")
@pytest.mark.parametrize(("content", "line", "reason"), MALFORMED)
def test_malformed_register_is_refused_with_its_line_and_nothing_is_imported(tmp_path, content, line, reason):
    path = tmp_path / "register.csv"
    path.write_bytes(content)

    with pytest.raises(RegisterImportError) as refused:
        council_register_import(path=path)

    assert refused.value.line == line
    assert reason in refused.value.reason
    assert str(refused.value).startswith(f"register.csv, line {line}: ")
    _assert_database_untouched()


@pytest.mark.django_db
@pytest.mark.usefixtures("imported_and_touched")
def test_malformed_govuk_list_is_refused_and_nothing_is_imported(tmp_path):
    path = tmp_path / "govuk.csv"
    path.write_text(GOVUK_TEXT.replace("https://www.aberdeenshire.gov.uk/", "not a url"), encoding="utf-8")

    with pytest.raises(RegisterImportError, match=r"^govuk\.csv, line 3: homepage_url 'not a url' is not a web"):
        council_register_import(govuk_path=path)

    _assert_database_untouched()


@pytest.mark.django_db
@pytest.mark.usefixtures("imported_and_touched")
def test_missing_register_file_is_refused(tmp_path):
    with pytest.raises(RegisterImportError, match="no such file"):
        council_register_import(path=tmp_path / "nowhere.csv")

    _assert_database_untouched()


def test_reading_the_shipped_files_needs_no_database():
    entries = council_register_read()

    assert len(entries) == 382
    assert len({entry.code for entry in entries}) == 382
    assert all(entry.homepage_url for entry in entries)
    assert REGISTER_PATH.parent.name == "data"
    assert REGISTER_PATH.parent.parent.name == "councils"


# --- Concurrency -------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_imports_at_once_do_not_collide():
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(council_register_import())
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(result.summary for result in results) == sorted([FIRST_RUN, SECOND_RUN])
    assert Council.objects.count() == 382


# --- The command -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_command_prints_the_summary():
    out = io.StringIO()
    call_command("import_councils", stdout=out)
    assert out.getvalue() == FIRST_RUN + "\n"

    out = io.StringIO()
    call_command("import_councils", str(REGISTER_PATH), stdout=out)
    assert out.getvalue() == SECOND_RUN + "\n"


@pytest.mark.django_db
def test_command_warns_about_councils_kept_because_they_have_activity(tmp_path):
    council_register_import()
    Council.objects.filter(code="ABD").update(status=CouncilStatus.INVITED)
    rows = [row for row in _register_rows() if row["local-authority-code"] != "ABD"]
    out = io.StringIO()

    call_command("import_councils", str(_write_register(tmp_path / "register.csv", rows)), stdout=out)

    assert out.getvalue().splitlines() == [
        "381 councils: 0 created, 0 changed, 381 unchanged, 0 removed, 1 kept (have activity)",
        "No longer in the register but kept because they have activity: ABD",
    ]


@pytest.mark.django_db
def test_command_refuses_a_malformed_file_with_the_reason(tmp_path):
    path = tmp_path / "register.csv"
    path.write_text(_with_value("ABD", "nation", "Atlantis"), encoding="utf-8")

    with pytest.raises(CommandError, match=rf"^register\.csv, line {ABD_LINE}: unknown nation 'Atlantis'"):
        call_command("import_councils", str(path))

    assert Council.objects.count() == 0


@pytest.mark.django_db
def test_command_line_exits_with_status_1_and_the_message_on_stderr(tmp_path, capsys, monkeypatch):
    # run_from_argv closes every connection when it ends; keep the test's transaction open.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    path = tmp_path / "register.csv"
    path.write_text(_with_value("ABD", "official-name", ""), encoding="utf-8")

    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(["manage.py", "import_councils", str(path)])

    assert exited.value.code == 1
    assert f"register.csv, line {ABD_LINE}: no name (column official-name is empty)" in capsys.readouterr().err
    assert Council.objects.count() == 0
