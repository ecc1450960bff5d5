"""Every report and list downloads as CSV or XLSX the same way: labels, never internal codes;
names beside codes; what the download holds (its filters) and when it was produced.

A cell that a spreadsheet would read as a formula (starting =, +, -, @, tab or carriage return) is
written with a leading apostrophe, so text someone typed never runs as a formula."""

import csv
import io
from dataclasses import dataclass

import tablib
from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    if value is None:
        return ""
    return value


@dataclass
class Export:
    title: str
    headers: list
    rows: list  # each a list of cells, in the order of headers
    filters: dict  # label -> value shown, e.g. {"School year": "2025-26", "School": "All"}

    def about(self) -> list[tuple[str, str]]:
        produced = timezone.localtime().strftime("%Y-%m-%d %H:%M %Z")
        return [("Report", self.title), *self.filters.items(), ("Produced", produced)]

    def csv(self) -> str:
        """The table first, so the file opens as data; then, after a blank line, what it
        holds and when it was produced."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([safe(h) for h in self.headers])
        writer.writerows([safe(c) for c in row] for row in self.rows)
        writer.writerow([])
        writer.writerows([safe(k), safe(v)] for k, v in self.about())
        return out.getvalue()

    def xlsx(self) -> bytes:
        data = tablib.Dataset(*[[safe(c) for c in row] for row in self.rows], headers=self.headers)
        data.title = self.title[:31]
        about = tablib.Dataset(*[[k, safe(v)] for k, v in self.about()], headers=["", ""])
        about.title = "About"
        return tablib.Databook([data, about]).export("xlsx")

    def response(self, fmt: str) -> HttpResponse:
        if fmt not in FORMATS:
            raise ValueError(f"Unknown format {fmt!r}.")
        body = self.csv() if fmt == "csv" else self.xlsx()
        response = HttpResponse(body, content_type=FORMATS[fmt])
        stamp = timezone.localdate().isoformat()
        filename = f"{slugify(self.title)}-{stamp}.{fmt}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
