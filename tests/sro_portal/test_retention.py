import datetime
from io import StringIO

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from accountability.models import Complaint, ComplaintStatusChange
from incidents.models import ActivityLog, EnforcementAction, Incident
from sro_portal.models import AuditLog, FormSubmission
from tests.factories import (
    PDF_BYTES,
    ActivityLogFactory,
    ComplaintFactory,
    CompletionFactory,
    EnforcementActionFactory,
    IncidentFactory,
    StaffMemberFactory,
)
from training.models import Completion, StaffMember

pytestmark = pytest.mark.django_db

EIGHT_YEARS = datetime.timedelta(days=8 * 365)


def long_ago(days=8 * 365):
    return timezone.localdate() - datetime.timedelta(days=days)


@pytest.fixture
def records(tenant):
    """Expired records beside ones still in their period, and ones still referred to."""
    old = timezone.now() - EIGHT_YEARS
    old_incident = IncidentFactory(program=tenant.program, school=tenant.school, occurred_at=old)
    old_action = EnforcementActionFactory(incident=old_incident, occurred_on=long_ago())
    # An old incident whose action is recent stays as long as the action does.
    referred_incident = IncidentFactory(
        program=tenant.program, school=tenant.school, occurred_at=old
    )
    recent_action = EnforcementActionFactory(incident=referred_incident)

    old_entry = ActivityLogFactory(assignment=tenant.assignment, occurred_on=long_ago())
    amendment = ActivityLogFactory(
        assignment=tenant.assignment,
        occurred_on=long_ago(),
        amends=old_entry,
        amendment_reason="Wrong number of minutes.",
    )

    closed = ComplaintFactory(
        program=tenant.program,
        status=Complaint.Status.RESOLVED,
        finding="not_sustained",
        resolution="Reviewed the hallway camera.",
    )
    ComplaintStatusChange.objects.create(complaint=closed, to_status="resolved")
    still_open = ComplaintFactory(program=tenant.program)
    Complaint.objects.filter(pk__in=[closed.pk, still_open.pk]).update(received_at=old)

    left = StaffMemberFactory(
        school=tenant.school, started_on=long_ago(9 * 365), left_on=long_ago()
    )
    roster_completion = CompletionFactory(
        person=None,
        staff_member=left,
        course=tenant.course,
        certificate=SimpleUploadedFile("certificate.pdf", PDF_BYTES),
    )
    # An account holder's completion stays however old: accounts are never deleted.
    Completion.objects.filter(pk=tenant.completion.pk).update(completed_on=long_ago())

    old_token = FormSubmission.objects.create(token="a" * 32)
    FormSubmission.objects.filter(pk=old_token.pk).update(at=old)
    recent_token = FormSubmission.objects.create(token="b" * 32)
    Session.objects.create(
        session_key="gone", session_data="", expire_date=timezone.now() - datetime.timedelta(1)
    )
    Session.objects.create(
        session_key="live", session_data="", expire_date=timezone.now() + datetime.timedelta(1)
    )
    return {
        "expired": [
            old_action,
            old_incident,
            old_entry,
            amendment,
            closed,
            left,
            roster_completion,
        ],
        "expired_token": old_token,
        "kept": [
            referred_incident,
            recent_action,
            tenant.incident,
            tenant.action,
            tenant.entry,
            still_open,
            tenant.complaint,
            tenant.completion,
            tenant.staff_member,
            recent_token,
        ],
        "certificate": roster_completion.certificate.name,
        "tenant_certificate": tenant.completion.certificate.name,
    }


def exists(record) -> bool:
    return type(record)._base_manager.filter(pk=record.pk).exists()


def purge_entries():
    return AuditLog.objects.filter(action=AuditLog.Action.PURGE)


def run(*args) -> str:
    out = StringIO()
    call_command("purge_expired", *args, stdout=out)
    return out.getvalue()


