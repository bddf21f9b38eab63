"""Charts drawn on the server as inline SVG (no JavaScript, nothing fetched): a grouped bar chart, for the agents'
dashboard (soffi.md §5.5: totals by body type, year over year). Plain code: figures in, markup out.

The SVG is an image with its title and description (`role="img"`, `aria-labelledby`); the page puts the same
figures in a table beside it, which is what a screen reader reads. Colours are the DSFR's illustrative ones, each
series also told apart by its legend's order and label (never by colour alone: the legend names each bar group)."""

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH, HEIGHT = 720, 360
LEFT, RIGHT, TOP, BOTTOM = 90, 20, 40, 70
COLOURS = ("#000091", "#e1000f", "#18753c", "#b34000", "#6a6af4", "#a94645")
TICKS = 5


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[int]  # one per category, in cents (or any whole unit)


def nice_step(maximum: int, ticks: int = TICKS) -> int:
    """A round step (1, 2 or 5 times a power of ten) so that `ticks` steps cover `maximum`."""
    raw = max(1, -(-maximum // ticks))
    power = 1
    while power * 10 <= raw:
        power *= 10
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return factor * power
    return 10 * power  # pragma: no cover (the loop always returns)


def euros_axis(cents: int) -> str:
    """An axis label in millions of euros, French style: « 12,5 M€ »; under a million, in k€."""
    euros = cents // 100
    if abs(euros) >= 1_000_000:
        tenths = (abs(euros) + 50_000) // 100_000  # integer rounding: money never goes through a float
        whole, rest = divmod(tenths, 10)
        sign = "-" if euros < 0 else ""
        grouped = f"{whole:,}".replace(",", "\u202f")  # « 2 500 M€ »: French thousands
        return f"{sign}{grouped}{',' + str(rest) if rest else ''} M€"
    return f"{euros // 1000} k€" if euros else "0"


def bar_chart(
    chart_id: str, title: str, description: str, categories: Sequence[str], series: Sequence[Series]
) -> Markup:
    """Grouped bars: one group per category, one bar per series; negative values are drawn as zero-height bars
    (the table beside the chart gives every figure)."""
    top = max([0, *(value for item in series for value in item.values)])
    step = nice_step(top)
    scale_top = step * TICKS
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" class="soffi-chart" id="{chart_id}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
        '<rect width="100%" height="100%" fill="#ffffff"/>',
    ]
    for tick in range(TICKS + 1):
        tick_y = TOP + plot_h - plot_h * tick // TICKS
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{tick_y}" y2="{tick_y}" stroke="#dddddd"/>')
        parts.append(
            f'<text x="{LEFT - 8}" y="{tick_y + 4}" text-anchor="end" font-size="12" fill="#3a3a3a" '
            f'font-family="Marianne, Arial, sans-serif">{escape(euros_axis(step * tick))}</text>'
        )
    group_w = plot_w / max(1, len(categories))
    bar_w = group_w * 0.8 / max(1, len(series))
    for index, category in enumerate(categories):
        x0 = LEFT + group_w * index + group_w * 0.1
        for number, item in enumerate(series):
            height = plot_h * max(0, item.values[index]) / scale_top if scale_top else 0.0
            x, y = x0 + bar_w * number, TOP + plot_h - height
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w - 2:.1f}" height="{height:.1f}" '
                f'fill="{COLOURS[number % len(COLOURS)]}"><title>{escape(item.label)} — {escape(category)}'
                f" : {escape(euros_axis(item.values[index]))}</title></rect>"
            )
        parts.append(
            f'<text x="{x0 + group_w * 0.4:.1f}" y="{TOP + plot_h + 18}" text-anchor="middle" font-size="12" '
            f'fill="#161616" font-family="Marianne, Arial, sans-serif">{escape(category)}</text>'
        )
    parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_h}" y2="{TOP + plot_h}" stroke="#161616"/>')
    parts.extend(_legend(series))
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (every text above went through escape)


def _legend(series: Sequence[Series]) -> list[str]:
    parts, x = [], LEFT
    for number, item in enumerate(series):
        y = HEIGHT - 24
        parts.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{COLOURS[number % len(COLOURS)]}"/>')
        parts.append(
            f'<text x="{x + 18}" y="{y}" font-size="13" fill="#161616" '
            f'font-family="Marianne, Arial, sans-serif">{escape(item.label)}</text>'
        )
        x += 30 + 8 * len(item.label)
    return parts
