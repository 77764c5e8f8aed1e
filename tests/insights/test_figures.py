"""Each chart's figures equal the rows they summarise, on generated data; one council never sees another's;
a chart's CSV is its table."""

import csv
import io
import random
from collections import Counter, defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from djmoney.money import Money
from freezegun import freeze_time

from bookings.models import Booking, BookingStatus, BookingWeek, WeekStatus
from councils.models import Role
from insights import selectors
from insights.selectors import Period
from payments import settlement
from payments.models import CreditNote, Invoice, Payment, SettlementRun
from payments.netting import net_positions, netting_plan
from talentpool.models import SearchWithoutResults
from tests.conftest import client_for
from tests.factories import UserFactory, specialist_profile
from tests.payments.conftest import confirmed_week

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 15)
PERIOD = Period(months=12, today=TODAY)


@pytest.fixture
def history(three_councils):
    """Forty weeks worked between three councils over 2026 at random hours, October and November settled,
    one invoice part-paid and one part-credited, some declined and expired requests, searches that found
    nobody."""
    rng = random.Random(2026)
    a, b, c = three_councils
    councils = [a, b, c]
    specialists = [specialist_profile(x, full_name=f"Spec {x.short_name}") for x in councils]
    officers = [UserFactory(council=x, roles=[Role.BOOKING_OFFICER]) for x in councils]
    mondays = [date(2026, 1, 5) + timedelta(weeks=w) for w in range(47)]
    used = set()
    while len(used) < 40:
        s, week = rng.randrange(3), rng.choice(mondays)
        if (s, week) in used:
            continue
        used.add((s, week))
        buyer = rng.choice([o for o in officers if o.council_id != councils[s].pk])
        hours = Decimal(rng.randrange(1, 16)) / 2
        confirmed_week(
            profile=specialists[s], officer=buyer, week_start=week, hours=hours, rate=rng.choice(["40", "55.5"])
        )
    for period, today in (("2026-10", date(2026, 11, 1)), ("2026-11", date(2026, 12, 1))):
        settlement.settlement_run(period=period, today=today)
    invoices = list(Invoice.objects.order_by("number"))
    assert len(invoices) >= 4
    Payment.objects.create(
        invoice=invoices[0],
        amount=Money("10.00", "GBP"),
        paid_on=date(2026, 12, 5),
        reference="BACS 1",
        recorded_by=officers[0],
    )
    CreditNote.objects.create(
        invoice=invoices[1],
        number="CN-T-1",
        amount=Money("5.00", "GBP"),
        reason="Hours",
        issue_date=date(2026, 12, 2),
        by=officers[0],
    )
    booking = Booking.objects.first()
    for status in (BookingStatus.DECLINED, BookingStatus.DECLINED, BookingStatus.EXPIRED):
        Booking.objects.create(
            profile=booking.profile,
            supplier_council=booking.supplier_council,
            customer_council=booking.customer_council,
            officer=booking.officer,
            brief="Help",
            hourly_rate=booking.hourly_rate,
            status=status,
            answer_by=booking.answer_by,
            requested_at=booking.answer_by,
            decline_reason="  Not enough time " if status == BookingStatus.DECLINED else "",
        )
    for words in ("ransomware recovery", "Ransomware recovery ", "blue badge appeals"):
        SearchWithoutResults.objects.create(words=words, filters={"nation": "Wales"})
    return {"councils": councils, "officers": officers, "specialists": specialists}


def _by_month(rows, value):
    sums = defaultdict(Decimal)
    for row in rows:
        sums[row[0].replace(day=1)] += value(row)
    return [sums.get(m, 0) for m in PERIOD.firsts]


def test_hours_booked_equal_the_booked_weeks_by_month(history):
    weeks = BookingWeek.objects.filter(status=WeekStatus.BOOKED).values_list("week_start", "hours")
    chart = selectors.hours_booked(period=PERIOD)
    assert chart.series[0].values == _by_month(weeks, lambda r: r[1])
    assert sum(chart.series[0].values) == sum(h for _w, h in weeks)


