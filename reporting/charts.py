"""Geometry for the figures' charts, drawn as SVG by Django templates (no script, no inline style).

Each function returns plain numbers for a template to place: the page works without JavaScript and the
Content Security Policy stays strict. Every chart has a table beside it with the same numbers.
"""

from __future__ import annotations

import math

WIDTH = 720


def nice_ceiling(value: float) -> float:
    """A round number at or above `value` for the top of an axis: 1, 2, 2.5 or 5 times a power of ten."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


def columns(points: list[tuple[str, int]], *, height=260, label_every=None) -> dict:
    """Vertical bars, one per point (a month), with a y axis of 5 ticks and a label under some bars."""
    left, right, top, bottom = 48, 8, 12, 36
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    top_value = nice_ceiling(max((v for _, v in points), default=0))
    n = max(len(points), 1)
    slot = plot_w / n
    every = label_every or max(1, math.ceil(n / 9))
    bars = []
    for i, (label, value) in enumerate(points):
        h = plot_h * value / top_value
        bars.append({
            "x": round(left + i * slot + slot * 0.15, 1), "y": round(top + plot_h - h, 1),
            "width": round(slot * 0.7, 1), "height": round(h, 1), "label": label, "value": value,
            "label_x": round(left + i * slot + slot / 2, 1), "show_label": i % every == 0,
        })
    ticks = []
    for t in range(5):
        value = top_value * t / 4
        ticks.append({"y": round(top + plot_h - plot_h * t / 4, 1),
                      "label": f"{value:g}" if value != int(value) else f"{int(value)}"})
    return {"width": WIDTH, "height": height, "bars": bars, "ticks": ticks, "left": left, "right": WIDTH - right,
            "baseline": top + plot_h, "label_y": top + plot_h + 20}


def horizontal_bars(points: list[tuple[str, int]], width=460) -> dict:
    """One horizontal bar per point (a band of hours), its label on the left and its value at its end.

    Narrower than the other charts: it sits in half the page, beside its table, and its text must stay legible.
    """
    left, right, row, top = 130, 48, 30, 8
    plot_w = width - left - right
    top_value = max((v for _, v in points), default=0) or 1
    bars = []
    for i, (label, value) in enumerate(points):
        w = plot_w * value / top_value
        y = top + i * row
        bars.append({"y": y, "height": row - 8, "width": round(w, 1), "label": label, "value": value,
                     "text_y": y + (row - 8) / 2 + 5, "value_x": round(left + w + 6, 1)})
    return {"width": width, "height": top + len(points) * row + 4, "left": left, "bars": bars,
            "label_x": left - 8}


def forest(rows: list[tuple[str, float | None, float | None, float | None]]) -> dict:
    """Relative rates with their 95% intervals on a log scale, with the line of no difference at 1.

    `rows`: (label, relative rate, low, high); a row without a rate is listed but not drawn.
    """
    left, right, row, top = 90, 24, 30, 8
    known = [(low, high) for _label, rate, low, high in rows if rate is not None]
    low = min([lo for lo, _ in known] + [0.5])
    high = max([hi for _, hi in known] + [2.0])
    lo_log, hi_log = math.log(low / 1.1), math.log(high * 1.1)
    plot_w = WIDTH - left - right

    def x(value):
        return round(left + plot_w * (math.log(value) - lo_log) / (hi_log - lo_log), 1)

    items = []
    for i, (label, rate, lo, hi) in enumerate(rows):
        y = top + i * row + row / 2
        item = {"label": label, "y": y, "text_y": y + 5, "drawn": rate is not None}
        if rate is not None:
            item.update({"x": x(rate), "x_low": x(lo), "x_high": x(hi)})
        items.append(item)
    bottom = top + len(rows) * row
    ticks = [{"x": x(v), "label": f"{v:g}"} for v in (0.25, 0.5, 1, 2, 4, 8) if low / 1.1 <= v <= high * 1.1]
    return {"width": WIDTH, "height": bottom + 30, "rows": items, "one": x(1), "top": top, "bottom": bottom,
            "ticks": ticks, "tick_y": bottom + 20, "label_x": left - 10}
