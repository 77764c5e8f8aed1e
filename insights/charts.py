"""Charts drawn on the server as SVG from templates (templates/insights/_chart.html), with the numbers
beside them as a table and a CSV.

No charting library: those that render on the server either draw with client-side script for their
labels and tooltips (pygal's SVG embeds JavaScript) or bring a plotting stack tens of megabytes large for
a few bar charts (matplotlib), and neither gives the SVG a title and description for screen readers. A
chart here is its data (labels × series); `Chart.drawing` lays out bars, axis ticks and legend in
viewBox units, and the template only places them."""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

# GOV.UK colours with at least 3:1 contrast on white (WCAG 1.4.11); the legend and table name each series.
COLOURS = ["#1d70b8", "#912b88", "#00703c", "#d4351c", "#505a5f"]

Number = int | Decimal


@dataclass
class Series:
    name: str
    values: Sequence[Number]


@dataclass
class Chart:
    slug: str  # the chart's id on its page and its CSV's name
    title: str
    summary: str  # what it shows, in a sentence or two (the SVG's description too)
    labels: list[str]
    series: list[Series]
    unit: str = ""  # "hours", "£", "%", "" (a count)
    horizontal: bool = False  # bars across (categories with long names) instead of columns (months)
    label_heading: str = "Month"  # the table's first column heading
    links: list[str] = field(default_factory=list)  # per label, a link for the table ("" for none)
    # per label, what the axis shows (a month, and its year under the first month and each January);
    # the labels themselves by default
    axis: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self):
        assert all(len(s.values) == len(self.labels) for s in self.series), "one value per label per series"

    @property
    def empty(self) -> bool:
        return not self.labels or all(v == 0 for s in self.series for v in s.values)

    def formatted(self, value: Number) -> str:
        if self.unit == "£":
            return f"£{value:,.2f}"
        if self.unit == "%":
            return f"{value:,.0f}%"
        if self.unit == "hours":
            text = f"{value:,.1f}".removesuffix(".0")
            return f"{text} hours"
        return f"{value:,}"

    def table_rows(self) -> list[dict]:
        links = self.links or [""] * len(self.labels)
        return [
            {"label": label, "link": links[i], "values": [self.formatted(s.values[i]) for s in self.series]}
            for i, label in enumerate(self.labels)
        ]

    def csv_rows(self) -> list[list]:
        unit = {"£": " (£)", "%": " (%)", "hours": " (hours)"}.get(self.unit, "")
        header = [self.label_heading, *[f"{s.name}{unit}" for s in self.series]]
        return [header, *[[label, *[s.values[i] for s in self.series]] for i, label in enumerate(self.labels)]]

    def drawing(self) -> dict:
        return _horizontal(self) if self.horizontal else _columns(self)


def nice_ticks(largest: Number, *, most: int = 5, whole: bool = False) -> list[Number]:
    """Axis ticks from 0 past `largest` at a round step (1, 2 or 5 × a power of ten; at least 1 when the
    values are `whole` numbers, counts)."""
    top = float(largest)
    if top <= 0:
        return [0, 1]
    raw = max(top / most, 1) if whole else top / most
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    if step >= 1:
        step = int(step)
    count = math.ceil(top / step)
    return [round(i * step, 6) for i in range(count + 1)]


def _short(value: Number, unit: str) -> str:
    """An axis label: 12,000 → 12k; £ and % kept."""
    number = float(value)
    text = (
        f"{number / 1_000_000:g}m"
        if number >= 1_000_000
        else f"{number / 1000:g}k"
        if number >= 10_000
        else f"{number:g}"
    )
    return f"£{text}" if unit == "£" else f"{text}%" if unit == "%" else text


WIDTH = 680


