"""State staff download the audit log for a date range from the admin: labelled columns, times in
Chicago, the values before and after, one query for the entries whatever the range, and the
download itself recorded."""

import csv
import datetime
import io
from unittest import mock

import openpyxl
import pytest
from django.urls import reverse

from sro_portal.models import AuditLog, School

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
URL = reverse("admin:sro_portal_auditlog_export")


def entry_at(moment, **fields):
    # `at` is stamped on creation and an entry is never saved again: the clock is set instead.
    with mock.patch("django.utils.timezone.now", return_value=moment):
        return AuditLog.objects.create(**fields)


def download(client, start, end, fmt="csv"):
    return client.get(URL, {"start": start, "end": end, "format": fmt})


def table(response):
    """The data rows of a CSV download, up to the blank line before its description."""
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    return rows[: rows.index([])]


@pytest.fixture
def entries(state_staff, tenant):
    school = tenant.school
    return [
        # 23:30 in Chicago on October 31: outside a November range, though November in UTC.
        entry_at(
            datetime.datetime(2025, 11, 1, 4, 30, tzinfo=UTC),
            actor_repr="early",
            action=AuditLog.Action.LOGIN,
        ),
        entry_at(
            datetime.datetime(2025, 11, 2, 15, 0, tzinfo=UTC),
            actor=state_staff,
            actor_repr=state_staff.username,
            action=AuditLog.Action.UPDATE,
            content_type=_content_type(School),
            object_id=str(school.pk),
            object_repr='=HYPERLINK("http://evil")',
            changed_fields=["name", "lowest_grade"],
            changes={"lowest_grade": [9, 0], "name": ["Old name", "New name"]},
            ip_address="192.0.2.7",
            detail={"file_name": "schools.csv", "totals": {"new": 3, "update": 1}},
        ),
        entry_at(
            datetime.datetime(2025, 12, 1, 5, 59, tzinfo=UTC),  # 23:59 November 30 in Chicago
            actor_repr="late",
            action=AuditLog.Action.DELETE,
            content_type=_content_type(School),
            object_id="77",
            object_repr="Gone school",
            changes={"lowest_grade": 6, "name": "Gone school"},
        ),
        entry_at(
            datetime.datetime(2025, 12, 1, 6, 0, tzinfo=UTC),  # midnight December 1 in Chicago
            actor_repr="after",
            action=AuditLog.Action.LOGOUT,
        ),
    ]


def _content_type(model):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(model)


def test_state_staff_download_a_date_range_in_chicago_days_with_labels(
    client, state_staff, entries
):
    client.force_login(state_staff)
    response = download(client, "2025-11-01", "2025-11-30")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="audit-log-')
    header, *rows = table(response)
    assert header == [
        "Time (America/Chicago)",
        "Who",
        "Action",
        "Kind of record",
        "Record",
        "Record ID",
        "Address",
        "Changed fields",
        "Values before",
        "Values after",
        "Details",
    ]
    assert [row[1] for row in rows] == [state_staff.username, "late"]
    update, delete = rows
    assert update[0] == "2025-11-02 09:00:00 CST"
    assert update[2:8] == [
        "Updated",
        "School",
        '\'=HYPERLINK("http://evil")',  # a formula in a record's name stays text
        str(entries[1].object_id),
        "192.0.2.7",
        "Name, Lowest grade",
    ]
    assert update[8] == "Name: Old name; Lowest grade: 9"
    assert update[9] == "Name: New name; Lowest grade: K"
    # PostgreSQL keeps a JSON object's keys in its own order.
    assert set(update[10].split("; ")) == {"File: schools.csv", "Totals: 3 added, 1 updated"}
    assert delete[0] == "2025-11-30 23:59:00 CST"
    assert delete[2] == "Deleted"
    assert delete[8] == "Name: Gone school; Lowest grade: 6"
    assert delete[9] == ""


def test_the_download_is_excel_too(client, state_staff, entries):
    client.force_login(state_staff)
    response = download(client, "2025-11-02", "2025-11-02", fmt="xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.values)
    assert rows[0][0] == "Time (America/Chicago)"
    assert [row[1] for row in rows[1:]] == [state_staff.username]


def test_the_download_is_itself_recorded(client, state_staff, entries):
    client.force_login(state_staff)
    download(client, "2025-11-01", "2025-11-30")
    recorded = AuditLog.objects.filter(action=AuditLog.Action.DOWNLOAD).get()
    assert recorded.actor == state_staff
    assert recorded.detail["file_name"].startswith("audit-log-")
    assert "start=2025-11-01" in recorded.detail["query"]


def test_the_entries_are_read_in_one_query_whatever_the_range(
    client, state_staff, entries, django_assert_max_num_queries
):
    client.force_login(state_staff)
    for _ in range(30):
        entry_at(
            datetime.datetime(2025, 11, 15, 12, 0, tzinfo=UTC),
            actor=state_staff,
            action=AuditLog.Action.CREATE,
            content_type=entries[1].content_type,
            changes={"name": "A school", "lowest_grade": 9},
        )
    # The session, its user and their roles, the second sign-in step's device, the entries, the
    # download's own entry and the request's savepoints: as many for one entry as for thirty.
    with django_assert_max_num_queries(10) as narrow:
        download(client, "2025-11-02", "2025-11-02")
    with django_assert_max_num_queries(len(narrow.captured_queries)):
        response = download(client, "2025-11-01", "2025-11-30")
    assert len(table(response)) == 1 + 32


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"start": "2025-11-30", "end": "2025-11-01"}, "end", "cannot come before"),
        ({"start": "", "end": "2025-11-01"}, "start", "required"),
        ({"start": "30/11/2026", "end": "2025-11-30"}, "start", "valid date"),
        ({"start": "2025-11-01", "end": "2025-11-30", "format": "pdf"}, "format", "valid choice"),
    ],
)
def test_a_bad_range_is_refused_beside_its_field_with_the_entries_kept(
    client, state_staff, data, field, message
):
    client.force_login(state_staff)
    response = client.get(URL, {"format": "csv", **data})
    assert response.status_code == 200
    assert "Content-Disposition" not in response
    form = response.context["form"]
    assert message in form.errors[field][0]
    page = response.content.decode()
    # The message is the one the field names as describing it.
    assert f'id="id_{field}_error"' in page
    assert f'aria-describedby="id_{field}_error"' in page
    assert f'value="{data["end"]}"' in page


def test_the_form_is_offered_from_the_log_and_empty_at_first(client, state_staff):
    client.force_login(state_staff)
    changelist = client.get(reverse("admin:sro_portal_auditlog_changelist")).content.decode()
    assert URL in changelist
    response = client.get(URL)
    assert response.status_code == 200
    assert not response.context["form"].errors
    assert '<label for="id_start"' in response.content.decode()


@pytest.mark.parametrize("role", ["district_admin", "building_admin", "agency_supervisor", "sro"])
def test_nobody_but_state_staff_downloads_the_log(client, tenant, entries, role):
    client.force_login(getattr(tenant, role))
    response = download(client, "2025-11-01", "2025-11-30")
    assert response.status_code in (302, 403)
    assert "Content-Disposition" not in response


def test_anonymous_visitors_are_sent_to_sign_in(client, entries):
    response = download(client, "2025-11-01", "2025-11-30")
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
