"""The complaint list filters, sorts and exports; it shows and downloads only complaints in scope,
and never the complainant's name or contact."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from accountability.models import Complaint
from tests.factories import ComplaintFactory

pytestmark = pytest.mark.django_db

COMPLAINTS = reverse("accountability:complaint_list")
TODAY = timezone.localdate()


def complaint(tenant, received_on=None, **fields):
    fields.setdefault("school", tenant.school)
    made = ComplaintFactory(program=tenant.program, **fields)
    if received_on:
        received = timezone.make_aware(datetime.datetime.combine(received_on, datetime.time(9)))
        Complaint.objects.filter(pk=made.pk).update(received_at=received)
        made.refresh_from_db()
    return made


def listed(client, **params):
    response = client.get(COMPLAINTS, params)
    assert response.status_code == 200
    return list(response.context["object_list"])


def rows_of(response):
    assert response["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(response.content.decode())))
    blank = lines.index([])
    return lines[0], lines[1:blank], dict(tuple(line) for line in lines[blank + 1 :])


def test_each_complaint_filter_narrows_the_list(client, tenant):
    acknowledged = complaint(tenant, status="acknowledged")
    elsewhere = complaint(tenant, school=tenant.other_school)
    overdue = complaint(tenant, acknowledge_by=TODAY - datetime.timedelta(days=1))
    january = complaint(tenant, received_on=datetime.date(2025, 1, 15))
    client.force_login(tenant.district_admin)
    assert listed(client, status="acknowledged") == [acknowledged]
    assert listed(client, school=tenant.other_school.pk) == [elsewhere]
    assert listed(client, overdue="1") == [overdue]
    assert listed(client, date_from="2025-01-01", date_to="2025-01-31") == [january]
    assert january not in listed(client, date_from="2025-01-16")


def test_bad_complaint_filters_are_explained_and_ignored(client, tenant, other_tenant):
    client.force_login(tenant.district_admin)
    response = client.get(
        COMPLAINTS,
        {"date_from": "2025-02-01", "date_to": "2025-01-01", "school": other_tenant.school.pk},
    )
    assert response.status_code == 200
    errors = response.context["filter"].form.errors
    assert errors["date_to"] == ["The end date is before the start date."]
    assert "not one of yours" in errors["school"][0]
    assert list(response.context["object_list"]) == [tenant.complaint]


@pytest.mark.parametrize("role", ["district_admin", "agency_supervisor", "state_staff"])
def test_each_handler_lists_and_exports_only_complaints_in_scope(
    client, tenant, other_tenant, state_staff, role
):
    client.force_login(state_staff if role == "state_staff" else getattr(tenant, role))
    expected = {tenant.complaint}
    if role == "state_staff":
        expected.add(other_tenant.complaint)
    assert set(listed(client)) == expected
    _, rows, _ = rows_of(client.get(COMPLAINTS, {"export": "csv"}))
    assert {r[1] for r in rows} == {c.tracking_code for c in expected}


def test_a_school_out_of_scope_is_not_a_choice(client, tenant, other_tenant):
    client.force_login(tenant.district_admin)
    schools = set(client.get(COMPLAINTS).context["filter"].form.fields["school"].queryset)
    assert schools == {tenant.school, tenant.other_school}


def test_the_complaint_export_holds_labels_and_filters_but_no_contact(client, tenant):
    complaint(
        tenant,
        status="under_review",
        contact_name="Pat Parent",
        contact_email="pat@example.org",
    )
    client.force_login(tenant.district_admin)
    response = client.get(COMPLAINTS, {"export": "csv", "status": "under_review"})
    headers, rows, about = rows_of(response)
    row = dict(zip(headers, rows[0], strict=True))
    assert len(rows) == 1
    assert row["Status"] == "Under review"
    assert row["School"] == tenant.school.name
    assert row["DPI school code"] == tenant.school.dpi_code
    assert row["DPI district code"] == tenant.district.dpi_code
    assert row["Acknowledgement overdue"] == "No"
    assert about["Status"] == "Under review"
    body = response.content.decode()
    assert "Pat Parent" not in body and "pat@example.org" not in body
    xlsx = client.get(COMPLAINTS, {"export": "xlsx"})
    assert xlsx["Content-Disposition"].endswith('.xlsx"')


def test_complaints_sort_by_status_with_aria_sort(client, tenant):
    withdrawn = complaint(tenant, status="withdrawn")
    acknowledged = complaint(tenant, status="acknowledged")
    client.force_login(tenant.district_admin)
    assert listed(client, sort="status")[0] == acknowledged
    assert listed(client, sort="-status")[0] == withdrawn
    page = client.get(COMPLAINTS, {"sort": "status"}).content.decode()
    assert 'aria-sort="ascending"><a href="?sort=-status">Status' in page


@pytest.mark.parametrize("size", [1, 30])
@pytest.mark.parametrize(
    "params", [{}, {"status": "received", "overdue": "1", "sort": "program"}, {"export": "csv"}]
)
def test_the_complaint_list_runs_a_fixed_number_of_queries(
    client, tenant, django_assert_max_num_queries, size, params
):
    for _ in range(size):
        complaint(tenant, reviewer=tenant.district_admin)
    client.force_login(tenant.district_admin)
    with django_assert_max_num_queries(9):
        assert client.get(COMPLAINTS, params).status_code == 200
