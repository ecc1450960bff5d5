"""Enrollment comes in as CSV or XLSX, on the site for district administrators (their own schools
only) and in the admin for state staff: previewed, then imported whole or not at all, every bad
row named with its column and a plain reason, and every file tried audited once."""

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accountability.models import Enrollment
from accountability.resources import ENROLLMENT_HEADERS
from sro_portal.models import AuditLog

pytestmark = pytest.mark.django_db

URL = reverse("accountability:enrollment")
HEADER = ",".join(ENROLLMENT_HEADERS.values())


def code(school):
    return f"{school.district.dpi_code}-{school.dpi_code}"


def row(school, year="2025-26", total=500, **groups):
    values = {"hispanic": 40, "pacific_islander": 3, "white": 400, "female": 250, "male": 248}
    values.update(groups)
    cells = [code(school), year, str(total)]
    cells += [str(values.get(name, 0)) for name in Enrollment.GROUPS]
    return ",".join(cells)


def csv_file(*rows, name="enrollment.csv", header=HEADER):
    return SimpleUploadedFile(name, ("\n".join([header, *rows]) + "\n").encode())


def preview(client, upload):
    return client.post(URL, {"action": "preview", "file": upload})


def confirm(client, response):
    return client.post(
        URL, {"action": "confirm", "token": response.context["importer"]["pending"]["token"]}
    )


def imports():
    return list(AuditLog.objects.filter(action=AuditLog.Action.IMPORT))


def problems(response):
    return [(p.get("row"), p.get("field"), p["reason"]) for p in response.context["problems"]]


