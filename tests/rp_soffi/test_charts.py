"""The server-drawn SVG chart (rp_soffi/charts.py): well-formed SVG with its title and description, one bar per
figure, heights in proportion on a round scale, labels escaped, French axis labels in M€."""

import xml.etree.ElementTree as ET

from rp_soffi.charts import BOTTOM, HEIGHT, TOP, Series, bar_chart, euros_axis, nice_step

SVG = "{http://www.w3.org/2000/svg}"


def chart(*series: Series, categories: tuple[str, ...] = ("2022", "2023")) -> ET.Element:
    svg = str(bar_chart("g", "Titre <b>", "Description & détail", categories, series))
    return ET.fromstring(svg)  # noqa: S314  (our own markup, not untrusted data)


def bars(root: ET.Element) -> list[ET.Element]:
    return [rect for rect in root.iter(f"{SVG}rect") if rect.find(f"{SVG}title") is not None]


def test_the_svg_is_an_image_with_its_title_and_description() -> None:
    root = chart(Series("Ressources", [100, 200]))
    assert root.get("role") == "img" and root.get("aria-labelledby") == "g-title g-desc"
    assert root.find(f"{SVG}title").text == "Titre <b>"
    assert root.find(f"{SVG}desc").text == "Description & détail"


def test_one_bar_per_figure_in_proportion() -> None:
    root = chart(Series("A", [100_000_000, 50_000_000]), Series("B", [25_000_000, 0]))
    found = bars(root)
    assert len(found) == 4
    heights = [float(rect.get("height")) for rect in found]
    # Grouped by exercice: A 2022, B 2022, A 2023, B 2023.
    assert heights[0] == 2 * heights[2] == 4 * heights[1] and heights[3] == 0
    assert heights[0] <= HEIGHT - TOP - BOTTOM
    assert found[0].find(f"{SVG}title").text == "A — 2022 : 1 M€"


def test_negative_figures_draw_no_bar_and_an_empty_chart_draws() -> None:
    assert float(bars(chart(Series("S", [-500, 100])))[0].get("height")) == 0
    assert bars(chart(Series("S", []), categories=())) == []


def test_labels_are_escaped() -> None:
    root = chart(Series("<script>", [1]), categories=("<x>",))
    assert "<script>" not in str(bar_chart("g", "t", "d", ["<x>"], [Series("<script>", [1])]))
    assert any(text.text == "<x>" for text in root.iter(f"{SVG}text"))


def test_the_scale_is_round() -> None:
    assert [nice_step(n) for n in (0, 5, 12, 99, 1000, 12_000_000_000)] == [1, 1, 5, 20, 200, 5_000_000_000]


def test_axis_labels_are_french() -> None:
    assert [euros_axis(c) for c in (0, 50_000_00, 1_000_000_00, 1_250_000_00, 12_500_000_00, -3_000_000_00)] == [
        "0",
        "50 k€",
        "1 M€",
        "1,3 M€",
        "12,5 M€",
        "-3 M€",
    ]
    assert euros_axis(2_500_000_000_00) == "2\u202f500 M€"  # fmt: skip
