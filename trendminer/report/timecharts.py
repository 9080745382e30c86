"""Inline SVG charts that carry time (issue 13): daily columns, weekly small multiples,
topics over time and a weekly sparkline, each with dated axes and a stated scale.

Same rules as :mod:`trendminer.report.charts`: every text is escaped with ``_e``, every chart
is ``role="img"`` with a ``<title>`` and a ``<desc>`` listing its data, Okabe-Ito colours.
Dates on axes are written "12 Oct" in English whatever the locale. Weeks without data
coverage are ``None`` and are never drawn as zero.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date

import pandas as pd
from markupsafe import Markup

from .charts import BLUE, GREEN, INK, NARROW, VERMILION, _clip, _e, fit

MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
#: light grid lines and the mark lines' colour
GRID, MARK = "#d9d9d9", INK
_FONT = 'font-family="system-ui, sans-serif"'


def day_label(day: object, year: bool = False) -> str:
    """A date as people write it on an axis, in English whatever the locale.

    Examples
    --------
    >>> day_label(pd.Timestamp("2026-10-05")), day_label(date(2026, 10, 12), year=True)
    ('5 Oct', '12 Oct 2026')
    """
    d = pd.Timestamp(day)
    return f"{d.day} {MONTHS[d.month - 1]}" + (f" {d.year}" if year else "")


def nice_ticks(top: float) -> list[int]:
    """3–5 integer ticks from 0 that cover ``top``, in steps of 1, 2 or 5 times a power of ten.

    Examples
    --------
    >>> nice_ticks(0), nice_ticks(3), nice_ticks(7), nice_ticks(60), nice_ticks(90)
    ([0, 1, 2], [0, 1, 2, 3], [0, 2, 4, 6, 8], [0, 20, 40, 60], [0, 50, 100])
    """
    top = max(float(top), 1.0)
    power = 1
    while True:
        for m in (1, 2, 5):
            step = m * power
            k = math.ceil(top / step - 1e-9)
            if k <= 4:
                return [i * step for i in range(max(k, 2) + 1)]
        power *= 10


def _svg(cls: str, width: int, height: int, title: str, desc: str) -> str:
    return (f'<svg class="{cls}" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
            f'{_FONT}><title>{_e(title)}</title><desc>{_e(desc)}</desc>')


def _text(x: float, y: float, text: str, *, size: int = 11, anchor: str = "start", weight: str = "",
          halo: bool = False, fill: str = INK) -> str:
    w = f' font-weight="{weight}"' if weight else ""
    h = ' stroke="#fff" stroke-width="3" paint-order="stroke"' if halo else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}" font-size="{size}"{w}{h}>'
            f"{_e(text)}</text>")


def _check_lengths(what: str, n: int, **others: Sequence[object] | None) -> None:
    for name, seq in others.items():
        if seq is not None and len(seq) != n:
            raise ValueError(f"{what}: {name} has {len(seq)} values but there are {n} dates")


def daily_chart(days: Sequence[pd.Timestamp | date], counts: Sequence[int], title: str, *,
                expected: Sequence[float] | None = None, marks: Sequence[tuple[date, str]] = (),
                unit: str = "tickets per day", width: int = 640, height: int = 180) -> Markup:
    """Daily columns with a date axis, a count axis, the expected line and marked days.

    Parameters
    ----------
    days, counts : sequences of equal length
        Consecutive days (oldest first) and the tickets opened on each.
    title : str
        The chart's accessible name.
    expected : sequence of float, optional
        The count expected on each day (e.g. the mean of the same weekday in the baseline),
        drawn as a dashed line.
    marks : sequence of (date, label)
        Days to mark with a vertical line and a short label ("spike since 28 Oct").
    unit : str
        What the y axis counts.

    Returns
    -------
    Markup
        Two layouts (:func:`~trendminer.report.charts.fit`), each an ``<svg role="img">`` whose
        ``<desc>`` lists every day's count (and expectation); the narrow one, for phones, puts the
        legend on its own line and labels every other week.

    Examples
    --------
    >>> days = pd.date_range("2026-10-05", periods=14)
    >>> svg = str(daily_chart(days, [2] * 10 + [9, 12, 6, 3], "VPN <daily>"))
    >>> "VPN &lt;daily&gt;" in svg, ">5 Oct<" in svg, ">12 Oct<" in svg, ">tickets per day<" in svg
    (True, True, True, True)
    """
    _check_lengths("daily_chart", len(days), counts=counts, expected=expected)
    if not len(days):
        return Markup("")
    days = [pd.Timestamp(d).normalize() for d in days]
    return fit(_daily(days, counts, title, expected, marks, unit, width, height, narrow=False),
               _daily(days, counts, title, expected, marks, unit, NARROW, height + 14, narrow=True))


def _daily(days: list[pd.Timestamp], counts: Sequence[int], title: str, expected: Sequence[float] | None,
           marks: Sequence[tuple[date, str]], unit: str, width: int, height: int, *, narrow: bool) -> str:
    """One layout of :func:`daily_chart` (``narrow``: legend on a second line, fewer date labels)."""
    n = len(days)
    left, right, top_m, bottom = 40, 8, 36 if narrow else 22, 24
    plot_w, plot_h = width - left - right, height - top_m - bottom
    ticks = nice_ticks(max(max(counts), max(expected) if expected is not None else 0))
    ymax = ticks[-1]
    band = plot_w / n

    def y(v: float) -> float:
        return top_m + plot_h * (1 - v / ymax)

    desc = "; ".join(f"{day_label(d)}: {int(c)}" + (f" (expected {e:.1f})" if expected is not None else "")
                     for d, c, e in zip(days, counts, expected if expected is not None else counts))
    desc = (f"{unit.capitalize()}, {day_label(days[0], True)} to {day_label(days[-1], True)}. {desc}."
            + "".join(f" Marked: {label} ({day_label(d)})." for d, label in marks))
    out = [_svg("chart daily", width, height, title, desc), _text(4, 12, unit, size=12)]
    for t in ticks:
        out.append(f'<line x1="{left}" y1="{y(t):.1f}" x2="{width - right}" y2="{y(t):.1f}" stroke="{GRID}"/>'
                   + _text(left - 4, y(t) + 4, str(t), size=12, anchor="end"))
    for i, (d, c) in enumerate(zip(days, counts)):
        h = plot_h * c / ymax
        out.append(f'<rect x="{left + i * band + band * 0.1:.1f}" y="{y(c):.1f}" width="{band * 0.8:.1f}" '
                   f'height="{h:.1f}" fill="{BLUE}"><title>{_e(day_label(d))}: {int(c)}</title></rect>')
    week_starts = [i for i, d in enumerate(days) if d.weekday() == 0] or [0]
    every = 1 if len(week_starts) <= (4 if narrow else 8) else 2
    for i in week_starts[::every]:
        x = left + i * band
        out.append(f'<line x1="{x:.1f}" y1="{top_m + plot_h}" x2="{x:.1f}" y2="{top_m + plot_h + 4}" '
                   f'stroke="{INK}"/>' + _text(x, height - 8, day_label(days[i]), size=12,
                                               anchor="start" if not i else "end" if x > width - 30 else "middle"))
    out.append(f'<line x1="{left}" y1="{top_m + plot_h}" x2="{width - right}" y2="{top_m + plot_h}" stroke="{INK}"/>')
    if expected is not None:
        pts = " ".join(f"{left + (i + 0.5) * band:.1f},{y(e):.1f}" for i, e in enumerate(expected))
        out.append(f'<polyline fill="none" stroke="{VERMILION}" stroke-width="2" stroke-dasharray="5 3" '
                   f'points="{pts}"/>')
        lx, ly = (4, 26) if narrow else (max(left + 120, 16 + 7 * len(unit)), 12)  # below or right of the unit
        out.append(f'<line x1="{lx}" y1="{ly - 4}" x2="{lx + 22}" y2="{ly - 4}" stroke="{VERMILION}" stroke-width="2" '
                   f'stroke-dasharray="5 3"/>' + _text(lx + 26, ly, "expected (usual for the weekday)", size=12))
    index = {d: i for i, d in enumerate(days)}
    for k, (d, label) in enumerate(marks):
        i = index.get(pd.Timestamp(d).normalize())
        if i is None:
            continue
        x = left + i * band
        anchor = "end" if x > left + plot_w * 0.7 else "start"
        out.append(f'<line x1="{x:.1f}" y1="{top_m - 4}" x2="{x:.1f}" y2="{top_m + plot_h}" stroke="{MARK}" '
                   f'stroke-width="1.5" stroke-dasharray="3 2"/>'
                   + _text(x + (-3 if anchor == "end" else 3), top_m + 8 + 12 * k, _clip(label, 24 if narrow else 32),
                           anchor=anchor, halo=True))
    out.append("</svg>")
    return "".join(out)


def _week_of(day: object, week_starts: Sequence[pd.Timestamp]) -> int | None:
    d = pd.Timestamp(day).normalize()
    for i, w in enumerate(week_starts):
        if w <= d < w + pd.Timedelta(days=7):
            return i
    return None


def _weekly_desc(values: Sequence[int | None], week_starts: Sequence[pd.Timestamp]) -> str:
    have = [(w, v) for w, v in zip(week_starts, values) if v is not None]
    lead = next((i for i, v in enumerate(values) if v is not None), len(values))
    text = "; ".join(f"week of {day_label(w)}: {int(v)}" for w, v in have)
    return (f"no data before {day_label(have[0][0], True)}; " if lead and have else "") + (text or "no data")


def _panel(name: str, values: Sequence[int | None], week_starts: Sequence[pd.Timestamp], top: float,
           mark: tuple[date, str] | None, colour: str, width: int, height: int) -> str:
    """One small multiple: bars per week on the scale ``0..top``; ``None`` weeks are not drawn."""
    left, right, top_m, bottom = 26, 6, 22, 16
    plot_w, plot_h = width - left - right, height - top_m - bottom
    band = plot_w / len(week_starts)
    base = top_m + plot_h
    desc = (f"Tickets per week, scale 0 to {top:g}: " + _weekly_desc(values, week_starts)
            + (f"; marked: {mark[1]} (week of {day_label(week_starts[_week_of(mark[0], week_starts)])})"
               if mark and _week_of(mark[0], week_starts) is not None else ""))
    out = [_svg("panel", width, height, f"{name}: tickets per week", desc),
           _text(0, 13, _clip(name, int(width / 7.5)), size=12, weight="700"),
           f'<line x1="{left}" y1="{top_m}" x2="{width - right}" y2="{top_m}" stroke="{GRID}"/>',
           _text(left - 3, top_m + 4, f"{top:g}", size=10, anchor="end"), _text(left - 3, base, "0", size=10, anchor="end")]
    first = next((i for i, v in enumerate(values) if v is not None), len(values))
    for i, v in enumerate(values):
        if v is None:
            continue
        h = plot_h * v / top if top else 0.0
        out.append(f'<rect x="{left + i * band + band * 0.12:.1f}" y="{base - h:.1f}" width="{band * 0.76:.1f}" '
                   f'height="{h:.1f}" fill="{colour}"><title>week of {_e(day_label(week_starts[i]))}: {int(v)}'
                   "</title></rect>")
    if first < len(values):
        out.append(f'<line x1="{left + first * band:.1f}" y1="{base}" x2="{width - right}" y2="{base}" stroke="{INK}"/>')
    if first * band >= 40:
        out.append(_text(left + first * band / 2, base - 4, "no data", size=10, anchor="middle", fill="#555"))
    out += [_text(left, height - 3, day_label(week_starts[0]), size=10),
            _text(width - right, height - 3, day_label(week_starts[-1]), size=10, anchor="end")]
    if mark and (i := _week_of(mark[0], week_starts)) is not None:
        x = left + i * band
        out.append(f'<line x1="{x:.1f}" y1="{top_m - 2}" x2="{x:.1f}" y2="{base}" stroke="{MARK}" '
                   f'stroke-width="1.5" stroke-dasharray="3 2"/>'
                   + _text(x + (-2 if i > len(values) * 0.6 else 2), top_m + 9, _clip(mark[1], 16), size=10,
                           anchor="end" if i > len(values) * 0.6 else "start", halo=True))
    out.append("</svg>")
    return "".join(out)


def weekly_multiples(series: Mapping[str, Sequence[int | None]], week_starts: Sequence[pd.Timestamp | date],
                     title: str, *, marks: Mapping[str, date | tuple[date, str]] | None = None,
                     shared_scale: bool = True, colour: str = BLUE, panel_width: int = 190,
                     panel_height: int = 100, unit: str = "tickets per week") -> Markup:
    """Small multiples: one panel of weekly bars per series, on one shared scale by default.

    The panels are separate ``<svg role="img">`` in a ``<figure>`` whose caption states the
    title, the weeks and the scale, so they wrap onto more rows on a narrow screen.

    Parameters
    ----------
    series : mapping of name to weekly counts
        One value per week of ``week_starts``, in panel order. ``None`` is a week without data
        coverage (before the data starts): no bar is drawn for it, and it is not a zero.
    week_starts : sequence of dates
        The first day of each week, oldest first.
    title : str
        The caption of the figure.
    marks : mapping of name to date or (date, label), optional
        Per series, a day whose week gets a dashed line (default label "change").
    shared_scale : bool
        True: every panel is drawn on ``0..max`` of all series, so a system with 3 tickets a
        week does not look as dramatic as one with 60. False: each panel on its own maximum.

    Returns
    -------
    Markup
        ``<figure class="multiples">`` holding one ``<svg>`` per series.

    Examples
    --------
    >>> weeks = pd.date_range("2026-09-07", periods=4, freq="7D")
    >>> svg = str(weekly_multiples({"A": [None, 1, 3, 2], "B": [50, 60, 55, 58]}, weeks, "Weekly"))
    >>> svg.count('role="img"'), svg.count("<rect"), ">7 Sep<" in svg, ">28 Sep<" in svg
    (2, 7, True, True)
    """
    weeks = [pd.Timestamp(w).normalize() for w in week_starts]
    for name, values in series.items():
        _check_lengths(f"weekly_multiples[{name}]", len(weeks), values=values)
    if not series or not weeks:
        return Markup("")
    marks = {k: (v if isinstance(v, tuple) else (v, "change")) for k, v in (marks or {}).items()}
    peak = {k: max([v for v in vals if v is not None], default=0) for k, vals in series.items()}
    shared = max(max(peak.values()), 1)
    caption = (f"{title} — {unit}, weeks of {day_label(weeks[0], True)} to {day_label(weeks[-1], True)}; "
               + (f"all panels share one scale, 0 to {shared:g}." if shared_scale
                  else "each panel has its own scale (see its top value)."))
    panels = [_panel(name, vals, weeks, shared if shared_scale else max(peak[name], 1), marks.get(name), colour,
                     panel_width, panel_height) for name, vals in series.items()]
    return Markup(f'<figure class="multiples"><figcaption>{_e(caption)}</figcaption>{"".join(panels)}</figure>')


def topics_over_time(series: Mapping[str, Sequence[int | None]], week_starts: Sequence[pd.Timestamp | date],
                     title: str, *, max_series: int = 8) -> Markup:
    """The biggest topics' weekly counts as small multiples on one shared scale.

    Takes the first ``max_series`` entries of ``series`` (pass them biggest first); the
    caption says how many were left out. Each panel is named by its topic in full in its
    ``<title>`` (cut to fit the panel on screen).

    Examples
    --------
    >>> weeks = pd.date_range("2026-09-07", periods=3, freq="7D")
    >>> svg = str(topics_over_time({f"t{i}": [i, i, i] for i in range(10)}, weeks, "Topics"))
    >>> svg.count('role="img"'), "2 smaller topics not shown" in svg
    (8, True)
    """
    shown = dict(list(series.items())[:max_series])
    rest = len(series) - len(shown)
    more = f" ({rest} smaller topic{'s' if rest != 1 else ''} not shown)" if rest > 0 else ""
    return weekly_multiples(shown, week_starts, title + more, colour=GREEN)


def weekly_sparkline(values: Sequence[int | None], week_starts: Sequence[pd.Timestamp | date], title: str, *,
                     width: int = 220, height: int = 40) -> Markup:
    """A weekly line with its maximum and its first and last week written beside it.

    ``None`` values (weeks before the data starts) are left out, not drawn as zero.

    Examples
    --------
    >>> weeks = pd.date_range("2026-09-07", periods=3, freq="7D")
    >>> svg = str(weekly_sparkline([None, 4, 12], weeks, "SAP <ERP>"))
    >>> "SAP &lt;ERP&gt;" in svg, ">max 12<" in svg, ">7 Sep<" in svg, ">21 Sep<" in svg, svg.count(" L")
    (True, True, True, True, 1)
    """
    weeks = [pd.Timestamp(w).normalize() for w in week_starts]
    _check_lengths("weekly_sparkline", len(weeks), values=values)
    if not weeks:
        return Markup("")
    plot_w, plot_h, top_m = width - 56, height - 16, 3
    top = max(max([v for v in values if v is not None], default=0), 1)
    step = plot_w / max(len(weeks) - 1, 1)
    path, pen = [], "M"
    for i, v in enumerate(values):
        if v is None:
            pen = "M"
            continue
        path.append(f"{pen}{i * step:.1f} {top_m + plot_h * (1 - v / top):.1f}")
        pen = " L"
    desc = f"Tickets per week, maximum {top:g}: " + _weekly_desc(values, weeks)
    return Markup(_svg("spark", width, height, title, desc)
                  + f'<path fill="none" stroke="{BLUE}" stroke-width="1.5" d="{"".join(path)}"/>'
                  + f'<line x1="0" y1="{top_m + plot_h}" x2="{plot_w}" y2="{top_m + plot_h}" stroke="{GRID}"/>'
                  + _text(plot_w + 4, top_m + 9, f"max {top:g}", size=10)
                  + _text(0, height - 2, day_label(weeks[0]), size=10)
                  + _text(plot_w, height - 2, day_label(weeks[-1]), size=10, anchor="end") + "</svg>")
