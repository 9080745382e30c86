"""Inline SVG charts. Every text that reaches the SVG is escaped here; the result is
``Markup`` so templates embed it as is. Palette: Okabe-Ito (colour-blind safe)."""
from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

BLUE, ORANGE, GREEN, VERMILION, GREY = "#0072B2", "#E69F00", "#009E73", "#D55E00", "#999999"


def sparkline(values: Sequence[float], title: str, width: int = 160, height: int = 32) -> Markup:
    """A small line of weekly counts, with a title and text alternative."""
    if not values:
        return Markup("")
    top = max(max(values), 1)
    step = width / max(len(values) - 1, 1)
    points = " ".join(f"{i * step:.1f},{height - 2 - (v / top) * (height - 4):.1f}" for i, v in enumerate(values))
    desc = ", ".join(str(int(v)) for v in values)
    return Markup(
        f'<svg class="spark" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
        f"<title>{escape(title)}: {escape(desc)}</title>"
        f'<polyline fill="none" stroke="{BLUE}" stroke-width="1.5" points="{points}"/></svg>')


def bars(labels: Sequence[str], values: Sequence[float], title: str, *, cumulative: bool = False,
         width: int = 640, bar_height: int = 18) -> Markup:
    """Horizontal bars (largest first), optionally with a cumulative-share line (Pareto)."""
    if not values:
        return Markup("")
    label_w, gap = 180, 4
    top = max(max(values), 1)
    height = len(values) * (bar_height + gap) + 24
    total = sum(values) or 1
    parts = [f'<svg class="chart" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}"><title>{escape(title)}</title>']
    running = 0.0
    line = []
    for i, (label, value) in enumerate(zip(labels, values)):
        y = i * (bar_height + gap)
        w = (width - label_w - 60) * value / top
        running += value
        parts.append(f'<text x="{label_w - 6}" y="{y + bar_height - 5}" text-anchor="end" '
                     f'font-size="12">{escape(label)}</text>'
                     f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_height}" fill="{BLUE}">'
                     f"<title>{escape(label)}: {value:g}</title></rect>"
                     f'<text x="{label_w + w + 4:.1f}" y="{y + bar_height - 5}" font-size="11">{value:g}</text>')
        line.append((label_w + (width - label_w - 60) * running / total, y + bar_height / 2))
    if cumulative and len(line) > 1:
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in line)
        parts.append(f'<polyline fill="none" stroke="{VERMILION}" stroke-width="2" points="{pts}">'
                     "<title>cumulative share of all failures</title></polyline>")
    parts.append("</svg>")
    return Markup("".join(parts))


def stacked_parts(parts: Sequence[tuple[str, float]], title: str, width: int = 300, height: int = 16) -> Markup:
    """One bar split into the weighted parts of a composite score (max 1.0 = full width)."""
    colours = [BLUE, ORANGE, GREEN, VERMILION, GREY]
    x = 0.0
    out = [f'<svg class="parts" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
           f"<title>{escape(title)}: " + escape(", ".join(f"{n} {v:.2f}" for n, v in parts)) + "</title>"]
    for (name, value), colour in zip(parts, colours):
        w = width * max(value, 0.0)
        out.append(f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="{height}" fill="{colour}">'
                   f"<title>{escape(name)}: {value:.2f}</title></rect>")
        x += w
    out.append(f'<rect x="0" y="0" width="{width}" height="{height}" fill="none" stroke="{GREY}"/></svg>')
    return Markup("".join(out))