def test_each_councils_hours_given_and_received_equal_its_weeks(history):
    for council in history["councils"]:
        chart = selectors.council_hours(council_id=council.pk, period=PERIOD)
        given = BookingWeek.objects.filter(booking__supplier_council=council).values_list("week_start", "hours")
        received = BookingWeek.objects.filter(booking__customer_council=council).values_list("week_start", "hours")
        assert chart.series[0].values == _by_month(given, lambda r: r[1])
        assert chart.series[1].values == _by_month(received, lambda r: r[1])


def test_money_in_and_out_equal_the_invoices(history):
    for council in history["councils"]:
        chart = selectors.council_money(council_id=council.pk, period=PERIOD)
        issued = Invoice.objects.filter(supplier=council).values_list("issue_date", "gross")
        received = Invoice.objects.filter(customer=council).values_list("issue_date", "gross")
        assert chart.series[0].values == _by_month(issued, lambda r: r[1])
        assert chart.series[1].values == _by_month(received, lambda r: r[1])


def test_money_settled_and_what_netting_saved_equal_each_months_invoices(history):
    money, transfers = selectors.settled_money(period=PERIOD)
    for run in SettlementRun.objects.all():
        i = PERIOD.firsts.index(run.period)
        rows = list(run.invoices.values_list("customer_id", "supplier_id", "gross"))
        plan = netting_plan(net_positions(rows))
        assert money.series[0].values[i] == sum(r[2] for r in rows)
        assert money.series[1].values[i] == sum(t.amount for t in plan)
        assert transfers.series[0].values[i] == len(rows)
        assert transfers.series[1].values[i] == len(plan) <= len(rows)
    assert sum(money.series[0].values) == sum(Invoice.objects.values_list("gross", flat=True))


def test_ageing_equals_what_is_still_outstanding(history):
    for council in history["councils"]:
        chart, buckets = selectors.ageing(council_id=council.pk, today=TODAY)
        outstanding = defaultdict(Decimal)
        for invoice in Invoice.objects.filter(supplier=council) | Invoice.objects.filter(customer=council):
            left = (
                invoice.gross.amount
                - sum(p.amount.amount for p in invoice.payments.all())
                - sum(n.amount.amount for n in invoice.credit_notes.all())
            )
            if left > 0:
                outstanding["to" if invoice.supplier_id == council.pk else "by"] += left
        assert sum(chart.series[0].values) == outstanding["to"]
        assert sum(chart.series[1].values) == outstanding["by"]
        listed = [i for b in buckets for i in b["invoices"]]
        assert sum(i["outstanding"] for i in listed) == outstanding["to"] + outstanding["by"]


def test_booking_conversion_counts_each_request_once(history):
    conversion, declines = selectors.booking_conversion(period=PERIOD)
    counts = Counter(Booking.objects.values_list("status", flat=True))
    values = dict(zip(conversion.labels, conversion.series[0].values, strict=True))
    assert values["Requested"] == sum(counts.values())
    assert values["Accepted"] == counts[BookingStatus.ACCEPTED]
    assert values["Declined"] == 2
    assert values["Expired (no answer in time)"] == 1
    assert dict(zip(declines.labels, declines.series[0].values, strict=True)) == {"not enough time": 2}


def test_unmet_demand_groups_the_same_words(history):
    words, places, _areas = selectors.unmet_demand(period=PERIOD)
    assert dict(zip(words.labels, words.series[0].values, strict=True)) == {
        "ransomware recovery": 2,
        "blue badge appeals": 1,
    }
    assert dict(zip(places.labels, places.series[0].values, strict=True)) == {"Wales": 3}


def test_listed_specialists_by_region_add_up_to_those_listed(history):
    chart = selectors.specialists_by_region()
    assert sum(chart.series[0].values) == 3


# --- pages: who sees what, the CSV is the table ----------------------------------------------------------


@freeze_time("2026-12-15 10:00")
def test_a_councils_page_shows_only_its_own_figures_and_ignores_any_other_council_asked_for(client, history):
    a, b, _c = history["councils"]
    admin_a = UserFactory(council=a, roles=[Role.COUNCIL_ADMIN])
    response = client_for(client, admin_a).get(reverse("insights:council"), {"council": b.pk, "council_id": b.pk})
    charts = {c.slug: c for c in response.context["charts"]}
    own = selectors.council_hours(council_id=a.pk, period=PERIOD)
    theirs = selectors.council_hours(council_id=b.pk, period=PERIOD)
    assert charts["hours-given-received"].series[0].values == own.series[0].values != theirs.series[0].values
    names = {c.labels[i] for c in [charts["utilisation"]] for i in range(len(c.labels))}
    assert names == {"Spec Alphaton"}


