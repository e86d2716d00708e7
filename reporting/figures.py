"""What a figure is, whichever way it is shown: the page, the CSV downloads and the API read these.

A figure is a table: rows (a source, an age band, a partner...) by the three periods compared (this
period, the one before, a year earlier). Each cell knows the counts it rests on, so that a download can
withhold numbers under 5, and anything worked out from them, without the page having to know how.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from . import rules

COUNT = "count"
PERCENT = "percent"
PER_1000 = "per_1000"
HOURS = "hours"
RELATIVE_RATE = "relative_rate"


@dataclass(frozen=True)
class Cell:
    """One number for one period. `num`/`den` are the counts a rate rests on; `ref_num`/`ref_den` the comparator's."""

    count: int | None = None
    num: int | None = None
    den: int | None = None
    value: float | None = None
    low: float | None = None
    high: float | None = None
    ref_num: int | None = None
    ref_den: int | None = None

    @property
    def rate(self):
        return rules.share(self.num or 0, self.den or 0)


def count(n) -> Cell:
    return Cell(count=int(n or 0))


def percent(num, den) -> Cell:
    num, den = int(num or 0), int(den or 0)
    return Cell(num=num, den=den, value=rules.share(num, den))


def hours(value, basis) -> Cell:
    return Cell(value=None if value is None else float(value), num=int(basis or 0))


def relative(a, n1, c, n2) -> Cell:
    """A group's a events in n1 against the comparator's c in n2: the relative rate and its 95% interval."""
    a, n1, c, n2 = (int(x or 0) for x in (a, n1, c, n2))
    rr = rules.relative_rate(a, n1, c, n2)
    return Cell(num=a, den=n1, ref_num=c, ref_den=n2, value=rr.rate if rr else None,
                low=rr.low if rr else None, high=rr.high if rr else None)


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    kind: str
    cells: dict[str, Cell]
    rate_kind: str = PERCENT  # how a relative-rate row shows the group's own rate

    def cell(self, period_key):
        return self.cells.get(period_key, Cell())


@dataclass(frozen=True)
class Figure:
    slug: str
    title: str
    rows: list[Row]
    note: str = ""
    chart: str = ""  # the chart to draw beside the table, if a picture reads faster
    series: list = field(default_factory=list)  # (first day of a month, count): a trend, instead of rows


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    figures: list[Figure]
    intro: str = ""


SECTIONS = {
    "referrals": "Referrals",
    "triage": "Triage",
    "interventions": "Interventions",
    "diversion": "Outcome 22 and Checkpoint",
    "re-referrals": "Re-referral within 12 months",
    "disproportionality": "Disproportionality",
}


# --- CSV ------------------------------------------------------------------------------------------

CSV_HEADER = ["section", "figure", "category", "measure", "period", "from", "to", "value", "numerator", "denominator",
              "ci_low", "ci_high", "comparator_numerator", "comparator_denominator"]

MEASURES = {COUNT: "count", PERCENT: "percentage", PER_1000: "rate per 1,000", HOURS: "hours",
            RELATIVE_RATE: "relative rate"}


def _round(value, places=2):
    return "" if value is None else round(value, places)


def csv_rows(section: Section, periods: dict):
    """The section as CSV rows, numbers from 1 to 4 (and what is worked out from them) written "<5"."""
    small, hide = rules.is_small, rules.suppressed
    for figure in section.figures:
        for month, n in figure.series:
            last = (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
            yield [section.title, figure.title, f"{month:%B %Y}", MEASURES[COUNT], "Month", month.isoformat(),
                   last.isoformat(), hide(n), "", "", "", "", "", ""]
        for row in figure.rows:
            for key in rules.PERIOD_KEYS:
                c = row.cell(key)
                period = periods[key]
                values = {"numerator": "", "denominator": "", "ci_low": "", "ci_high": "", "comparator_numerator": "",
                          "comparator_denominator": ""}
                if row.kind == COUNT:
                    values["value"] = hide(c.count)
                elif row.kind == HOURS:
                    values["value"] = rules.SUPPRESSED if small(c.num) else _round(c.value, 1)
                    values["numerator"] = hide(c.num)
                else:
                    withheld = small(c.num) or small(c.den) or small(c.ref_num) or small(c.ref_den)
                    values["numerator"], values["denominator"] = hide(c.num), hide(c.den)
                    if row.kind == RELATIVE_RATE:
                        values["comparator_numerator"], values["comparator_denominator"] = hide(c.ref_num), hide(c.ref_den)
                        values["value"] = rules.SUPPRESSED if withheld else _round(c.value, 3)
                        values["ci_low"] = rules.SUPPRESSED if withheld and c.low is not None else _round(c.low, 3)
                        values["ci_high"] = rules.SUPPRESSED if withheld and c.high is not None else _round(c.high, 3)
                    else:
                        scale = 1000 if row.kind == PER_1000 else 100
                        value = None if c.value is None else c.value * scale
                        values["value"] = rules.SUPPRESSED if withheld else _round(value, 2)
                yield [section.title, figure.title, row.label, MEASURES[row.kind], rules.PERIOD_LABELS[key],
                       period.start.isoformat(), period.last_day.isoformat(), values["value"], values["numerator"],
                       values["denominator"], values["ci_low"], values["ci_high"], values["comparator_numerator"],
                       values["comparator_denominator"]]
