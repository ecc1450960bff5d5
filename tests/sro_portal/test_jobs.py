"""Files too large for a request run as background jobs: queued on upload, run by
`manage.py run_jobs`, all or nothing and audited once; the page shows progress and outcome to the
uploader (and state staff) only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from incidents.models import EnforcementAction, Incident
from incidents.resources import EnforcementActionResource
from sro_portal import jobs
from sro_portal.audit import Actor
from sro_portal.models import AuditLog, ImportJob
from tests.incidents import test_import as row_by_row
from tests.incidents.test_bulk_import import rows
from tests.incidents.test_import import URL, csv_file, csv_text

pytestmark = pytest.mark.django_db

on_duty = row_by_row.on_duty  # the fixture: a program active under a signed MOU


@pytest.fixture
def small_requests(monkeypatch):
    """Files of more than three rows go to the background, so that a test file stays small."""
    monkeypatch.setattr("sro_portal.imports.MAX_ROWS", 3)


def upload(client, file):
    return client.post(URL, {"action": "preview", "file": file})


def imports():
    return list(AuditLog.objects.filter(action=AuditLog.Action.IMPORT))


def test_a_large_file_is_queued_then_run_by_the_worker(client, on_duty, small_requests):
    client.force_login(on_duty.agency_supervisor)
    response = upload(client, csv_file(*rows(on_duty, 8)))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == f"{URL}?job={job.pk}"
    assert (job.status, job.user, job.file_name) == (
        "queued",
        on_duty.agency_supervisor,
        "actions.csv",
    )
    assert not EnforcementAction.objects.filter(case_number__startswith="B-").exists()
    page = client.get(response.url)
    assert (
        "Waiting to start" in page.content.decode() or "waiting to start" in page.content.decode()
    )
    assert client.get(f"{URL}?job={job.pk}&status=json").json() == {
        "status": "queued",
        "label": "Waiting to start",
        "rows_done": 0,
        "rows_total": 0,
        "percent": 0,
        "finished": False,
    }
    claimed = jobs.import_job_claim()
    assert claimed.pk == job.pk and claimed.status == "running" and claimed.started_at
    assert jobs.import_job_claim() is None  # one worker per job
    jobs.import_job_run(job=ImportJob.objects.get(pk=job.pk))
    job.refresh_from_db()
    assert (job.status, job.rows_total, job.rows_done, job.totals) == ("done", 8, 8, {"new": 8})
    assert job.finished_at and not job.problems
    assert bytes(job.content) == b"" and job.sha256  # the file's details are not kept
    assert EnforcementAction.objects.filter(case_number__startswith="B-").count() == 8
    [entry] = imports()
    assert entry.detail["outcome"] == "accepted" and entry.detail["rows"] == 8
    assert entry.actor == on_duty.agency_supervisor
    status = client.get(f"{URL}?job={job.pk}&status=json").json()
    assert status["finished"] and status["percent"] == 100
    assert "8 added" in client.get(f"{URL}?job={job.pk}").content.decode()


def test_a_refused_row_fails_the_job_saves_nothing_and_lists_the_problems(
    client, on_duty, small_requests
):
    client.force_login(on_duty.agency_supervisor)
    file_rows = rows(on_duty, 6)
    file_rows[4]["kind"] = "detention"
    upload(client, csv_file(*file_rows))
    call_command("run_jobs", "--once")
    job = ImportJob.objects.get()
    assert job.status == "failed" and bytes(job.content) == b""
    assert job.problems == [
        {
            "row": 6,
            "field": "Kind",
            "reason": "'detention' is not one of the allowed values: arrest, citation, "
            "custody, referral.",
        }
    ]
    assert not Incident.objects.filter(case_number__startswith="B-").exists()
    [entry] = imports()
    assert entry.detail["outcome"] == "refused"
    page = client.get(f"{URL}?job={job.pk}").content.decode()
    assert "Row 6, Kind" in page and "nothing was saved" in page


def test_repeated_rows_fail_the_job(client, on_duty, small_requests):
    client.force_login(on_duty.agency_supervisor)
    file_rows = rows(on_duty, 5)
    upload(client, csv_file(*file_rows, file_rows[0]))
    call_command("run_jobs", "--once")
    job = ImportJob.objects.get()
    assert job.status == "failed" and job.problems == [
        {"row": 7, "reason": "It repeats row 2 exactly."}
    ]
    assert not EnforcementAction.objects.filter(case_number__startswith="B-").exists()


def test_an_error_in_the_worker_fails_the_job_with_a_plain_reason(
    client, on_duty, small_requests, monkeypatch
):
    client.force_login(on_duty.agency_supervisor)
    upload(client, csv_file(*rows(on_duty, 5)))

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(EnforcementActionResource, "import_data", broken)
    assert jobs.import_jobs_run_waiting() == 1
    job = ImportJob.objects.get()
    assert job.status == "failed" and job.problems == [{"reason": jobs.FAILED}]
    assert not EnforcementAction.objects.filter(case_number__startswith="B-").exists()


def test_the_job_reports_its_progress(on_duty, monkeypatch):
    monkeypatch.setattr("incidents.services.BATCH", 4)
    import tablib

    done = []
    dataset = tablib.Dataset().load(csv_text(*rows(on_duty, 10)), format="csv")
    resource = EnforcementActionResource(actor=Actor(user=on_duty.agency_supervisor))
    resource.import_data(dataset, dry_run=False, progress=done.append)
    assert done == [4, 8, 10]


def test_only_the_uploader_and_state_staff_see_a_job(
    client, on_duty, other_tenant, state_staff, small_requests
):
    client.force_login(on_duty.agency_supervisor)
    upload(client, csv_file(*rows(on_duty, 5)))
    job = ImportJob.objects.get()
    client.force_login(other_tenant.agency_supervisor)
    assert client.get(f"{URL}?job={job.pk}").status_code == 404
    assert client.get(f"{URL}?job={job.pk}&status=json").status_code == 404
    assert client.get(f"{URL}?job=x").status_code == 404
    assert client.get(f"{URL}?job={job.pk + 1}").status_code == 404
    client.force_login(state_staff)
    assert client.get(f"{URL}?job={job.pk}&status=json").json()["status"] == "queued"


def test_a_file_over_two_megabytes_goes_to_the_background_unparsed(client, on_duty):
    client.force_login(on_duty.agency_supervisor)
    text = csv_text(*rows(on_duty, 3))
    padding = "\n" * (2 * 1024 * 1024)  # blank lines: a large file of three rows
    response = upload(client, SimpleUploadedFile("big.csv", (text + padding).encode()))
    job = ImportJob.objects.get()
    assert response.url.endswith(f"?job={job.pk}") and len(bytes(job.content)) > 2 * 1024 * 1024
    call_command("run_jobs", "--once")
    job.refresh_from_db()
    assert job.status == "done" and job.totals == {"new": 3}


def test_a_file_the_job_cannot_read_is_refused_and_audited(client, on_duty):
    client.force_login(on_duty.agency_supervisor)
    content = b"\xff\xfe" + b"x" * (2 * 1024 * 1024)
    upload(client, SimpleUploadedFile("big.csv", content))
    call_command("run_jobs", "--once")
    job = ImportJob.objects.get()
    assert job.status == "failed" and bytes(job.content) == b""
    assert job.problems == [{"reason": "The CSV file is not UTF-8 text: save it as CSV UTF-8."}]
    [entry] = imports()
    assert entry.detail["outcome"] == "refused"
