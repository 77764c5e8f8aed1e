"""The figures behind the charts, summed in the database (GROUP BY), each for one audience: the platform
(staff: everything, optionally one nation), one council (its administrator), one council's money (its
finance officers). A council's figures are read only with that council's id, which the page takes from
the signed-in person, never from the address."""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce, Lower, Trim, TruncMonth
from django.urls import reverse
from django.utils import timezone

from bookings.models import Booking, BookingStatus, BookingWeek, Timesheet, TimesheetStatus, WeekStatus
from councils.models import Council, CouncilStatus, CouncilStatusChange, Nation
from payments.models import Invoice, InvoiceStatus, SettlementRun
from payments.netting import net_positions, netting_plan
from payments.selectors import invoices_with_balance
from talentpool.models import ProfileStatus, SearchWithoutResults, ServiceArea, SpecialistProfile
from talentpool.selectors import profile_listed_filter

from .charts import Chart, Series

ZERO = Decimal("0")
HOURS_ZERO = Decimal("0.0")


@dataclass(frozen=True)
class Period:
    """The last `months` calendar months, this one included."""

    months: int
    today: date

    @property
    def firsts(self) -> list[date]:
        first = self.today.replace(day=1)
        out = []
        for _ in range(self.months):
            out.append(first)
            first = (first - timedelta(days=1)).replace(day=1)
        return out[::-1]

    @property
    def start(self) -> date:
        return self.firsts[0]

    @property
    def since(self):
        """The period's start as a time (midnight, local): compared with a timestamp column, an index can
        serve it (a __date cast could not)."""
        return timezone.make_aware(datetime.combine(self.start, time()))

    @property
    def until(self):
        return timezone.make_aware(datetime.combine(self.end, time()))

    @property
    def end(self) -> date:
        """The first day after the period."""
        last = self.firsts[-1]
        return (last + timedelta(days=32)).replace(day=1)

    def labels(self) -> list[str]:
        return [f"{m:%b %Y}" for m in self.firsts]

    def axis(self) -> list[tuple[str, str]]:
        """Each month's axis label: the month, and the year under the first month and each January."""
        return [(f"{m:%b}", f"{m:%Y}" if i == 0 or m.month == 1 else "") for i, m in enumerate(self.firsts)]

    def by_month(self, rows, *, key="month", value="total") -> list:
        """Values in month order from (month, value) rows (a month with none: 0)."""
        found = {_month(row[key]): row[value] or 0 for row in rows}
        return [found.get(m, 0) for m in self.firsts]


def _month(value) -> date:
    return value.date().replace(day=1) if hasattr(value, "date") else value.replace(day=1)


def _in_nation(nation: str, *fields: str) -> Q:
    if not nation:
        return Q()
    q = Q()
    for name in fields:
        q |= Q(**{f"{name}__nation": nation})
    return q


# --- platform staff -----------------------------------------------------------------------------------


def councils_activated(*, period: Period, nation: str = "") -> Chart:
    nations = [nation] if nation else list(Nation.values)
    rows = (
        Council.objects.filter(activated_at__gte=period.since, activated_at__lt=period.until)
        .filter(**({"nation": nation} if nation else {}))
        .annotate(month=TruncMonth("activated_at"))
        .values("month", "nation")
        .annotate(total=Count("pk"))
    )
    per = defaultdict(list)
    for row in rows:
        per[row["nation"]].append(row)
    series = [Series(n, period.by_month(per[n])) for n in nations]
    total = sum(sum(s.values) for s in series)
    return Chart(
        slug="councils-activated",
        title="Councils that became active, by month and nation",
        summary=f"{total} council{'s' if total != 1 else ''} became active in the last {period.months} months"
        + (f" in {nation}" if nation else "")
        + ". A council is active once its administrator has accepted the agreement and entered its finance details.",
        labels=period.labels(),
        axis=period.axis(),
        series=series,
    )


SHOWN_STATES = [CouncilStatus.INVITED, CouncilStatus.ONBOARDING, CouncilStatus.ACTIVE, CouncilStatus.SUSPENDED]


