"""Every import page, sent hypothesis-generated files: random headers and cells (unicode, NUL bytes,
huge and negative numbers, malformed dates, long text), mangled encodings and bytes that are no
spreadsheet at all. Never a server error; a preview saves nothing; a confirmed file saves only
valid records, or nothing."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import event, given
from hypothesis import strategies as st

from sro_portal.roles import Role
from tests.fuzz.values import (
    NASTY,
    assert_nothing_saved,
    assert_saved_records_valid,
    example,
    fuzz_settings,
    snapshot,
)
from tests.sro_portal.test_url_access import users_by_role

pytestmark = pytest.mark.django_db

IMPORTS = {
    "accountability:enrollment": Role.DISTRICT_ADMIN,
    "accountability:surveys": Role.DISTRICT_ADMIN,
    "incidents:import": Role.AGENCY_SUPERVISOR,
    "training:staff_import": Role.DISTRICT_ADMIN,
    "training:staff_completion_import": Role.DISTRICT_ADMIN,
}


@st.composite
def cell(draw, column, tenant):
    """A value the column could take (its example, one of its codes, the tenant's school), or
    a hostile one."""
    sensible = [column.example, *(value for value, _label in column.choices)]
    if column.name == "school":
        sensible.append(f"{tenant.district.dpi_code}-{tenant.school.dpi_code}")
    if draw(st.integers(min_value=0, max_value=3)):
        return draw(st.sampled_from([str(v) for v in sensible]))
    return draw(NASTY)


@st.composite
def spreadsheet(draw, columns, tenant):
    """An upload: a CSV of some of the page's columns (and perhaps some no page knows), in some
    order, with a few rows; now and then one mangled or not a spreadsheet at all."""
    chosen = draw(
        st.one_of(
            st.just(list(columns)),
            st.lists(st.sampled_from(columns), unique_by=lambda c: c.name),
        )
    )
    headers = [draw(st.sampled_from([c.header, c.name, c.header.upper()])) for c in chosen]
    headers += draw(st.lists(NASTY, max_size=2))
    rows = [
        [draw(cell(c, tenant)) for c in chosen] + [draw(NASTY) for _ in headers[len(chosen) :]]
        for _ in range(draw(st.integers(min_value=0, max_value=4)))
    ]
    text = io.StringIO()
    csv.writer(text).writerows([headers, *rows])
    content = draw(
        st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1", "junk"]).map(
            lambda encoding: encode(text.getvalue(), encoding, draw)
        )
    )
    name = draw(st.sampled_from(["file.csv", "file.CSV", "file.xlsx", "file.txt", "file"]))
    return SimpleUploadedFile(name, content)


@st.composite
def from_template(draw, template):
    """The page's own template, which imports as it is, with at most one cell made hostile."""
    rows = list(csv.reader(io.StringIO(template)))
    if draw(st.booleans()):
        row = draw(st.integers(min_value=0, max_value=len(rows) - 1))
        column = draw(st.integers(min_value=0, max_value=len(rows[row]) - 1))
        rows[row][column] = draw(NASTY)
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return SimpleUploadedFile("template.csv", text.getvalue().encode())


def encode(text, encoding, draw):
    if encoding == "junk":
        return draw(st.binary(max_size=400))
    return text.encode(encoding, errors="replace")


@pytest.mark.parametrize("name", sorted(IMPORTS))
@fuzz_settings
@given(st.data())
def test_an_import_never_fails_nor_half_saves(client, tenant, state_staff, name, data):
    url = reverse(name)
    client.force_login(users_by_role(tenant, state_staff)[IMPORTS[name]])
    with example():
        page = client.get(url)
        assert page.status_code == 200
        columns = page.context["importer"]["columns"]
        template = client.get(url, {"download": "template"}).content.decode()
        before = snapshot()
        upload = data.draw(st.one_of(spreadsheet(columns, tenant), from_template(template)))
        preview = client.post(url, {"action": "preview", "file": upload})
        assert preview.status_code == 200
        assert_nothing_saved(before, preview)
        pending = client.session.get(f"import:{name}")
        event("preview refused" if pending is None else "preview accepted")
        if pending is None:
            assert preview.context["importer"]["problems"], "refused without saying why"
            return
        confirmed = client.post(url, {"action": "confirm", "token": pending["token"]})
        assert confirmed.status_code in (200, 302)
        event(f"confirmation answered {confirmed.status_code}")
        if confirmed.status_code == 302:
            assert_saved_records_valid(before)
        else:
            assert_nothing_saved(before, confirmed)