def test_the_dry_run_lists_counts_per_kind_and_deletes_nothing(
    records, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        out = run("--dry-run")

    assert "Would delete 1 enforcement actions" in out
    # The incident whose action is recent is not counted.
    assert "Would delete 1 incidents" in out
    assert "Would delete 2 activity logs" in out
    assert "Would delete 1 complaints" in out
    assert "1 complaint status changes" in out
    assert "Would delete 1 completions of roster people who left" in out
    assert "Would delete 1 roster people who left" in out
    assert "Would delete 1 form submissions" in out
    assert "Would delete 1 sessions" in out
    assert "Dry run: nothing was deleted." in out
    assert "with 1 file" in out
    assert all(exists(record) for record in records["expired"] + records["kept"])
    assert exists(records["expired_token"])
    assert Session.objects.filter(session_key="gone").exists()
    assert default_storage.exists(records["certificate"])
    assert not purge_entries().exists()


def test_a_purge_deletes_exactly_the_expired_records_and_their_files(
    records, django_capture_on_commit_callbacks
):
    # Files go once the deletion is committed.
    with django_capture_on_commit_callbacks(execute=True):
        run()

    for record in records["expired"] + [records["expired_token"]]:
        assert not exists(record), record
    assert not ComplaintStatusChange.objects.filter(complaint=records["expired"][4]).exists()
    assert not Session.objects.filter(session_key="gone").exists()
    for record in records["kept"]:
        assert exists(record), record
    assert Session.objects.filter(session_key="live").exists()
    assert not default_storage.exists(records["certificate"])
    assert default_storage.exists(records["tenant_certificate"])


def test_each_kind_purged_leaves_one_audit_entry_with_its_counts(records):
    run()

    entries = {entry.detail["kind"]: entry for entry in purge_entries()}
    assert len(entries) == len(purge_entries()) == 14
    assert entries["enforcement actions"].detail["purged"] == 1
    assert entries["activity logs"].detail["purged"] == 2
    assert entries["activity logs"].detail["model"] == "incidents.ActivityLog"
    assert entries["complaints"].detail["with"] == {"complaint status changes": 1}
    assert entries["completions of roster people who left"].detail["files"] == 1
    assert entries["meetings"].detail["purged"] == 0
    assert entries["sessions"].actor is None
    assert entries["sessions"].actor_repr == "manage.py purge_expired"


def test_a_second_purge_finds_nothing_more(records):
    run()
    lines = run("--dry-run").splitlines()
    assert lines[-1] == "Dry run: nothing was deleted."
    assert all(line.startswith("Would delete 0 ") for line in lines[:-1])


def test_settings_override_a_period(tenant, settings):
    entry = ActivityLogFactory(assignment=tenant.assignment, occurred_on=long_ago(60))
    run()
    assert exists(entry)

    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "activity_logs": 30}
    assert "Would delete 1 activity logs (kept 30 days" in run("--dry-run")
    run()
    assert not exists(entry)
    assert exists(tenant.entry)


def test_a_record_referred_to_is_kept_until_what_refers_to_it_is_purged(tenant, settings):
    incident = IncidentFactory(
        program=tenant.program, school=tenant.school, occurred_at=timezone.now() - EIGHT_YEARS
    )
    action = EnforcementActionFactory(incident=incident, occurred_on=long_ago(100))
    run()
    assert exists(incident) and exists(action)

    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "enforcement_actions": 90}
    run()
    assert not EnforcementAction.objects.filter(pk=action.pk).exists()
    assert not Incident.objects.filter(pk=incident.pk).exists()
    assert ActivityLog.objects.filter(pk=tenant.entry.pk).exists()
    assert StaffMember.objects.filter(pk=tenant.staff_member.pk).exists()


def test_a_kind_without_a_period_is_refused(settings):
    settings.RETENTION_DAYS = {
        name: days for name, days in settings.RETENTION_DAYS.items() if name != "meetings"
    }
    with pytest.raises(ImproperlyConfigured, match="no period for meetings"):
        run("--dry-run")