def councils_by_state_over_time(*, period: Period, nation: str = "") -> Chart:
    """Each council's state at the end of each month, from its status history (the last move before the
    month ended; a council with none before then had not been invited)."""
    changes = CouncilStatusChange.objects.filter(changed_at__lt=period.until).order_by("changed_at", "pk")
    if nation:
        changes = changes.filter(council__nation=nation)
    ends = [
        timezone.make_aware(datetime.combine((m + timedelta(days=32)).replace(day=1), time())) for m in period.firsts
    ]
    counts: dict[str, list[int]] = {str(state): [0] * len(ends) for state in SHOWN_STATES}
    state_of: dict[int, str] = {}
    rows = list(changes.values_list("council_id", "to_status", "changed_at"))
    i = 0
    for k, end in enumerate(ends):
        while i < len(rows) and rows[i][2] < end:
            state_of[rows[i][0]] = rows[i][1]
            i += 1
        for state in state_of.values():
            if state in counts:
                counts[state][k] += 1
    return Chart(
        slug="councils-over-time",
        title="Councils by onboarding state at the end of each month",
        summary=f"How many councils{' in ' + nation if nation else ''} were invited, onboarding, active or "
        f"suspended at the end of each of the last {period.months} months, from each council's status history. "
        f"At the end of {period.firsts[-1]:%B %Y}: {counts[CouncilStatus.ACTIVE][-1]} active.",
        labels=period.labels(),
        axis=period.axis(),
        series=[Series(state.label, counts[str(state)]) for state in SHOWN_STATES],
    )


