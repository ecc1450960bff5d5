"""Downloads: labels and filters carried, formulas defused, both formats."""

import io

import openpyxl
import pytest

from sro_portal.exports import Export


def sample():
    return Export(
        title="Enforcement actions",
        headers=["School", "Kind", "Note"],
        rows=[["Lakeshore High School", "Arrest", '=HYPERLINK("x")'], ["Harbor", "Citation", None]],
        filters={"School year": "2025-26"},
    )


def test_csv_holds_the_table_then_what_it_is_and_when():
    lines = sample().csv().splitlines()
    assert lines[0] == "School,Kind,Note"
    assert lines[1].endswith(',"\'=HYPERLINK(""x"")"')
    assert lines[2] == "Harbor,Citation,"
    assert "School year,2025-26" in lines
    assert any(line.startswith("Produced,") for line in lines)


def test_xlsx_has_the_table_and_an_about_sheet():
    book = openpyxl.load_workbook(io.BytesIO(sample().xlsx()))
    table, about = book.worksheets
    assert [c.value for c in table[1]] == ["School", "Kind", "Note"]
    assert table["C2"].value.startswith("'=")
    assert ["School year", "2025-26"] in [[c.value for c in row] for row in about.iter_rows()]


def test_the_response_names_the_file_and_refuses_an_unknown_format():
    response = sample().response("csv")
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="enforcement-actions-' in response["Content-Disposition"]
    with pytest.raises(ValueError, match="pdf"):
        sample().response("pdf")
