"""Inline SVG for the desk mirror: a weekly line of one measure with its axes and its target.

Same rules as :mod:`trendminer.report.timecharts`: escaped text, ``role="img"`` with a
``<title>`` and a ``<desc>`` listing the data, dated axes; weeks without a value are gaps, not zeros.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import pandas as pd
from markupsafe import Markup

from .charts import BLUE, INK, VERMILION, _e
from .timecharts import GRID, _svg, _text, day_label, nice_ticks


def _ticks(top: float, share: bool) -> list[float]:
    """0..100% in quarters for shares (up to 50% and less: percent steps), else :func:`nice_ticks`.

    Examples
    --------
    >>> _ticks(0.08, True), _ticks(0.9, True)[-1], _ticks(130, False)
    ([0.0, 0.02, 0.04, 0.06, 0.08], 1.0, [0.0, 50.0, 100.0, 150.0])
    """
    if share:   # 0-100%, or a closer scale for small shares (a 5% reopen rate is not a flat line)
        if top > 0.5:
            return [0.0, 0.25, 0.5, 0.75, 1.0]
        return [t / 100 for t in nice_ticks(math.ceil(max(top, 0.01) * 100))]
    return [float(t) for t in nice_ticks(math.ceil(top) if math.isfinite(top) else 1)]


def weekly_line(week_starts: Sequence[pd.Timestamp], values: Sequence[float | None], title: str, *,
                fmt: Callable[[float], str], share: bool, target: float | None = None,
                width: int = 330, height: int = 150) -> Markup:
    """One measure per week as a line with a value axis, a date axis and a dashed target line.

    Parameters
    ----------
    week_starts : sequence of Timestamp
        First day of each week, oldest first.
    values : sequence of float or None
        One value per week; None or NaN is a week without tickets for the measure (a gap).
    title : str
        The chart's accessible name.
    fmt : callable
        Formats a value for the axis and the description ("93%", "22 h").
    share : bool
        A value between 0 and 1 (a share or a score): the axis runs 0-1 (closer for small values).
    target : float, optional
        Drawn as a dashed vermilion line and named in the description.

    Examples
    --------
    >>> weeks = pd.date_range("2026-09-06", periods=3, freq="7D")
    >>> svg = str(weekly_line(weeks, [0.9, None, 0.8], "SLA <met>", fmt="{:.0%}".format, share=True, target=0.95))
    >>> "SLA &lt;met&gt;" in svg, "week of 13 Sep: no tickets" in svg, "target 95%" in svg, svg.count("<circle")
    (True, True, True, 2)
    """
    weeks = [pd.Timestamp(w) for w in week_starts]
    vals = [None if v is None or not math.isfinite(float(v)) else float(v) for v in values]
    if len(vals) != len(weeks):
        raise ValueError(f"weekly_line: {len(vals)} values but {len(weeks)} weeks")
    if not weeks:
        return Markup("")
    have = [v for v in vals if v is not None]
    top_value = max(have + ([target] if target is not None else []), default=1.0)
    ticks = _ticks(top_value, share)
    top = ticks[-1] or 1.0
    left, right, top_m, bottom = 42, 10, 10, 20
    plot_w, plot_h = width - left - right, height - top_m - bottom
    step = plot_w / max(len(weeks) - 1, 1)

    def y(v: float) -> float:
        return top_m + plot_h * (1 - min(v, top) / top)

    desc = "; ".join(f"week of {day_label(w)}: " + (fmt(v) if v is not None else "no tickets")
                     for w, v in zip(weeks, vals))
    if target is not None:
        desc += f"; target {fmt(target)}"
    out = [_svg("deskline", width, height, title, desc)]
    for t in ticks:
        out.append(f'<line x1="{left}" y1="{y(t):.1f}" x2="{width - right}" y2="{y(t):.1f}" stroke="{GRID}"/>')
        out.append(_text(left - 4, y(t) + 4, fmt(t), size=10, anchor="end"))
    out.append(f'<line x1="{left}" y1="{top_m + plot_h}" x2="{width - right}" y2="{top_m + plot_h}" stroke="{INK}"/>')
    if target is not None:
        out.append(f'<line x1="{left}" y1="{y(target):.1f}" x2="{width - right}" y2="{y(target):.1f}" '
                   f'stroke="{VERMILION}" stroke-width="1.5" stroke-dasharray="5 3"/>')
    path, pen = [], "M"
    for i, v in enumerate(vals):
        if v is None:
            pen = "M"
            continue
        path.append(f"{pen}{left + i * step:.1f} {y(v):.1f}")
        pen = " L"
    out.append(f'<path fill="none" stroke="{BLUE}" stroke-width="2" d="{"".join(path)}"/>')
    for i, v in enumerate(vals):
        if v is not None:
            out.append(f'<circle cx="{left + i * step:.1f}" cy="{y(v):.1f}" r="2.5" fill="{BLUE}">'
                       f"<title>week of {_e(day_label(weeks[i]))}: {_e(fmt(v))}</title></circle>")
    out += [_text(left, height - 4, day_label(weeks[0]), size=10),
            _text(width - right, height - 4, day_label(weeks[-1]), size=10, anchor="end"),
            "</svg>"]
    return Markup("".join(out))