def councils_by_state(*, nation: str = "") -> Chart:
    rows = dict(
        Council.objects.filter(**({"nation": nation} if nation else {}))
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    states = list(CouncilStatus)
    values = [rows.get(s.value, 0) for s in states]
    where = f" in {nation}" if nation else ""
    return Chart(
        slug="councils-by-state",
        title="Councils by onboarding state, today",
        summary=f"Of {sum(values)} councils{where}, {rows.get(CouncilStatus.ACTIVE, 0)} are active.",
        labels=[s.label for s in states],
        series=[Series("Councils", values)],
        horizontal=True,
        label_heading="State",
        links=[
            f"{reverse('platform:dashboard')}?status={s.value}" + (f"&nation={nation}" if nation else "")
            for s in states
        ],
    )


def _listed(nation: str):
    profiles = SpecialistProfile.objects.filter(profile_listed_filter(today=timezone.localdate()))
    return profiles.filter(council__nation=nation) if nation else profiles


def specialists_by_region(*, nation: str = "") -> Chart:
    rows = list(
        _listed(nation).values("council__region").annotate(total=Count("pk")).order_by("-total", "council__region")
    )
    return Chart(
        slug="specialists-by-region",
        title="Listed specialists by region",
        summary=f"{sum(r['total'] for r in rows)} specialists are listed and bookable today"
        + (f" in {nation}" if nation else "")
        + (f"; the most are in {rows[0]['council__region'] or 'no region'}." if rows else "."),
        labels=[r["council__region"] or "No region" for r in rows],
        series=[Series("Specialists", [r["total"] for r in rows])],
        horizontal=True,
        label_heading="Region",
    )


TOP = 15


def specialists_by_service_area(*, nation: str = "") -> Chart:
    rows = list(
        ServiceArea.objects.filter(profiles__in=_listed(nation))
        .values("description")
        .annotate(total=Count("profiles"))
        .order_by("-total", "description")[:TOP]
    )
    return Chart(
        slug="specialists-by-service-area",
        title=f"Listed specialists by service area (the {TOP} with most)",
        summary="How many listed specialists name each service area; a specialist naming several counts in each. "
        "Service areas with few specialists are where to recruit.",
        labels=[r["description"] for r in rows],
        series=[Series("Specialists", [r["total"] for r in rows])],
        horizontal=True,
        label_heading="Service area",
    )


def hours_booked(*, period: Period, nation: str = "") -> Chart:
    rows = (
        BookingWeek.objects.filter(status=WeekStatus.BOOKED, week_start__gte=period.start, week_start__lt=period.end)
        .filter(_in_nation(nation, "booking__supplier_council", "booking__customer_council"))
        .annotate(month=TruncMonth("week_start"))
        .values("month")
        .annotate(total=Sum("hours"))
    )
    values = period.by_month(rows)
    return Chart(
        slug="hours-booked",
        title="Hours booked, by the month of the week booked",
        summary=f"{_hours(sum(values, HOURS_ZERO))} booked in the last {period.months} months"
        + (f" where either council is in {nation}" if nation else "")
        + " (weeks accepted and not cancelled).",
        labels=period.labels(),
        axis=period.axis(),
        series=[Series("Hours booked", values)],
        unit="hours",
    )


def _hours(value) -> str:
    return f"{value:,.1f}".removesuffix(".0") + " hours"


NETTING_CACHE_SECONDS = 30 * 24 * 3600  # keyed by the run and its invoices' count, so never stale


def _run_netting(run: SettlementRun) -> tuple[int, Decimal, int, Decimal]:
    """(invoices, money they move, transfers with netting, money those move) for a settled month, on the
    invoices as issued. Cached: a settled month's invoices do not change (credits and payments do not
    change what settling the month needed to move)."""
    count = run.invoices.count()
    key = f"insights:netting:{run.pk}:{count}"
    found = cache.get(key)
    if found is None:
        debts = [(c, s, Decimal(str(g))) for c, s, g in run.invoices.values_list("customer_id", "supplier_id", "gross")]
        plan = netting_plan(net_positions(debts)) if debts else []
        found = (len(debts), sum((d[2] for d in debts), ZERO), len(plan), sum((t.amount for t in plan), ZERO))
        cache.set(key, found, NETTING_CACHE_SECONDS)
    return found


def settled_money(*, period: Period) -> tuple[Chart, Chart]:
    runs = {r.period: r for r in SettlementRun.objects.filter(period__gte=period.start, period__lt=period.end)}
    figures = [_run_netting(runs[m]) if m in runs else (0, ZERO, 0, ZERO) for m in period.firsts]
    moved = Chart(
        slug="money-settled",
        title="Money settled each month, without and with netting",
        summary=f"Invoices for {_pounds(sum((f[1] for f in figures), ZERO))} were issued for the last {period.months} "
        f"months; netting settled them by moving {_pounds(sum((f[3] for f in figures), ZERO))}. "
        "By the month settled, on the invoices as issued, for every nation.",
        labels=period.labels(),
        axis=period.axis(),
        series=[Series("Without netting", [f[1] for f in figures]), Series("With netting", [f[3] for f in figures])],
        unit="£",
    )
    transfers = Chart(
        slug="transfers",
        title="Payments needed each month, without and with netting",
        summary=f"Paying every invoice separately takes {sum(f[0] for f in figures):,} payments; netting takes "
        f"{sum(f[2] for f in figures):,}.",
        labels=period.labels(),
        axis=period.axis(),
        series=[Series("Without netting", [f[0] for f in figures]), Series("With netting", [f[2] for f in figures])],
    )
    return moved, transfers


def _pounds(value) -> str:
    return f"£{value:,.2f}"


def booking_conversion(*, period: Period, nation: str = "") -> tuple[Chart, Chart]:
    requested = Booking.objects.filter(requested_at__gte=period.since, requested_at__lt=period.until).filter(
        _in_nation(nation, "supplier_council", "customer_council")
    )
    by_status = dict(requested.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    # accepted requests with hours confirmed: read from the confirmed timesheets (one pass, hashed), not a
    # probe per request
    completed = (
        Timesheet.objects.filter(
            status__in=[TimesheetStatus.CONFIRMED, TimesheetStatus.RESOLVED],
            week__booking__in=requested.filter(status=BookingStatus.ACCEPTED).values("pk"),
        )
        .values("week__booking")
        .distinct()
        .count()
    )
    total = sum(by_status.values())
    labels = [
        "Requested",
        "Accepted",
        "Completed (hours confirmed)",
        "Declined",
        "Expired (no answer in time)",
        "Cancelled",
        "Waiting for an answer",
    ]
    values = [
        total,
        by_status.get(BookingStatus.ACCEPTED, 0),
        completed,
        by_status.get(BookingStatus.DECLINED, 0),
        by_status.get(BookingStatus.EXPIRED, 0),
        by_status.get(BookingStatus.CANCELLED, 0),
        by_status.get(BookingStatus.REQUESTED, 0),
    ]
    share = f"{round(100 * values[1] / total)}%" if total else "none"
    conversion = Chart(
        slug="booking-conversion",
        title="Booking requests and what became of them",
        summary=f"{total:,} requests in the last {period.months} months; {share} were accepted and are still on. "
        "Each request counts once, by what it is now.",
        labels=labels,
        series=[Series("Requests", values)],
        horizontal=True,
        label_heading="Outcome",
    )
    reasons: Counter[str] = Counter()
    for reason, n in (
        requested.filter(status=BookingStatus.DECLINED)
        .annotate(r=Lower(Trim("decline_reason")))
        .values_list("r")
        .annotate(n=Count("pk"))
        .values_list("r", "n")
    ):
        reasons[reason or "(no reason given)"] += n
    top = reasons.most_common(10)
    declines = Chart(
        slug="decline-reasons",
        title="Why requests were declined (the 10 most given reasons)",
        summary=f"{sum(reasons.values()):,} requests were declined; reasons are grouped when worded alike. "
        f"{by_status.get(BookingStatus.EXPIRED, 0):,} more expired because nobody answered in time.",
        labels=[r for r, _n in top],
        series=[Series("Declined", [n for _r, n in top])],
        horizontal=True,
        label_heading="Reason",
    )
    return conversion, declines


def unmet_demand(*, period: Period, nation: str = "") -> tuple[Chart, Chart, Chart]:
    searches = SearchWithoutResults.objects.filter(at__gte=period.since, at__lt=period.until)
    if nation:  # limited to the nation, or to one of its regions or councils
        in_nation = Council.objects.filter(nation=nation)
        nation_regions = [r for r in in_nation.values_list("region", flat=True).distinct() if r]
        searches = searches.filter(
            Q(filters__nation=nation)
            | Q(filters__region__in=nation_regions)
            | Q(filters__council__in=list(in_nation.values_list("code", flat=True)))
        )
    words = list(
        searches.exclude(words="")
        .annotate(w=Lower(Trim("words")))
        .values("w")
        .annotate(total=Count("pk"))
        .order_by("-total", "w")[:TOP]
    )
    regions = list(
        searches.annotate(r=Coalesce(F("filters__region"), F("filters__nation")))
        .values("r")
        .annotate(total=Count("pk"))
        .order_by("-total")[:TOP]
    )
    areas = list(searches.values("filters__service_area").annotate(total=Count("pk")).order_by("-total")[:TOP])
    names = dict(
        ServiceArea.objects.filter(
            code__in=[a["filters__service_area"] for a in areas if a["filters__service_area"]]
        ).values_list("code", "description")
    )
    total = searches.count()
    return (
        Chart(
            slug="searches-without-results",
            title=f"Searches that found nobody (the {TOP} most asked)",
            summary=f"{total:,} searches found nobody in the last {period.months} months. These are who to recruit.",
            labels=[w["w"] for w in words],
            series=[Series("Searches", [w["total"] for w in words])],
            horizontal=True,
            label_heading="Words searched",
        ),
        Chart(
            slug="unmet-by-region",
            title="Searches that found nobody, by the place asked for",
            summary="By the region (or nation) the search was limited to; “Anywhere” when none was chosen.",
            labels=[str(r["r"]) if r["r"] else "Anywhere" for r in regions],
            series=[Series("Searches", [r["total"] for r in regions])],
            horizontal=True,
            label_heading="Place",
        ),
        Chart(
            slug="unmet-by-service-area",
            title="Searches that found nobody, by the service area asked for",
            summary="By the service area the search was limited to; “Any service area” when none was chosen.",
            labels=[
                names.get(_code(a["filters__service_area"]), f"Service {a['filters__service_area']}")
                if a["filters__service_area"]
                else "Any service area"
                for a in areas
            ],
            series=[Series("Searches", [a["total"] for a in areas])],
            horizontal=True,
            label_heading="Service area",
        ),
    )


def _code(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


# --- one council (its administrator) ---------------------------------------------------------------------


def _weeks_booked(period: Period):
    return BookingWeek.objects.filter(status=WeekStatus.BOOKED, week_start__gte=period.start, week_start__lt=period.end)


def council_hours(*, council_id: int, period: Period) -> Chart:
    mine = Q(booking__supplier_council_id=council_id) | Q(booking__customer_council_id=council_id)
    rows = list(
        _weeks_booked(period)
        .filter(mine)
        .annotate(month=TruncMonth("week_start"))
        .values("month")
        .annotate(
            given=Sum("hours", filter=Q(booking__supplier_council_id=council_id)),
            received=Sum("hours", filter=Q(booking__customer_council_id=council_id)),
        )
    )
    g, r = period.by_month(rows, value="given"), period.by_month(rows, value="received")
    return Chart(
        slug="hours-given-received",
        title="Hours given and received, by month",
        summary=f"This council's specialists gave {_hours(sum(g, HOURS_ZERO))} to other councils, and it received "
        f"{_hours(sum(r, HOURS_ZERO))} from theirs, in the last {period.months} months (weeks booked).",
        labels=period.labels(),
        axis=period.axis(),
        series=[Series("Given", g), Series("Received", r)],
        unit="hours",
    )


def council_hours_by_service_area(*, council_id: int, period: Period) -> Chart:
    weeks = _weeks_booked(period).filter(
        Q(booking__supplier_council_id=council_id) | Q(booking__customer_council_id=council_id)
    )
    rows = weeks.values("booking__profile__service_areas__description", "booking__supplier_council_id").annotate(
        total=Sum("hours")
    )
    given: defaultdict[str, Decimal] = defaultdict(Decimal)
    received: defaultdict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        area = row["booking__profile__service_areas__description"] or "No service area named"
        (given if row["booking__supplier_council_id"] == council_id else received)[area] += row["total"]
    areas = sorted(set(given) | set(received), key=lambda a: (-(given[a] + received[a]), a))[:TOP]
    return Chart(
        slug="hours-by-service-area",
        title="Hours given and received, by the specialist's service area",
        summary="A specialist who names several service areas counts in each, so these rows add up to more "
        "than the hours booked.",
        labels=areas,
        series=[Series("Given", [given[a] for a in areas]), Series("Received", [received[a] for a in areas])],
        unit="hours",
        horizontal=True,
        label_heading="Service area",
    )


def council_utilisation(*, council_id: int, period: Period) -> Chart:
    """Each of the council's approved specialists: hours booked in the period's weeks so far, against the
    hours their permission allows (weekly cap × the period's weeks up to this one)."""
    today = period.today
    weeks = sum(
        1
        for d in range((min(period.end, today + timedelta(days=1)) - period.start).days)
        if (period.start + timedelta(days=d)).weekday() == 0
    )
    profiles = list(
        SpecialistProfile.objects.filter(
            council_id=council_id, status=ProfileStatus.APPROVED, weekly_cap__isnull=False, user__is_active=True
        )
        .annotate(
            booked=Coalesce(
                Sum(
                    "bookings__weeks__hours",
                    filter=Q(
                        bookings__weeks__status=WeekStatus.BOOKED,
                        bookings__weeks__week_start__gte=period.start,
                        bookings__weeks__week_start__lte=today,
                    ),
                ),
                HOURS_ZERO,
            )
        )
        .values("user__full_name", "weekly_cap", "booked")
        .order_by("user__full_name")
    )
    share = [
        (p["user__full_name"], round(100 * p["booked"] / (p["weekly_cap"] * weeks)) if weeks and p["weekly_cap"] else 0)
        for p in profiles
    ]
    return Chart(
        slug="utilisation",
        title="Each specialist’s booked hours against their permitted hours",
        summary=f"Over the {weeks} weeks of the period so far: hours booked as a share of each specialist’s weekly "
        "cap (the hours their line manager allows) times those weeks.",
        labels=[name for name, _s in share],
        series=[Series("Booked", [s for _n, s in share])],
        unit="%",
        horizontal=True,
        label_heading="Specialist",
    )


def council_money(*, council_id: int, period: Period, slug="money-in-out", title="Money in and out, by month") -> Chart:
    invoices = (
        Invoice.objects.filter(issue_date__gte=period.start, issue_date__lt=period.end)
        .annotate(month=TruncMonth("issue_date"))
        .values("month")
    )
    income = period.by_month(invoices.filter(supplier_id=council_id).annotate(total=Sum("gross")))
    spend = period.by_month(invoices.filter(customer_id=council_id).annotate(total=Sum("gross")))
    return Chart(
        slug=slug,
        title=title,
        summary=f"Invoiced to other councils (receivable): {_pounds(sum(income, ZERO))}; invoiced by them (payable): "
        f"{_pounds(sum(spend, ZERO))}, by the month invoices were issued, gross, before credits and payments.",
        labels=period.labels(),
        axis=period.axis(),
        series=[Series("Receivable (money in)", income), Series("Payable (money out)", spend)],
        unit="£",
    )


# --- one council's money (its finance officers) ------------------------------------------------------

BUCKETS = [("0 to 30 days", 0, 30), ("31 to 60 days", 31, 60), ("61 to 90 days", 61, 90), ("Over 90 days", 91, None)]


def ageing(*, council_id: int, today: date) -> tuple[Chart, list[dict]]:
    """What is still outstanding (gross less payments and credits), by days since the invoice was issued,
    owed to the council and owed by it; and the invoices in each bucket."""
    rows = [
        i
        for i in invoices_with_balance()
        .filter(Q(supplier_id=council_id) | Q(customer_id=council_id))
        .exclude(status=InvoiceStatus.PAID)  # paid in full: nothing outstanding, so not read at all
        .order_by("issue_date", "number")
        if i.outstanding > 0
    ]
    owed_to, owed_by = [ZERO] * len(BUCKETS), [ZERO] * len(BUCKETS)
    groups: list[dict] = [{"name": name, "invoices": []} for name, _lo, _hi in BUCKETS]
    for invoice in rows:
        days = (today - invoice.issue_date).days
        k = (
            next(i for i, (_n, lo, hi) in enumerate(BUCKETS) if days >= lo and (hi is None or days <= hi))
            if days >= 0
            else 0
        )
        receivable = invoice.supplier_id == council_id
        (owed_to if receivable else owed_by)[k] += invoice.outstanding
        groups[k]["invoices"].append(
            {
                "number": invoice.number,
                "url": reverse("payments:invoice", args=[invoice.number]),
                "other": (invoice.customer if receivable else invoice.supplier).short_name,
                "direction": "Receivable" if receivable else "Payable",
                "outstanding": invoice.outstanding,
                "days": days,
            }
        )
    chart = Chart(
        slug="ageing",
        title="What is outstanding, by age",
        summary=f"Receivable (owed to this council): {_pounds(sum(owed_to, ZERO))}; payable (owed by it): "
        f"{_pounds(sum(owed_by, ZERO))}; by days since each invoice was issued. The invoices are listed below.",
        labels=[name for name, _lo, _hi in BUCKETS],
        series=[Series("Receivable", owed_to), Series("Payable", owed_by)],
        unit="£",
        label_heading="Age",
        links=[f"#bucket-{i}" for i in range(len(BUCKETS))],
    )
    return chart, groups


# --- each page's figures ----------------------------------------------------------------------------------


def platform_figures(*, period: Period, nation: str) -> dict:
    money, transfers = settled_money(period=period)
    conversion, declines = booking_conversion(period=period, nation=nation)
    return {
        "charts": [
            councils_activated(period=period, nation=nation),
            councils_by_state_over_time(period=period, nation=nation),
            councils_by_state(nation=nation),
            specialists_by_region(nation=nation),
            specialists_by_service_area(nation=nation),
            hours_booked(period=period, nation=nation),
            money,
            transfers,
            conversion,
            declines,
            *unmet_demand(period=period, nation=nation),
        ]
    }


def council_figures(*, council_id: int, period: Period) -> dict:
    return {
        "charts": [
            council_hours(council_id=council_id, period=period),
            council_hours_by_service_area(council_id=council_id, period=period),
            council_utilisation(council_id=council_id, period=period),
            council_money(council_id=council_id, period=period),
        ]
    }


def finance_figures(*, council_id: int, period: Period) -> dict:
    chart, buckets = ageing(council_id=council_id, today=period.today)
    money = council_money(
        council_id=council_id, period=period, slug="receivable-payable", title="Receivable and payable, by month"
    )
    return {"charts": [money, chart], "buckets": buckets}
