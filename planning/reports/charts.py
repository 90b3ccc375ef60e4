"""The report's charts: the chart descriptions the pages hand to static/js/charts.js ({title, type, labels, unit,
datasets: [{label, data, dashed}]}), drawn on the server as PNG by matplotlib (Agg, no display) for the DOCX.

So the paper shows the same figures as the screen: a description is built once (scoring.selectors' plan charts, or
the ranking and sending charts below) and drawn twice. Legible in black and white: every series has its own marker,
line style or hatch as well as its colour (the app's palette); labels in a font with the Vietnamese diacritics.
"""

from __future__ import annotations

import io
from typing import Any

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from core.formatting import format_number
from planning.reports.selectors import RankingList, WindowSending

PALETTE = ["#a61b1b", "#1f5fa8", "#2e8b57", "#d98c00", "#6f42c1", "#17a2b8", "#6c757d"]  # static/js/charts.js
TARGET_COLOUR = "#198754"
MARKERS = ["o", "s", "^", "D", "v", "P", "X"]
LINE_STYLES = ["-", "-.", ":", (0, (5, 1)), "-", "-.", ":"]
HATCHES = ["", "///", "...", "xxx", "\\\\\\", "++", "oo"]
# Fonts with every Vietnamese diacritic (fonts-croscore, fonts-liberation2; matplotlib's own DejaVu as the last
# resort, which has them too).
FONTS = ["Arimo", "Liberation Sans", "DejaVu Sans"]
MAX_BARS = 30  # a longer ranking list shows its head and its tail

# Figures are drawn on the Agg canvas directly (no pyplot: no global figure state, safe in threads); the fonts are
# the one setting they take from matplotlib's defaults.
matplotlib.rcParams.update({"font.family": "sans-serif", "font.sans-serif": FONTS, "font.size": 8})


def _format(value: float, unit: str) -> str:
    text = format_number(round(value, 2), 0 if float(value).is_integer() else 2)
    return text + ("%" if unit == "%" else f" {unit}" if unit else "")


def chart_png(chart: dict[str, Any], *, width: float = 6.3, height: float = 3.2) -> bytes:
    """One chart description as a PNG (150 dpi): lines with markers and a dashed target, grouped hatched bars, or
    (``horizontal``) one bar per label, top to bottom, with its value written at its end."""
    if chart.get("horizontal"):
        height = max(1.4, 0.3 + 0.22 * len(chart["labels"]))
    figure = Figure(figsize=(width, height), dpi=150)
    FigureCanvasAgg(figure)
    axes = figure.subplots()
    labels = [str(label) for label in chart["labels"]]
    datasets = chart["datasets"]
    unit = chart.get("unit") or ""
    positions = list(range(len(labels)))
    if chart.get("horizontal"):
        dataset = chart["datasets"][0]
        values = [v if v is not None else 0 for v in dataset["data"]]
        axes.barh(positions, values, 0.7, color=PALETTE[0], edgecolor="black", linewidth=0.5)
        for position, value in zip(positions, values, strict=True):
            axes.text(value, position, " " + _format(value, unit), va="center", fontsize=7)
        axes.set_yticks(positions)
        axes.set_yticklabels(labels)
        axes.invert_yaxis()  # rank 1 on top
        axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _pos: _format(value, unit)))
        axes.set_xlim(0, max([*values, 1]) * 1.15)
        axes.grid(axis="x", color="#bbbbbb", linewidth=0.5)
        axes.set_axisbelow(True)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        axes.set_title(chart["title"], fontsize=9, fontweight="bold", loc="left")
        return _png(figure)
    if chart.get("type") == "bar":
        bars = [d for d in datasets if not d.get("dashed")] or datasets
        width_each = 0.8 / max(len(bars), 1)
        for index, dataset in enumerate(bars):
            offsets = [p - 0.4 + width_each * (index + 0.5) for p in positions]
            values = [v if v is not None else 0 for v in dataset["data"]]
            axes.bar(
                offsets,
                values,
                width_each,
                label=dataset["label"],
                color=PALETTE[index % len(PALETTE)],
                edgecolor="black",
                linewidth=0.5,
                hatch=HATCHES[index % len(HATCHES)],
            )
    else:
        series = 0
        for dataset in datasets:
            values = [v if v is not None else float("nan") for v in dataset["data"]]
            if dataset.get("dashed"):
                axes.plot(positions, values, color=TARGET_COLOUR, linestyle="--", linewidth=1.2, label=dataset["label"])
                continue
            axes.plot(
                positions,
                values,
                color=PALETTE[series % len(PALETTE)],
                linestyle=LINE_STYLES[series % len(LINE_STYLES)],
                marker=MARKERS[series % len(MARKERS)],
                markersize=4,
                linewidth=1.4,
                label=dataset["label"],
            )
            series += 1
    axes.set_xticks(positions)
    rotate = len(labels) > 6 or max((len(label) for label in labels), default=0) > 12
    axes.set_xticklabels(labels, rotation=35 if rotate else 0, ha="right" if rotate else "center")
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: _format(value, unit)))
    if chart.get("integer"):  # counts (answers "Có"): whole-number ticks only
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylim(bottom=0)
    axes.grid(axis="y", color="#bbbbbb", linewidth=0.5)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.set_title(chart["title"], fontsize=9, fontweight="bold", loc="left")
    legend = len(datasets) > 1 or chart.get("type") != "bar"
    if legend:
        # Under the whole figure, below the (possibly slanted) month labels, never over them.
        handles, names = axes.get_legend_handles_labels()
        figure.legend(handles, names, loc="lower center", ncol=4, frameon=False)
    return _png(figure, bottom=0.1 if legend else 0)


def _png(figure: Figure, *, bottom: float = 0) -> bytes:
    figure.tight_layout(rect=(0, bottom, 1, 1))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _shown(ranking: RankingList) -> list:
    standings = ranking.standings
    if len(standings) <= MAX_BARS:
        return standings
    half = MAX_BARS // 2
    return standings[:half] + standings[-half:]


def ranking_chart(ranking: RankingList) -> dict[str, Any]:
    """A ranking list's ratios (% of the applicable maximum), in rank order: the dashboard's and the report's chart."""
    shown = _shown(ranking)
    cut = " (đầu và cuối bảng)" if len(shown) < len(ranking.standings) else ""
    return {
        "title": f"Xếp hạng: {ranking.title}{cut}",
        "type": "bar",
        "horizontal": True,
        "labels": [f"{s.rank}. {s.name[:40]}" for s in shown],
        "unit": "%",
        "datasets": [{"label": "Tỷ lệ điểm", "data": [float(s.ratio) for s in shown]}],
    }


def sending_chart(rows: list[WindowSending]) -> dict[str, Any]:
    """Per window: participants with every figure, sent, and sent on time, out of those expected."""
    return {
        "title": "Gửi số liệu theo kỳ (số đối tượng)",
        "type": "bar",
        "labels": [row.window.label for row in rows],
        "unit": "",
        "datasets": [
            {"label": "Phải gửi", "data": [row.expected for row in rows]},
            {"label": "Đủ số liệu", "data": [row.complete for row in rows]},
            {"label": "Đã gửi", "data": [row.sent for row in rows]},
            {"label": "Gửi đúng hạn", "data": [row.on_time for row in rows]},
        ],
    }