@freeze_time("2026-12-15 10:00")
def test_a_finance_page_lists_only_invoices_its_council_issued_or_received(client, history, finance):
    a = history["councils"][0]
    page = client_for(client, finance["a"]).get(reverse("insights:finance"))
    listed = {i["number"] for b in page.context["buckets"] for i in b["invoices"]}
    others = set(Invoice.objects.exclude(supplier=a).exclude(customer=a).values_list("number", flat=True))
    assert listed
    assert not listed & others
    for number in others:
        assert number not in page.content.decode()


def test_only_the_right_people_reach_each_page(client, history, finance, staff):
    a = history["councils"][0]
    admin_a = UserFactory(council=a, roles=[Role.COUNCIL_ADMIN])
    officer = history["officers"][0]
    assert client_for(client, officer).get(reverse("insights:council")).status_code == 403
    assert client_for(client, officer).get(reverse("insights:finance")).status_code == 403
    assert client_for(client, finance["a"]).get(reverse("insights:platform")).status_code == 403
    assert client_for(client, admin_a).get(reverse("insights:platform")).status_code == 403
    assert client_for(client, staff).get(reverse("insights:platform")).status_code == 200


@freeze_time("2026-12-15 10:00")
def test_staff_see_any_councils_charts(client, history, staff):
    b = history["councils"][1]
    page = client_for(client, staff).get(reverse("insights:staff_council", args=[b.code]))
    charts = {c.slug: c for c in page.context["charts"]}
    assert charts["hours-given-received"].series == selectors.council_hours(council_id=b.pk, period=PERIOD).series
    listed = {i["number"] for bucket in page.context["buckets"] for i in bucket["invoices"]}
    assert listed == {
        i.number
        for i in Invoice.objects.filter(supplier=b) | Invoice.objects.filter(customer=b)
        if i.gross.amount
        > sum(p.amount.amount for p in i.payments.all()) + sum(n.amount.amount for n in i.credit_notes.all())
    }


