"""The staff roster and its training come in as CSV or XLSX on the site, for district
administrators (their own district's schools) and state staff (any): previewed, imported whole or
not at all, every bad row named with its column, every file tried audited once, and what is
recorded downloads in the file's own columns and imports back unchanged."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from sro_portal.models import AuditLog
from tests.factories import CompletionFactory, CourseFactory, StaffMemberFactory
from training.models import Completion, StaffMember
from training.resources import ROSTER_COLUMNS, STAFF_COMPLETION_COLUMNS

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
ROSTER = reverse("training:staff_import")
TRAINING = reverse("training:staff_completion_import")
ROSTER_HEADER = ",".join(c.header for c in ROSTER_COLUMNS)
TRAINING_HEADER = ",".join(c.header for c in STAFF_COMPLETION_COLUMNS)


def code(school):
    return f"{school.district.dpi_code}-{school.dpi_code}"


def upload(client, url, header, *rows, name="file.csv"):
    content = ("\n".join([header, *rows]) + "\n").encode()
    return client.post(url, {"action": "preview", "file": SimpleUploadedFile(name, content)})


def confirm(client, url, response):
    token = response.context["importer"]["pending"]["token"]
    return client.post(url, {"action": "confirm", "token": token})


def problems(response):
    return [(p.get("row"), p.get("field"), p["reason"]) for p in response.context["problems"]]


def imports():
    return list(AuditLog.objects.filter(action=AuditLog.Action.IMPORT))


def roster_row(school, name="Maria Lopez", audience="Teachers", started="2024-08-26", left=""):
    return f"{code(school)},{name},Grade 9 English teacher,{audience},{started},{left}"


# The roster.


def test_the_roster_template_and_page_list_the_allowed_values(client, tenant):
    client.force_login(tenant.district_admin)
    template = client.get(ROSTER, {"download": "template"}).content.decode()
    assert template.splitlines()[0] == ROSTER_HEADER
    page = client.get(ROSTER).content.decode()
    assert "Pupil services staff" in page and "pupil_services" in page
    assert "Other school staff" in page and "YYYY-MM-DD" in page


def test_a_roster_file_adds_and_updates_by_school_and_name(client, tenant):
    client.force_login(tenant.district_admin)
    response = upload(
        client,
        ROSTER,
        ROSTER_HEADER,
        roster_row(tenant.school),
        roster_row(tenant.other_school, name="Sam Ng", audience="pupil_services"),
        roster_row(tenant.school, name=tenant.staff_member.name, started="08/26/2024"),
    )
    assert response.context["importer"]["pending"]["totals"] == {"new": 2, "update": 1}
    assert not StaffMember.objects.filter(name="Maria Lopez").exists()
    confirm(client, ROSTER, response)
    maria = StaffMember.objects.get(name="Maria Lopez")
    assert (maria.school, maria.district, maria.audience) == (
        tenant.school,
        tenant.district,
        "teacher",
    )
    assert StaffMember.objects.get(name="Sam Ng").audience == "pupil_services"
    tenant.staff_member.refresh_from_db()
    assert tenant.staff_member.started_on == datetime.date(2024, 8, 26)
    # The preview saves nothing and the confirmation is audited once.
    [entry] = imports()
    assert entry.detail["outcome"] == "accepted" and entry.detail["totals"] == {
        "new": 2,
        "update": 1,
    }


def test_every_bad_roster_row_is_named_and_nothing_is_saved(client, tenant, other_tenant):
    client.force_login(tenant.district_admin)
    before = StaffMember.objects.count()
    response = upload(
        client,
        ROSTER,
        ROSTER_HEADER,
        roster_row(tenant.school),
        roster_row(tenant.school, name="A", audience="sro"),
        roster_row(tenant.school, name="B", audience="janitor"),
        roster_row(tenant.school, name="C", started="2024-13-45"),
        roster_row(tenant.school, name="D", started=(TODAY + DAY).isoformat()),
        roster_row(tenant.school, name="E", started="2024-08-26", left="2024-01-01"),
        roster_row(other_tenant.school, name="F"),
        "9999-9999,G,Teacher,Teachers,2024-08-26,",
        roster_row(tenant.school),
    )
    found = problems(response)
    rows = {row: (field, reason) for row, field, reason in found}
    assert rows[3][0] == "Audience"
    assert "not one of the allowed values" in rows[4][1]
    assert rows[5][0] == "Started on" and "YYYY-MM-DD" in rows[5][1]
    assert rows[6][0] == "Started on" and "future" in rows[6][1]
    assert rows[7][0] == "Left on"
    assert rows[8][0] == "School" and "not a school of a district you administer" in rows[8][1]
    assert rows[9][0] == "School"
    assert "repeats row 2" in rows[10][1]
    assert StaffMember.objects.count() == before
    [entry] = imports()
    assert entry.detail["outcome"] == "refused" and entry.detail["problems"] == len(found)


def test_a_refused_file_is_audited(client, tenant):
    client.force_login(tenant.district_admin)
    response = upload(client, ROSTER, "School,Name,Colour", "x,y,z")
    assert "does not know: Colour" in problems(response)[0][2]
    [entry] = imports()
    assert entry.detail["outcome"] == "refused" and entry.detail["model"] == "training.StaffMember"


def test_the_roster_round_trips(client, tenant):
    StaffMemberFactory(school=tenant.other_school, name="Left Already", left_on=TODAY - DAY)
    client.force_login(tenant.district_admin)
    current = client.get(ROSTER, {"download": "current"}).content.decode()
    assert current.splitlines()[0] == ROSTER_HEADER
    assert "Left Already" in current and "Teachers" in current
    before = list(StaffMember.objects.values())
    response = upload(client, ROSTER, *current.strip().splitlines())
    assert response.context["importer"]["pending"]["totals"] == {"skip": 2}
    confirm(client, ROSTER, response)
    assert list(StaffMember.objects.values()) == before


def test_state_staff_import_any_district_and_others_may_not(
    client, tenant, other_tenant, state_staff
):
    client.force_login(state_staff)
    response = upload(client, ROSTER, ROSTER_HEADER, roster_row(other_tenant.school))
    confirm(client, ROSTER, response)
    assert StaffMember.objects.filter(school=other_tenant.school, name="Maria Lopez").exists()
    for who in ("building_admin", "agency_supervisor", "sro"):
        client.force_login(getattr(tenant, who))
        assert client.get(ROSTER).status_code == 403
        assert client.get(TRAINING).status_code == 403


def test_a_district_admins_current_file_holds_only_their_district(client, tenant, other_tenant):
    client.force_login(tenant.district_admin)
    current = client.get(ROSTER, {"download": "current"}).content.decode()
    assert tenant.staff_member.name in current and other_tenant.staff_member.name not in current


# Their training.


def training_row(
    school="", staff="", username="", course="", day=None, hours="2", outcome="", score=""
):
    day = day or (TODAY - DAY).isoformat()
    return f"{school},{staff},{username},{course},{day},{hours},{outcome},{score}"


def test_a_training_file_records_completions_of_roster_people_and_accounts(client, tenant):
    client.force_login(tenant.district_admin)
    member = tenant.staff_member
    response = upload(
        client,
        TRAINING,
        TRAINING_HEADER,
        training_row(code(tenant.school), member.name, course=tenant.course.title),
        training_row(
            username=tenant.building_admin.username,
            course=tenant.course.title,
            outcome="Passed with a score",
            score="90",
        ),
    )
    assert response.context["importer"]["pending"]["totals"] == {"new": 2}
    confirm(client, TRAINING, response)
    roster = Completion.objects.get(staff_member=member)
    assert (roster.hours, roster.outcome, roster.verified_by) == (
        Decimal("2"),
        "completed",
        tenant.district_admin,
    )
    account = Completion.objects.get(person=tenant.building_admin)
    assert (account.outcome, account.score) == ("passed", 90)
    assert len(imports()) == 1


def test_every_bad_training_row_is_named(client, tenant, other_tenant):
    client.force_login(tenant.district_admin)
    member = tenant.staff_member
    school = code(tenant.school)
    title = tenant.course.title
    before = Completion.objects.count()
    response = upload(
        client,
        TRAINING,
        TRAINING_HEADER,
        training_row(school, "Nobody Here", course=title),
        training_row(school, member.name, course="No such course"),
        training_row(school, member.name, course=title, hours="99"),
        training_row(school, member.name, course=title, day=(TODAY + DAY).isoformat()),
        training_row(code(other_tenant.school), other_tenant.staff_member.name, course=title),
        training_row(username=other_tenant.district_admin.username, course=title),
        training_row(course=title),
        training_row(school, member.name, username=tenant.building_admin.username, course=title),
        training_row(school, member.name, course=title, day="2025-06-01", hours="1"),
        training_row(school, member.name, course=title, day="2025-06-01", hours="2"),
        training_row(
            school, member.name, course=title, day="2025-06-03", outcome="Passed with a score"
        ),
    )
    rows = {}
    for row, field, reason in problems(response):
        rows.setdefault(row, []).append((field, reason))
    assert rows[2] == [("Staff name", rows[2][0][1])] and "Nobody called" in rows[2][0][1]
    assert rows[3][0][0] == "Course"
    assert rows[4][0][0] == "Hours" and "no more can count" in rows[4][0][1]
    assert rows[5][0][0] == "Completed on" and "future" in rows[5][0][1]
    assert rows[6][0][0] == "Staff name" and "outside your district" in rows[6][0][1]
    assert rows[7][0][0] == "Username" and "not an account holder" in rows[7][0][1]
    assert rows[8][0][0] == "Staff name"
    assert rows[9][0][0] == "Username" and "not both" in rows[9][0][1]
    assert 10 not in rows
    assert rows[11][0][0] == "Completed on" and "Row 10 already records" in rows[11][0][1]
    assert rows[12][0][0] == "Score"
    assert Completion.objects.count() == before
    [entry] = imports()
    assert entry.detail["outcome"] == "refused"


def test_staff_training_round_trips(client, tenant):
    course = CourseFactory(title="Passing course")
    CompletionFactory(person=None, staff_member=tenant.staff_member, course=tenant.course)
    CompletionFactory(
        person=None,
        staff_member=tenant.staff_member,
        course=course,
        outcome="passed",
        score=80,
        hours=Decimal("1.5"),
    )
    client.force_login(tenant.district_admin)
    current = client.get(TRAINING, {"download": "current"}).content.decode()
    assert current.splitlines()[0] == TRAINING_HEADER
    assert "Passed with a score" in current
    before = list(Completion.objects.values())
    response = upload(client, TRAINING, *current.strip().splitlines())
    assert response.context["importer"]["pending"]["totals"] == {"skip": 2}
    confirm(client, TRAINING, response)
    assert list(Completion.objects.values()) == before