def test_the_template_has_the_header_and_one_example_row(client, tenant):
    client.force_login(tenant.district_admin)
    response = client.get(URL, {"download": "template"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == list(ENROLLMENT_HEADERS.values())
    assert rows[0][:4] == ["School", "School year", "All students", "Hispanic/Latino"]
    assert len(rows) == 2 and rows[1][1] == "2025-26"
    # The example names one of the administrator's own schools: the template imports as it is.
    assert rows[1][0] in (code(tenant.school), code(tenant.other_school))
    confirm(client, preview(client, SimpleUploadedFile("template.csv", response.content)))
    assert Enrollment.objects.get().school.district == tenant.district


def test_the_page_explains_the_columns_and_their_allowed_values(client, tenant):
    client.force_login(tenant.district_admin)
    page = client.get(URL).content.decode()
    assert "Native Hawaiian or Other Pacific Islander" in page
    assert "e.g. 2025-26" in page
    assert "district code-school code, e.g. 3619-0120" in page


def test_a_preview_saves_nothing_and_the_confirmation_imports_and_audits_once(client, tenant):
    client.force_login(tenant.district_admin)
    response = preview(
        client, csv_file(row(tenant.school), row(tenant.other_school, year="2024-25"))
    )
    assert response.status_code == 200
    assert response.context["importer"]["pending"]["rows"] == 2
    assert Enrollment.objects.count() == 0, "the preview is a dry run"
    assert imports() == []
    done = confirm(client, response)
    assert done.status_code == 302
    saved = Enrollment.objects.get(school=tenant.school)
    assert (saved.school_year, saved.total, saved.pacific_islander) == (2025, 500, 3)
    assert saved.district == tenant.school.district
    assert Enrollment.objects.get(school=tenant.other_school).school_year == 2024
    [entry] = imports()
    assert entry.actor == tenant.district_admin
    assert entry.detail["outcome"] == "accepted"
    assert entry.detail["file_name"] == "enrollment.csv"
    assert entry.detail["totals"] == {"new": 2}
    # The stored upload is used once.
    assert client.post(URL, {"action": "confirm", "token": "x"}).status_code == 302
    assert len(imports()) == 1


def test_a_reimport_updates_the_school_year_instead_of_duplicating(client, tenant):
    client.force_login(tenant.district_admin)
    confirm(client, preview(client, csv_file(row(tenant.school))))
    confirm(client, preview(client, csv_file(row(tenant.school, total=520))))
    assert Enrollment.objects.get().total == 520


def test_field_names_are_accepted_as_headers_too(client, tenant):
    client.force_login(tenant.district_admin)
    header = ",".join(ENROLLMENT_HEADERS)
    confirm(client, preview(client, csv_file(row(tenant.school), header=header)))
    assert Enrollment.objects.count() == 1


def test_every_bad_row_is_named_with_its_column_and_nothing_is_saved(client, tenant, other_tenant):
    client.force_login(tenant.district_admin)
    upload = csv_file(
        row(tenant.school),
        row(tenant.other_school, year="2025/26"),
        row(tenant.school, year="2024-25", idea=900),
        "9999-9999,2025-26,500" + ",0" * len(Enrollment.GROUPS),
        row(other_tenant.school),
    )
    response = preview(client, upload)
    assert response.context["importer"]["pending"] is None
    found = problems(response)
    assert (3, "School year", "2025/26 is not a school year: write it as 2025-26.") in found
    assert (4, "Served under IDEA", "A group cannot be larger than all students.") in found
    assert any(r == 5 and f == "School" and "9999-9999" in why for r, f, why in found)
    name = other_tenant.school.name
    assert any(r == 6 and f == "School" and name in why for r, f, why in found)
    assert not any(r == 2 for r, _, _ in found)
    page = response.content.decode()
    assert "write it as 2025-26" in page
    assert "nothing was saved" in page
    assert Enrollment.objects.count() == 0
    [entry] = imports()
    assert entry.detail["outcome"] == "refused"
    assert entry.detail["rows"] == 5


def test_race_groups_larger_than_the_total_are_refused(client, tenant):
    client.force_login(tenant.district_admin)
    response = preview(client, csv_file(row(tenant.school, total=100)))
    reason = "The race and ethnicity groups add up to more than all students."
    assert (2, "All students", reason) in problems(response)


def test_an_unreadable_file_is_refused_and_audited(client, tenant):
    client.force_login(tenant.district_admin)
    response = preview(client, SimpleUploadedFile("enrollment.pdf", b"%PDF-1.4"))
    assert problems(response) == [(None, None, "Upload a .csv or .xlsx file.")]
    [entry] = imports()
    assert entry.detail["outcome"] == "refused"


def test_a_file_over_2_mb_is_refused(client, tenant):
    client.force_login(tenant.district_admin)
    big = SimpleUploadedFile("enrollment.csv", b"x" * (2 * 1024 * 1024 + 1))
    response = preview(client, big)
    assert "larger than 2 MB" in problems(response)[0][2]
    assert len(imports()) == 1


def test_an_xlsx_file_imports(client, tenant):
    client.force_login(tenant.district_admin)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(ENROLLMENT_HEADERS.values()))
    sheet.append([code(tenant.school), "2025-26", 300, *[0] * len(Enrollment.GROUPS)])
    out = io.BytesIO()
    book.save(out)
    confirm(client, preview(client, SimpleUploadedFile("enrollment.xlsx", out.getvalue())))
    assert Enrollment.objects.get().total == 300


def test_each_sees_only_their_districts_enrollment(client, tenant, other_tenant, state_staff):
    Enrollment.objects.create(school=tenant.school, school_year=2025, total=500)
    Enrollment.objects.create(school=other_tenant.school, school_year=2025, total=700)
    client.force_login(tenant.district_admin)
    rows = client.get(URL).context["table"]
    assert [r["enrollment"].school for r in rows] == [tenant.school]
    client.force_login(state_staff)
    assert len(client.get(URL).context["table"]) == 2


def test_state_staff_may_import_any_districts_schools(client, tenant, other_tenant, state_staff):
    client.force_login(state_staff)
    confirm(client, preview(client, csv_file(row(tenant.school), row(other_tenant.school))))
    assert Enrollment.objects.count() == 2


def test_other_roles_may_not_open_the_page(client, tenant):
    for user in (tenant.building_admin, tenant.agency_supervisor, tenant.sro):
        client.force_login(user)
        assert client.get(URL).status_code == 403
        assert preview(client, csv_file(row(tenant.school))).status_code == 403
    assert Enrollment.objects.count() == 0


def test_the_export_filters_by_school_year_and_shows_labels(client, tenant):
    Enrollment.objects.create(school=tenant.school, school_year=2025, total=500, pacific_islander=3)
    Enrollment.objects.create(school=tenant.school, school_year=2024, total=480)
    client.force_login(tenant.district_admin)
    page = client.get(URL, {"school_year": "2025-26"})
    assert len(page.context["table"]) == 1
    response = client.get(URL, {"school_year": "2025-26", "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:5] == ["District", "School", "School code", "School year", "All students"]
    assert "Native Hawaiian or Other Pacific Islander" in rows[0]
    assert rows[1][1:4] == [tenant.school.name, code(tenant.school), "2025-26"]
    assert rows[2] == []
    assert ["School year", "2025-26"] in rows
    xlsx = client.get(URL, {"format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


# The admin: state staff import any district's enrollment.


def admin_upload(client, content, name="enrollment.csv"):
    return client.post(
        reverse("admin:accountability_enrollment_import"),
        {"import_file": SimpleUploadedFile(name, content), "format": "0", "resource": "0"},
    )


def test_state_staff_import_enrollment_in_the_admin(client, tenant, state_staff):
    client.force_login(state_staff)
    content = "\n".join([HEADER, row(tenant.school)]).encode()
    response = admin_upload(client, content)
    assert Enrollment.objects.count() == 0
    form = response.context["confirm_form"]
    done = client.post(reverse("admin:accountability_enrollment_process_import"), form.initial)
    assert done.status_code == 302
    assert Enrollment.objects.get().school_year == 2025
    [entry] = imports()
    assert entry.detail["model"] == "accountability.Enrollment"


def test_a_bad_school_year_is_refused_in_the_admin_too(client, tenant, state_staff):
    client.force_login(state_staff)
    response = admin_upload(client, "\n".join([HEADER, row(tenant.school, year="25")]).encode())
    assert "confirm_form" not in response.context
    [invalid] = response.context["result"].invalid_rows
    assert invalid.field_specific_errors == {
        "school_year": ["25 is not a school year: write it as 2025-26."]
    }
    assert Enrollment.objects.count() == 0


# The demo.


def test_demo_enrollment_covers_three_school_years_and_is_safe_to_run_twice():
    import datetime

    from accountability.demo import seed_enrollment
    from tests.factories import SchoolFactory

    school = SchoolFactory(district__dpi_code="9101", dpi_code="0010")
    today = datetime.date(2026, 3, 1)
    seed_enrollment(today)
    seed_enrollment(today)
    rows = list(Enrollment.objects.filter(school=school).order_by("school_year"))
    assert [r.school_year for r in rows] == [2023, 2024, 2025]
    for enrollment in rows:
        enrollment.full_clean()
        assert enrollment.pacific_islander == 3
        assert enrollment.white > enrollment.hispanic > 0


def test_an_empty_file_is_refused_plainly(client, tenant):
    client.force_login(tenant.district_admin)
    response = preview(client, csv_file())
    assert problems(response) == [(None, None, "The file has no rows under its header row.")]
    assert imports()[0].detail["outcome"] == "refused"


def test_a_file_without_the_school_column_is_refused(client, tenant):
    client.force_login(tenant.district_admin)
    response = preview(client, csv_file("2025-26,500", header="School year,All students"))
    reason = "The file has no School column: start from the template's header row."
    assert problems(response) == [(None, None, reason)]
    assert Enrollment.objects.count() == 0
