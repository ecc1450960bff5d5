"""Charts as data: what templates/includes/chart.html draws (with static/js/charts.js) and shows
as a table beside it, so a chart and its table always carry the same numbers."""

from dataclasses import dataclass, field


@dataclass
class Chart:
    id: str
    title: str
    label_heading: str
    labels: list
    series: list  # [{"label": ..., "values": [...]}], one value per label
    kind: str = "bar"
    horizontal: bool = False
    stacked: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def data_id(self) -> str:
        return f"{self.id}-data"

    @property
    def data(self) -> dict:
        return {
            "kind": self.kind,
            "labels": [str(label) for label in self.labels],
            "series": self.series,
            "horizontal": self.horizontal,
            "stacked": self.stacked,
        }

    @property
    def rows(self) -> list[dict]:
        return [
            {"label": label, "values": [s["values"][i] for s in self.series]}
            for i, label in enumerate(self.labels)
        ]


def bar_chart(chart_id, title, rows, *, label_heading, value_key="count", value_label="Count"):
    """A one-series bar chart of labelled rows (dicts or objects with `label`)."""

    def get(row, key):
        return row[key] if isinstance(row, dict) else getattr(row, key)

    labels = [get(r, "label") for r in rows]
    values = [get(r, value_key) for r in rows]
    return Chart(
        id=chart_id,
        title=title,
        label_heading=label_heading,
        labels=labels,
        series=[{"label": value_label, "values": values}],
        horizontal=len(labels) > 6,
    )