def _columns(chart: Chart) -> dict:
    left, right, top, bottom = 64, 16, 16, 64
    height = 320
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    values = [v for s in chart.series for v in s.values]
    ticks = nice_ticks(max(values, default=0), whole=not chart.unit)
    scale = plot_h / float(ticks[-1] or 1)
    group = plot_w / max(len(chart.labels), 1)
    bar_w = max(min(group * 0.8 / max(len(chart.series), 1), 40), 2)
    bars, labels = [], []
    every = math.ceil(len(chart.labels) / 12)  # at most 12 axis labels; the table has them all
    for i, label in enumerate(chart.labels):
        x0 = left + i * group + (group - bar_w * len(chart.series)) / 2
        for j, series in enumerate(chart.series):
            h = float(series.values[i]) * scale
            bars.append(
                {
                    "x": round(x0 + j * bar_w, 1),
                    "y": round(top + plot_h - h, 1),
                    "w": round(bar_w - 1, 1),
                    "h": round(h, 1),
                    "colour": COLOURS[j % len(COLOURS)],
                    "text": f"{label}, {series.name}: {chart.formatted(series.values[i])}",
                }
            )
        if i % every == 0:
            text, under = chart.axis[i] if chart.axis else (label, "")
            x = round(left + i * group + group / 2, 1)
            labels.append({"x": x, "y": top + plot_h + 18, "text": text, "under": under})
    grid = [{"y": round(top + plot_h - float(t) * scale, 1), "text": _short(t, chart.unit)} for t in ticks]
    return {
        "width": WIDTH,
        "height": height + 24 * _legend_rows(chart),
        "bars": bars,
        "labels": labels,
        "grid": grid,
        "plot": {"left": left, "right": WIDTH - right, "top": top, "bottom": top + plot_h},
        "legend": _legend(chart, y=height - 8),
        "horizontal": False,
    }


def _horizontal(chart: Chart) -> dict:
    left, right, top = 220, 64, 8  # room on the right for the value beside the longest bar
    row = 18 * len(chart.series) + 10
    plot_w = WIDTH - left - right
    plot_h = row * max(len(chart.labels), 1)
    values = [v for s in chart.series for v in s.values]
    ticks = nice_ticks(max(values, default=0), most=4, whole=not chart.unit)
    scale = plot_w / float(ticks[-1] or 1)
    bars, labels = [], []
    for i, label in enumerate(chart.labels):
        y0 = top + i * row + 5
        labels.append({"x": left - 8, "y": round(y0 + 9 * len(chart.series) + 4, 1), "text": _clip(label)})
        for j, series in enumerate(chart.series):
            w = float(series.values[i]) * scale
            bars.append(
                {
                    "x": left,
                    "y": round(y0 + j * 18, 1),
                    "w": round(w, 1),
                    "h": 16,
                    "colour": COLOURS[j % len(COLOURS)],
                    "text": f"{label}, {series.name}: {chart.formatted(series.values[i])}",
                    "value": chart.formatted(series.values[i]),
                    "value_x": round(left + w + 4, 1),
                }
            )
    grid = [{"x": round(left + float(t) * scale, 1), "text": _short(t, chart.unit)} for t in ticks]
    height = top + plot_h + 28
    return {
        "width": WIDTH,
        "height": height + 24 * _legend_rows(chart),
        "bars": bars,
        "labels": labels,
        "grid": grid,
        "plot": {"left": left, "right": WIDTH - right, "top": top, "bottom": top + plot_h},
        "legend": _legend(chart, y=height + 12),
        "horizontal": True,
    }


def _clip(text: str, most: int = 32) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


def _legend_rows(chart: Chart) -> int:
    return 2 if len(chart.series) > 1 else 0


def _legend(chart: Chart, *, y: int) -> list[dict]:
    if len(chart.series) < 2:
        return []
    items, x = [], 64
    for j, series in enumerate(chart.series):
        items.append({"x": x, "y": y + 8, "colour": COLOURS[j % len(COLOURS)], "text": series.name})
        x += 44 + 8 * len(series.name)
    return items
