"""LongSelect writes the same select as Django's own widget, only faster."""

import re

import pytest
from django import forms

from sro_portal.forms import LongSelect
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


def tags(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize("value", [None, "", "2"])
def test_a_long_select_writes_what_djangos_select_writes(value):
    choices = [("", "All schools"), ("1", "Adams & <Jefferson>"), ("2", "Lincoln")]
    grouped = [*choices, ("Closed", [("3", "Old Central"), ("4", 'The "Annex"')])]
    attrs = {"id": "id_school", "aria-describedby": "id_school_helptext", "required": True}
    for options in (choices, grouped):
        ours = LongSelect(choices=options).render("school", value, attrs)
        django = forms.Select(choices=options).render("school", value, attrs)
        assert tags(ours) == tags(django)


def test_a_model_choice_field_renders_its_schools_and_keeps_the_choice():
    schools = sorted(SchoolFactory.create_batch(3), key=lambda s: s.name)

    class Filter(forms.Form):
        school = forms.ModelChoiceField(
            queryset=type(schools[0]).objects.order_by("name"),
            required=False,
            widget=LongSelect,
        )

    form = Filter({"school": schools[1].pk})
    assert form.is_valid()
    html = tags(str(form["school"]))
    assert f'<option value="{schools[1].pk}" selected>{schools[1]}</option>' in html
    assert html.count("<option") == 4
    django = Filter({"school": schools[1].pk})
    django.fields["school"].widget = forms.Select(choices=django.fields["school"].choices)
    assert html == tags(str(django["school"]))
