"""The cells every import reads alike: codes or their labels, and dates in the formats people
write them, each refusal saying what is accepted."""

import datetime

import pytest

from incidents.models import EnforcementAction
from sro_portal.resources import ChoiceWidget, DateWidget


@pytest.mark.parametrize(
    "cell",
    ["2025-10-14", "10/14/2025", "10/14/25", "2025-10-14 00:00:00", datetime.date(2025, 10, 14)],
)
def test_a_date_is_read_in_every_accepted_form(cell):
    assert DateWidget().clean(cell) == datetime.date(2025, 10, 14)


def test_a_spreadsheets_date_cell_is_read_as_its_day():
    assert DateWidget().clean(datetime.datetime(2025, 10, 14, 0, 0)) == datetime.date(2025, 10, 14)


@pytest.mark.parametrize("cell", ["14/10/2025", "Oct 14", "2025-13-01", ""])
def test_a_date_not_understood_names_the_accepted_formats(cell):
    with pytest.raises(ValueError, match=r"YYYY-MM-DD .* or MM/DD/YYYY"):
        DateWidget().clean(cell)


def test_a_code_or_its_label_is_accepted_in_any_case():
    widget = ChoiceWidget(EnforcementAction.Kind)
    assert widget.clean("arrest") == "arrest"
    assert widget.clean("Citation or ticket") == "citation"
    assert widget.clean("  CUSTODY ") == "custody"
    assert widget.render("citation") == "Citation or ticket"


def test_a_value_outside_the_list_names_the_allowed_codes():
    with pytest.raises(ValueError, match="'detention' is not one of the allowed values: arrest, "):
        ChoiceWidget(EnforcementAction.Kind).clean("detention")
    assert ChoiceWidget(EnforcementAction.Kind, blank=True).clean("") == ""
