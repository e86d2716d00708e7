"""How a figure's cell reads on the page (the CSV writes the numbers plain, see reporting.figures)."""

from django import template
from django.utils.formats import number_format

from reporting import figures as f
from reporting import rules

register = template.Library()

NONE = "–"


def _n(value):
    return number_format(value, force_grouping=True)


def _rate(cell, kind):
    if not cell.den:
        return NONE
    if kind == f.PER_1000:
        return f"{1000 * cell.num / cell.den:.2f} per 1,000 ({_n(cell.num)} of {_n(cell.den)})"
    return f"{100 * cell.num / cell.den:.0f}% ({_n(cell.num)} of {_n(cell.den)})"


@register.simple_tag
def cell_text(row, key):
    """A cell as words: '12', '75% (9 of 12)', '13.5 hours', '1.85 (1.42 to 2.41)'."""
    cell = row.cell(key)
    if row.kind == f.COUNT:
        return _n(cell.count or 0)
    if row.kind == f.PERCENT:
        return _rate(cell, f.PERCENT)
    if row.kind == f.HOURS:
        return NONE if cell.value is None else f"{cell.value:.1f}"
    if row.kind == f.RELATIVE_RATE:
        if row.key == rules.COMPARATOR:
            return "1 (comparator)" if cell.den else NONE
        if cell.value is None:
            return NONE
        return f"{cell.value:.2f} ({cell.low:.2f} to {cell.high:.2f})"
    return NONE  # pragma: no cover - every kind is above


@register.simple_tag
def group_rate(row, key):
    """The group's own rate in a relative-rate row."""
    return _rate(row.cell(key), row.rate_kind)


@register.filter
def chart_for(charts, key):
    return charts.get(key)
