"""The dashboard's chart: the validated resources (RT), uses (ET) and balance (S2) of the sector, exercice after
exercice, as a server-drawn SVG (rp_soffi/charts.py); the page's table holds the same figures."""

from markupsafe import Markup

from rp_soffi.charts import Series, bar_chart

CHART_ID = "graphique-exercices"


def chart_of(yearly: list[tuple[int, dict[str, int]]]) -> Markup:
    categories = [str(exercice) for exercice, _ in yearly]
    series = [
        Series("Total des ressources (A)", [sums["RT"] for _, sums in yearly]),
        Series("Total des emplois (B)", [sums["ET"] for _, sums in yearly]),
    ]
    description = "Le tableau qui suit le graphique donne les mêmes montants, exercice par exercice."
    return bar_chart(CHART_ID, "Ressources et emplois des états validés, par exercice", description, categories, series)
