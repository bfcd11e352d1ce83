"""Small server-side SVG charts (no JavaScript, no CDN); every label is escaped."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from markupsafe import Markup

COLOURS = ("#0b3d91", "#c00000", "#2e7d32", "#c77700", "#6a1b9a")


def stacked_bars(labels: Sequence[str], series: Mapping[str, Sequence[int]], title: str) -> Markup:
    """One bar per label, stacked by series, with a legend."""
    width, height, left, bottom = 720, 240, 30, 40
    totals = [sum(values[i] for values in series.values()) for i in range(len(labels))]
    top = max([*totals, 1])
    step = (width - left) / max(len(labels), 1)
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height + 30}" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>',
        f'<text x="{left}" y="12" font-size="11">maks. {top}</text>',
    ]
    for i, label in enumerate(labels):
        x, base = left + i * step, float(height - bottom)
        for colour, values in zip(COLOURS, series.values(), strict=False):
            bar = (height - bottom - 20) * values[i] / top
            if bar:
                parts.append(
                    f'<rect x="{x + 2:.1f}" y="{base - bar:.1f}" width="{step - 4:.1f}" '
                    f'height="{bar:.1f}" fill="{colour}"/>'
                )
            base -= bar
        parts.append(
            f'<text x="{x + step / 2:.1f}" y="{height - bottom + 14}" font-size="10" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    for n, (name, colour) in enumerate(zip(series, COLOURS, strict=False)):
        x = left + n * 140
        parts.append(f'<rect x="{x}" y="{height}" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{x + 14}" y="{height + 9}" font-size="11">{escape(name)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
