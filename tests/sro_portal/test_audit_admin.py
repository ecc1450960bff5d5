"""The audit log as state staff read it in the admin: times in Chicago with their zone, the same in
the list and on the entry, and an entry's detail as labelled values rather than raw JSON. Also the
admin's filter headings, which Django prefixes with "By"."""

import datetime
import re
from unittest import mock

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from sro_portal.models import AuditLog

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
IMPORT_DETAIL = {
    "model": "sro_portal.District",
    "file_name": "districts.csv",
    "rows": 4,
    "sha256": "ab" * 32,
    "outcome": "accepted",
    "totals": {"new": 3, "update": 1},
}


def entry_at(moment, *, state_staff, **fields):
    # `at` is stamped on creation and an entry is never saved again: the clock is set instead.
    with mock.patch("django.utils.timezone.now", return_value=moment):
        return AuditLog.objects.create(
            actor=state_staff,
            actor_repr=state_staff.username,
            action=fields.pop("action", AuditLog.Action.IMPORT),
            **fields,
        )


def changelist(client):
    return client.get(reverse("admin:sro_portal_auditlog_changelist")).content.decode()


def change_view(client, entry):
    return client.get(reverse("admin:sro_portal_auditlog_change", args=[entry.pk])).content.decode()


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        (datetime.datetime(2026, 11, 30, 14, 5, tzinfo=UTC), "Nov. 30, 2026, 8:05 a.m. CST"),
        (datetime.datetime(2026, 7, 1, 13, 5, tzinfo=UTC), "July 1, 2026, 8:05 a.m. CDT"),
    ],
    ids=["winter", "summer"],
)
def test_times_are_shown_in_chicago_with_their_zone_in_list_and_entry(
    client, state_staff, moment, shown
):
    entry = entry_at(moment, state_staff=state_staff, detail=IMPORT_DETAIL)
    client.force_login(state_staff)

    listed = changelist(client)
    opened = change_view(client, entry)

    for page in (listed, opened):
        assert shown in page
        # Neither the UTC hour nor a time without its zone appears anywhere.
        assert f"{moment:%H:%M}" not in page
        assert "1:05 p.m." not in page and "2:05 p.m." not in page
    assert f"<h2>{shown} · {state_staff.username} · Imported a file</h2>" in opened
    breadcrumbs = re.search(r'<div class="breadcrumbs">(.*?)</div>', opened, re.S).group(1)
    assert shown in breadcrumbs


def test_an_import_entry_reads_as_labelled_values_not_json(client, state_staff):
    entry = entry_at(timezone.now(), state_staff=state_staff, detail=IMPORT_DETAIL)
    client.force_login(state_staff)

    opened = change_view(client, entry)
    listed = changelist(client)

    for page in (opened, listed):
        assert "<dt>File</dt><dd>districts.csv</dd>" in page
        assert "<dt>Records</dt><dd>Districts</dd>" in page
        assert "<dt>Rows</dt><dd>4</dd>" in page
        assert "<dt>Outcome</dt><dd>Accepted</dd>" in page
        assert "<dt>Totals</dt><dd>3 added, 1 updated</dd>" in page
        assert "&quot;file_name&quot;" not in page and '"file_name"' not in page
    assert "ab" * 32 in opened
    assert "ab" * 32 not in listed  # the fingerprint only on the entry itself


def test_a_refused_import_shows_its_reason_and_its_problems(client, state_staff):
    detail = {
        "model": "accountability.Enrollment",
        "file_name": "enrollment.xlsx",
        "rows": 12,
        "sha256": "cd" * 32,
        "outcome": "refused",
        "totals": {"new": 11},
        "problems": 1,
        "reason": "Rows refused.",
    }
    entry = entry_at(timezone.now(), state_staff=state_staff, detail=detail)
    client.force_login(state_staff)

    opened = change_view(client, entry)

    assert "<dt>Outcome</dt><dd>Refused</dd>" in opened
    assert "<dt>Totals</dt><dd>11 added</dd>" in opened
    assert "<dt>Rows with problems</dt><dd>1</dd>" in opened
    assert "<dt>Reason</dt><dd>Rows refused.</dd>" in opened


def test_other_details_and_changed_fields_read_as_words(client, state_staff):
    entry = entry_at(
        timezone.now(),
        state_staff=state_staff,
        action=AuditLog.Action.UPDATE,
        changed_fields=["county", "name"],
        detail={"imported": True, "links": {"family": 2, "student": 3}},
    )
    client.force_login(state_staff)

    opened = change_view(client, entry)

    assert "county, name" in opened
    assert "<dt>Imported</dt><dd>Yes</dd>" in opened
    assert "<dt>Links</dt><dd>family: 2, student: 3</dd>" in opened
    assert "[&quot;county&quot;" not in opened


def test_an_entry_without_detail_shows_a_dash(client, state_staff):
    entry = entry_at(timezone.now(), state_staff=state_staff, action=AuditLog.Action.VIEW)
    client.force_login(state_staff)
    assert "{}" not in change_view(client, entry)


def test_the_audit_list_runs_a_fixed_number_of_queries(
    client, state_staff, django_assert_max_num_queries
):
    for hour in range(30):
        moment = datetime.datetime(2026, 11, 30, hour % 24, 5, tzinfo=UTC)
        entry_at(moment, state_staff=state_staff, detail=IMPORT_DETAIL)
    client.force_login(state_staff)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("admin:sro_portal_auditlog_changelist")).status_code == 200


def filter_headings(response):
    return re.findall(r"<summary>\s*(.*?)\s*</summary>", response.content.decode(), re.S)


def test_no_admin_filter_is_headed_by_by(client, state_staff, tenant, other_tenant):
    client.force_login(state_staff)
    for model in admin.site._registry:
        opts = model._meta
        response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        assert response.status_code == 200, opts.label
        headings = filter_headings(response)
        assert not [h for h in headings if re.match(r"By by\b", h, re.I)], (opts.label, headings)


def test_the_enforcement_actions_are_filtered_by_officer(client, state_staff, tenant):
    client.force_login(state_staff)
    response = client.get(reverse("admin:incidents_enforcementaction_changelist"))
    assert "By officer" in filter_headings(response)