@freeze_time("2026-12-15 10:00")
def test_a_charts_csv_is_its_table(client, history, staff):
    viewer = client_for(client, staff)
    page = viewer.get(reverse("insights:platform"), {"months": "12"})
    html = page.content.decode()
    for chart in page.context["charts"]:
        download = viewer.get(reverse("insights:platform"), {"months": "12", "csv": chart.slug})
        assert download["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(download.content.decode())))
        assert rows[0][0] == chart.label_heading
        assert [r[0] for r in rows[1:]] == chart.labels
        for j, series in enumerate(chart.series):
            assert [Decimal(r[j + 1]) for r in rows[1:]] == [Decimal(v) for v in series.values]
        for row in chart.table_rows():
            for cell in row["values"]:
                assert f">{cell}</td>" in html  # the same figure, formatted, in the page's table
        assert f'role="img" aria-labelledby="{chart.slug}-title {chart.slug}-desc"' in html or chart.empty


@freeze_time("2026-12-15 10:00")
def test_filters_live_in_the_address_and_a_bad_one_is_named(client, history, staff):
    viewer = client_for(client, staff)
    wales = viewer.get(reverse("insights:platform"), {"months": "6", "nation": "Wales"})
    assert wales.context["period"].months == 6
    assert wales.context["nation"] == "Wales"
    bad = viewer.get(reverse("insights:platform"), {"months": "7", "nation": "Atlantis"})
    assert bad.context["period"].months == 12
    assert bad.context["nation"] == ""
    assert "Choose a period from the list" in bad.content.decode()
    assert viewer.get(reverse("insights:platform"), {"csv": "no-such-chart"}).status_code == 404


@freeze_time("2026-12-15 10:00")
def test_the_platform_page_reads_a_bounded_number_of_queries(client, history, staff, django_assert_max_num_queries):
    viewer = client_for(client, staff)
    with django_assert_max_num_queries(40):
        viewer.get(reverse("insights:platform"))
    with django_assert_max_num_queries(6):  # cached for a few minutes
        viewer.get(reverse("insights:platform"))


@freeze_time("2026-12-15 03:15")
def test_the_nightly_refresh_works_out_every_period_and_nation_so_no_page_waits(
    client, history, staff, django_assert_max_num_queries
):
    from insights import services

    assert services.platform_figures_refresh() == 4 * 5
    viewer = client_for(client, staff)
    for months in ("3", "24"):
        for nation in ("", "Scotland"):
            with django_assert_max_num_queries(3):  # the session and its user: no figure is read
                page = viewer.get(reverse("insights:platform"), {"months": months, "nation": nation})
            assert page.context["period"].months == int(months)
            assert "Figures worked out at 15 December 2026 03:15" in page.content.decode()


@freeze_time("2026-12-15 10:00")
def test_invoices_are_linked_only_for_those_who_can_open_them(client, history, finance, staff):
    a = history["councils"][0]
    admin_only = UserFactory(council=a, roles=[Role.COUNCIL_ADMIN])
    number = next(
        i["number"]
        for b in client_for(client, finance["a"]).get(reverse("insights:finance")).context["buckets"]
        for i in b["invoices"]
    )
    link = reverse("payments:invoice", args=[number])
    finance_page = client_for(client, finance["a"]).get(reverse("insights:finance")).content.decode()
    assert f'href="{link}"' in finance_page
    assert client_for(client, finance["a"]).get(link).status_code == 200
    for viewer, url in (
        (admin_only, reverse("insights:finance")),
        (staff, reverse("insights:staff_council", args=[a.code])),
    ):
        page = client_for(type(client)(), viewer).get(url).content.decode()
        assert number in page
        assert f'href="{link}"' not in page


def test_unmet_demand_for_a_nation_counts_searches_limited_to_its_regions_and_councils(history):
    a = history["councils"][0]  # in South West, England (the factory's)
    SearchWithoutResults.objects.create(words="coastal erosion", filters={"region": a.region})
    SearchWithoutResults.objects.create(words="coastal erosion", filters={"council": a.code})
    SearchWithoutResults.objects.create(words="coastal erosion", filters={})
    england, _places, _areas = selectors.unmet_demand(period=PERIOD, nation="England")
    wales, _places, _areas = selectors.unmet_demand(period=PERIOD, nation="Wales")
    assert dict(zip(england.labels, england.series[0].values, strict=True)) == {"coastal erosion": 2}
    assert "coastal erosion" not in wales.labels
    assert dict(zip(wales.labels, wales.series[0].values, strict=True))["ransomware recovery"] == 2


def test_councils_by_state_at_each_months_end_follow_their_status_history(three_councils):
    from datetime import datetime

    from django.utils import timezone as tz

    from councils.models import CouncilStatusChange

    a, b, c = three_councils

    def moved(council, to, when):
        CouncilStatusChange.objects.create(
            council=council, from_status="", to_status=to, changed_at=tz.make_aware(datetime(*when))
        )

    moved(a, "invited", (2026, 9, 3))
    moved(a, "onboarding", (2026, 9, 20))
    moved(a, "active", (2026, 10, 2))
    moved(b, "invited", (2026, 10, 31, 23, 30))
    moved(c, "invited", (2026, 11, 1))
    moved(c, "active", (2026, 11, 5))
    moved(c, "suspended", (2026, 12, 2))
    chart = selectors.councils_by_state_over_time(period=PERIOD)
    at = dict(zip(PERIOD.labels(), zip(*[s.values for s in chart.series], strict=True), strict=True))
    states = [s.name for s in chart.series]
    assert states == ["Invited", "Onboarding", "Active", "Suspended"]
    assert at["Aug 2026"] == (0, 0, 0, 0)
    assert at["Sep 2026"] == (0, 1, 0, 0)
    assert at["Oct 2026"] == (1, 0, 1, 0)  # Betaford invited on 31 October counts in October
    assert at["Nov 2026"] == (1, 0, 2, 0)
    assert at["Dec 2026"] == (1, 0, 1, 1)  # the month so far
