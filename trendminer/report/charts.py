"""Inline SVG charts. Every text that reaches the SVG is escaped here; the result is
``Markup`` so templates embed it as is. Palette: Okabe-Ito (colour-blind safe).

Each chart is ``role="img"`` with a ``<title>`` (its accessible name) and a ``<desc>``
that lists the data, so a screen reader or a text-only mail client gets the numbers too.
SVG is built from plain strings with :func:`_e` and wrapped in ``Markup`` once at the
end: adding a ``str`` to a ``Markup`` would escape the ``str`` and show raw SVG.
"""
from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

BLUE, ORANGE, GREEN, VERMILION, GREY = "#0072B2", "#E69F00", "#009E73", "#D55E00", "#999999"
#: text colour inside charts (contrast 16:1 on white)
INK = "#1b1b1b"
#: width of a chart's narrow layout: drawn 1:1 (text at its stated size) in a 420 px phone's column
NARROW = 360


def fit(wide: str, narrow: str) -> Markup:
    """Two layouts of one chart; the stylesheet shows the narrow one on screens up to 600 px.

    A chart that only shrank would carry 6 px text on a phone; the narrow layout is drawn
    for the width (fewer date ticks, labels above the bars), so its text keeps its size.

    Examples
    --------
    >>> str(fit("<svg>A</svg>", "<svg>B</svg>")).count("<svg>")
    2
    """
    return Markup(f'<div class="fit"><div class="fit-wide">{wide}</div><div class="fit-narrow">{narrow}</div></div>')


def _e(text: object) -> str:
    """Escape ``text`` for SVG content or a double-quoted attribute, as plain ``str``."""
    return str(escape(str(text)))


def _clip(text: str, n: int) -> str:
    """Cut a label for display (the full text stays in the chart's title and description)."""
    return text if len(text) <= n else text[: n - 1] + "…"


def sparkline(values: Sequence[float], title: str, width: int = 160, height: int = 32) -> Markup:
    """A small line of weekly counts, with a title and text alternative.

    Examples
    --------
    >>> str(sparkline([1, 3], "Weekly <b>")).count("&lt;b&gt;")
    1
    """
    if not values:
        return Markup("")
    top = max(max(values), 1)
    step = width / max(len(values) - 1, 1)
    points = " ".join(f"{i * step:.1f},{height - 2 - (v / top) * (height - 4):.1f}" for i, v in enumerate(values))
    desc = ", ".join(str(int(v)) for v in values)
    return Markup(
        f'<svg class="spark" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
        f"<title>{_e(title)}: {_e(desc)}</title>"
        f'<polyline fill="none" stroke="{BLUE}" stroke-width="1.5" points="{points}"/></svg>')


def bars(labels: Sequence[str], values: Sequence[float], title: str, *, cumulative: bool = False,
         width: int = 640, bar_height: int = 18, label_chars: int = 28) -> Markup:
    """Horizontal bars (largest first), optionally with a cumulative-share line (Pareto).

    The cumulative line uses the bar axis: its right end (the longest bar's end) is 100 %.
    Labels longer than ``label_chars`` are cut on screen; the description has them in full.
    Comes in two layouts (:func:`fit`): labels beside the bars, and on a phone labels above them.

    Examples
    --------
    >>> svg = str(bars(["SAP <ERP>", "Mail"], [30, 10], "Failures"))
    >>> svg.count("<svg"), svg.count("SAP &lt;ERP&gt;: 30")
    (2, 4)
    """
    if not values:
        return Markup("")
    return fit(_bars(labels, values, title, cumulative, width, bar_height, label_chars, above=False),
               _bars(labels, values, title, cumulative, NARROW, bar_height, 44, above=True))


def _bars(labels: Sequence[str], values: Sequence[float], title: str, cumulative: bool, width: int,
          bar_height: int, label_chars: int, *, above: bool) -> str:
    """One layout of :func:`bars`: labels left of the bars, or (``above``) on a line above each bar."""
    label_w = 0 if above else 180
    label_h = 15 if above else 0
    gap, legend_h = 4, (36 if above else 22) if cumulative else 0
    plot_w = width - label_w - 40
    top = max(max(values), 1)
    row = bar_height + gap + label_h
    height = len(values) * row + 8 + legend_h
    total = sum(values) or 1
    desc = "; ".join(f"{label}: {value:g}" for label, value in zip(labels, values))
    parts = [f'<svg class="chart" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}"><title>{_e(title)}</title><desc>{_e(desc)}</desc>']
    running = 0.0
    line = []
    for i, (label, value) in enumerate(zip(labels, values)):
        y = i * row + label_h
        w = plot_w * value / top
        running += value
        where = f'x="0" y="{y - 4}"' if above else f'x="{label_w - 6}" y="{y + bar_height - 5}" text-anchor="end"'
        parts.append(f'<text {where} fill="{INK}" font-size="12">{_e(_clip(str(label), label_chars))}</text>'
                     f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_height}" fill="{BLUE}">'
                     f"<title>{_e(label)}: {value:g}</title></rect>"
                     f'<text x="{label_w + w + 4:.1f}" y="{y + bar_height - 5}" fill="{INK}" '
                     f'font-size="11">{value:g}</text>')
        line.append((label_w + plot_w * running / total, y + bar_height / 2))
    if cumulative and len(line) > 1:
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in line)
        parts.append(f'<polyline fill="none" stroke="{VERMILION}" stroke-width="2" points="{pts}">'
                     "<title>cumulative share of all failures</title></polyline>")
        ly = height - legend_h + 11
        legend = ["cumulative share of all failures (longest bar’s end = 100 %)"] if not above else \
            ["cumulative share of all failures", "(longest bar’s end = 100 %)"]
        parts.append(f'<line x1="{label_w}" y1="{ly:.1f}" x2="{label_w + 24}" y2="{ly:.1f}" '
                     f'stroke="{VERMILION}" stroke-width="2"/>')
        for k, text in enumerate(legend):
            parts.append(f'<text x="{label_w + 30}" y="{ly + 4 + 14 * k:.1f}" fill="{INK}" font-size="11">'
                         f"{text}</text>")
    parts.append("</svg>")
    return "".join(parts)


def stacked_parts(parts: Sequence[tuple[str, float]], title: str, width: int = 300, height: int = 16) -> Markup:
    """One bar split into the weighted parts of a composite score (max 1.0 = full width).

    Examples
    --------
    >>> svg = str(stacked_parts([("failures", 0.4)], "Score of <X>"))
    >>> svg.startswith("<svg") and "&lt;X&gt;" in svg
    True
    """
    colours = [BLUE, ORANGE, GREEN, VERMILION, GREY]
    x = 0.0
    desc = ", ".join(f"{n} {v:.2f}" for n, v in parts)
    out = [f'<svg class="parts" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
           f"<title>{_e(title)}: {_e(desc)}</title>"]
    for (name, value), colour in zip(parts, colours):
        w = width * max(value, 0.0)
        out.append(f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="{height}" fill="{colour}">'
                   f"<title>{_e(name)}: {value:.2f}</title></rect>")
        x += w
    out.append(f'<rect x="0" y="0" width="{width}" height="{height}" fill="none" stroke="{GREY}"/></svg>')
    return Markup("".join(out))
