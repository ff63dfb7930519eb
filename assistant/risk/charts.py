"""Charts of a screening run, drawn without a charting library or network: SVG for the browser, PNG
(Pillow, with a CJK font when the system has one) for the DOCX report.

    charts = risk_charts(result)          # [Chart]: by level, by indicator, trend across years
    svg(charts[0])                        # '<svg …>…</svg>'
    png(charts[0], Path("level.png"))     # False when no CJK font is installed (the report uses tables then)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from pathlib import Path

LEVEL_COLORS = {"高": "#cf1322", "中": "#d46b08", "低": "#d4b106", "无": "#8c8c8c"}
SERIES_COLORS = ("#1d39c4", "#cf1322", "#d46b08", "#389e0d", "#722ed1", "#08979c", "#c41d7f", "#595959")
FONT_CANDIDATES = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/arphic/uming.ttc"),
)


@dataclass
class Series:
    name: str
    values: list[int]
    color: str = SERIES_COLORS[0]


@dataclass
class Chart:
    key: str  # file-name friendly: by_level, by_indicator, trend
    title: str
    labels: list[str]  # one per bar (horizontal) or per group (grouped)
    series: list[Series] = field(default_factory=list)
    horizontal: bool = True
    colors: list[str] | None = None  # one per bar (single series)


def risk_charts(result) -> list[Chart]:
    summary = result.summary()
    levels = list(result.levels)
    charts = [Chart("by_level", "风险等级分布（机构数）", levels,
                    [Series("机构数", [summary["by_level"].get(lv, 0) for lv in levels])],
                    colors=[LEVEL_COLORS.get(lv, SERIES_COLORS[0]) for lv in levels])]
    counted = [(i, summary["by_indicator"].get(i["id"], 0)) for i in result.indicators]
    counted = sorted([c for c in counted if c[1]], key=lambda c: -c[1])
    charts.append(Chart("by_indicator", "各指标命中机构数", [f"{i['item'][:18]}（{i['id']}）" for i, _ in counted],
                        [Series("机构数", [n for _, n in counted])],
                        colors=[LEVEL_COLORS[{"high": "高", "medium": "中", "low": "低"}[i["severity"]]] for i, _ in counted]))
    years = [str(y) for y in result.years]
    if years:
        categories = list(dict.fromkeys(i["category"] for i in result.indicators if i["per"] == "year"))
        series = []
        for n, category in enumerate(categories):
            ids = {i["id"] for i in result.indicators if i["category"] == category}
            values = [sum(1 for o in result.organizations if any(h.year == int(y) and h.indicator in ids for h in o.hits))
                      for y in years]
            if any(values):
                series.append(Series(category, values, SERIES_COLORS[n % len(SERIES_COLORS)]))
        flagged = [summary["orgs_flagged_by_year"].get(y, 0) for y in years]
        series.insert(0, Series("有年度指标命中的机构", flagged, "#262626"))
        charts.append(Chart("trend", "各年度命中情况（按报告年度，机构数）", years, series, horizontal=False))
    return charts


# --- SVG ------------------------------------------------------------------------------------------

def svg(chart: Chart) -> str:
    return _svg_horizontal(chart) if chart.horizontal else _svg_grouped(chart)


def _svg_horizontal(chart: Chart) -> str:
    values = chart.series[0].values if chart.series else []
    top = max(values or [0]) or 1
    label_w = min(560, max([len(lb) for lb in chart.labels] or [4]) * 13 + 16)
    bar_w, row_h = 360, 24
    height = 40 + row_h * max(1, len(values))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="risk-chart" data-chart="{chart.key}" width="{label_w + bar_w + 70}" '
             f'height="{height}" role="img" aria-label="{escape(chart.title)}">',
             f'<text x="4" y="18" font-size="15" font-weight="bold">{escape(chart.title)}</text>']
    for i, (label, value) in enumerate(zip(chart.labels, values)):
        y = 32 + i * row_h
        w = int(bar_w * value / top)
        color = (chart.colors or [])[i] if chart.colors and i < len(chart.colors) else chart.series[0].color
        parts.append(f'<text x="{label_w - 6}" y="{y + 15}" font-size="12" text-anchor="end">{escape(label)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{max(w, 1)}" height="{row_h - 8}" fill="{color}">'
                     f'<title>{escape(label)}：{value}</title></rect>')
        parts.append(f'<text x="{label_w + w + 6}" y="{y + 15}" font-size="12">{value}</text>')
    if not values:
        parts.append('<text x="4" y="50" font-size="12">无数据</text>')
    parts.append("</svg>")
    return "".join(parts)


def _svg_grouped(chart: Chart) -> str:
    groups, series = chart.labels, chart.series
    top = max([v for s in series for v in s.values] or [0]) or 1
    bar, gap, plot_h = 14, 24, 180
    group_w = bar * len(series) + gap
    width = max(420, 60 + group_w * len(groups) + 200)
    height = plot_h + 80
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="risk-chart" data-chart="{chart.key}" width="{width}" '
             f'height="{height}" role="img" aria-label="{escape(chart.title)}">',
             f'<text x="4" y="18" font-size="15" font-weight="bold">{escape(chart.title)}</text>',
             f'<line x1="50" y1="{plot_h + 30}" x2="{60 + group_w * len(groups)}" y2="{plot_h + 30}" stroke="#999"/>']
    for g, label in enumerate(groups):
        x0 = 60 + g * group_w
        for s_i, s in enumerate(series):
            value = s.values[g]
            h = int(plot_h * value / top)
            x = x0 + s_i * bar
            parts.append(f'<rect x="{x}" y="{plot_h + 30 - h}" width="{bar - 2}" height="{max(h, 1)}" fill="{s.color}">'
                         f'<title>{escape(label)} {escape(s.name)}：{value}</title></rect>')
        parts.append(f'<text x="{x0 + bar * len(series) / 2}" y="{plot_h + 48}" font-size="12" text-anchor="middle">'
                     f'{escape(label)}</text>')
    legend_x = 70 + group_w * len(groups)
    for s_i, s in enumerate(series):
        y = 40 + s_i * 18
        parts.append(f'<rect x="{legend_x}" y="{y}" width="10" height="10" fill="{s.color}"/>'
                     f'<text x="{legend_x + 14}" y="{y + 10}" font-size="12">{escape(s.name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def charts_html(charts: list[Chart]) -> str:
    return "<div class='risk-charts'>" + "".join(f"<div class='risk-chart-box'>{svg(c)}</div>" for c in charts) + "</div>"


# --- PNG (Pillow) ---------------------------------------------------------------------------------

def cjk_font() -> Path | None:
    return next((p for p in FONT_CANDIDATES if p.is_file()), None)


def png(chart: Chart, path: Path, scale: int = 2) -> bool:
    """Draw the chart as PNG; False (nothing written) without a CJK font: Chinese labels would be boxes."""
    font_path = cjk_font()
    if font_path is None:
        return False
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(font_path), 12 * scale)
    title = ImageFont.truetype(str(font_path), 15 * scale)
    if chart.horizontal:
        values = chart.series[0].values if chart.series else []
        top = max(values or [0]) or 1
        label_w = min(560, max([len(lb) for lb in chart.labels] or [4]) * 13 + 16) * scale
        bar_w, row_h = 340 * scale, 24 * scale
        image = Image.new("RGB", (label_w + bar_w + 70 * scale, 44 * scale + row_h * max(1, len(values))), "white")
        draw = ImageDraw.Draw(image)
        draw.text((6 * scale, 6 * scale), chart.title, fill="black", font=title)
        for i, (label, value) in enumerate(zip(chart.labels, values)):
            y = 36 * scale + i * row_h
            w = int(bar_w * value / top)
            color = chart.colors[i] if chart.colors and i < len(chart.colors) else chart.series[0].color
            tw = draw.textlength(label, font=font)
            draw.text((label_w - 8 * scale - tw, y + 3 * scale), label, fill="black", font=font)
            draw.rectangle([label_w, y + 3 * scale, label_w + max(w, 1), y + row_h - 5 * scale], fill=color)
            draw.text((label_w + w + 6 * scale, y + 3 * scale), str(value), fill="black", font=font)
    else:
        groups, series = chart.labels, chart.series
        top = max([v for s in series for v in s.values] or [0]) or 1
        bar, gap, plot_h = 16 * scale, 28 * scale, 200 * scale
        group_w = bar * len(series) + gap
        width = 70 * scale + group_w * len(groups) + 240 * scale
        image = Image.new("RGB", (width, plot_h + 90 * scale), "white")
        draw = ImageDraw.Draw(image)
        draw.text((6 * scale, 6 * scale), chart.title, fill="black", font=title)
        base = plot_h + 36 * scale
        draw.line([50 * scale, base, 60 * scale + group_w * len(groups), base], fill="#999999", width=scale)
        for g, label in enumerate(groups):
            x0 = 60 * scale + g * group_w
            for s_i, s in enumerate(series):
                h = int(plot_h * s.values[g] / top)
                x = x0 + s_i * bar
                draw.rectangle([x, base - max(h, 1), x + bar - 2 * scale, base], fill=s.color)
            draw.text((x0 + bar * len(series) / 2 - draw.textlength(label, font=font) / 2, base + 6 * scale), label,
                      fill="black", font=font)
        legend_x = 80 * scale + group_w * len(groups)
        for s_i, s in enumerate(series):
            y = 44 * scale + s_i * 20 * scale
            draw.rectangle([legend_x, y, legend_x + 10 * scale, y + 10 * scale], fill=s.color)
            draw.text((legend_x + 16 * scale, y - 3 * scale), s.name, fill="black", font=font)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "PNG")
    return True
