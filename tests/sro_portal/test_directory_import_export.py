"""The directory goes in and out as CSV or XLSX through the admin; a bad file changes nothing."""

import hashlib
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sro_portal.models import Agency, AuditLog, District, School
from tests.factories import AgencyFactory, DistrictFactory, SchoolFactory

pytestmark = pytest.mark.django_db

CSV, XLSX = "0", "1"
DISTRICTS_CSV = (
    "dpi_code,name,nces_id,county,cesa\n"
    "0007,Adams-Friendship Area School District,5500030,Adams,5\n"
    "0014,Abbotsford School District,5500060,Clark,10\n"
)


def upload(client, model, content, name="file.csv", file_format=CSV):
    return client.post(
        reverse(f"admin:sro_portal_{model}_import"),
        {"import_file": SimpleUploadedFile(name, content), "format": file_format, "resource": "0"},
    )


def confirm(client, model, response):
    form = response.context["confirm_form"]
    return client.post(reverse(f"admin:sro_portal_{model}_process_import"), form.initial)


@pytest.fixture
def admin_client(client, state_staff):
    client.force_login(state_staff)
    return client


def test_a_good_csv_imports_after_confirmation_and_is_audited_once(admin_client):
    preview = upload(admin_client, "district", DISTRICTS_CSV.encode(), name="districts.csv")
    assert preview.status_code == 200
    assert District.objects.count() == 0, "the preview is a dry run"
    response = confirm(admin_client, "district", preview)
    assert response.status_code == 302
    assert set(District.objects.values_list("dpi_code", flat=True)) == {"0007", "0014"}
    entry = AuditLog.objects.get(action=AuditLog.Action.IMPORT)
    assert entry.detail["rows"] == 2
    assert entry.detail["file_name"] == "districts.csv"
    assert entry.detail["sha256"] == hashlib.sha256(DISTRICTS_CSV.encode()).hexdigest()
    assert entry.detail["totals"] == {"new": 2}


def test_a_csv_with_one_bad_row_imports_nothing_and_names_the_row_and_field(admin_client):
    bad = DISTRICTS_CSV + "0021,Albany School District,5500090,Green,15\n"
    response = upload(admin_client, "district", bad.encode())
    assert response.status_code == 200
    assert "confirm_form" not in response.context
    result = response.context["result"]
    [invalid] = result.invalid_rows
    assert invalid.number == 3
    assert "cesa" in invalid.field_specific_errors
    page = " ".join(response.content.decode().split())
    assert "Some rows failed to validate" in page
    assert '<span class="validation-error-field-label">cesa</span>' in page
    assert "Ensure this value is less than or equal to 12." in page
    assert District.objects.count() == 0


def test_a_bad_row_rolls_back_the_good_rows_even_past_the_preview(admin_client, tmp_path):
    """Forcing the confirmation of a bad file (bypassing the preview) still saves nothing."""
    good = upload(admin_client, "district", DISTRICTS_CSV.encode())
    initial = good.context["confirm_form"].initial
    stored = initial["import_file_name"]
    from sro_portal.files import ExpiringUpload

    bad = DISTRICTS_CSV + "0021,Albany School District,bad,Green,3\n"
    ExpiringUpload(name=stored).save(bad)
    admin_client.post(reverse("admin:sro_portal_district_process_import"), initial)
    assert District.objects.count() == 0
    assert not AuditLog.objects.filter(action=AuditLog.Action.IMPORT).exists()


def test_reimporting_updates_by_code_instead_of_duplicating(admin_client):
    DistrictFactory(dpi_code="0007", name="Old name", county="Adams", cesa=5)
    confirm(admin_client, "district", upload(admin_client, "district", DISTRICTS_CSV.encode()))
    assert District.objects.count() == 2
    assert District.objects.get(dpi_code="0007").name == "Adams-Friendship Area School District"


def test_schools_import_against_their_district_code(admin_client):
    DistrictFactory(dpi_code="0007")
    content = (
        "district_dpi_code,dpi_code,name,nces_id,lowest_grade,highest_grade\n"
        "0007,0020,Adams-Friendship High School,550003000001,9,12\n"
    )
    confirm(admin_client, "school", upload(admin_client, "school", content.encode()))
    school = School.objects.get()
    assert (school.district.dpi_code, school.grades) == ("0007", "9-12")


def test_a_school_of_an_unknown_district_is_refused_by_name(admin_client):
    content = (
        "district_dpi_code,dpi_code,name,nces_id,lowest_grade,highest_grade\n"
        "9999,0020,Nowhere High School,,9,12\n"
    )
    response = upload(admin_client, "school", content.encode())
    assert "confirm_form" not in response.context
    assert response.context["result"].has_validation_errors()
    [invalid] = response.context["result"].invalid_rows
    assert invalid.field_specific_errors == {"district": ["No district has the DPI code 9999."]}
    assert "No district has the DPI code 9999." in response.content.decode()
    assert School.objects.count() == 0


def test_grades_in_the_wrong_order_are_refused(admin_client):
    DistrictFactory(dpi_code="0007")
    content = (
        "district_dpi_code,dpi_code,name,nces_id,lowest_grade,highest_grade\n"
        "0007,0020,Backwards School,,12,9\n"
    )
    response = upload(admin_client, "school", content.encode())
    [invalid] = response.context["result"].invalid_rows
    assert "highest_grade" in invalid.field_specific_errors
    assert School.objects.count() == 0


def test_agencies_import_from_xlsx(admin_client):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["ori", "name", "kind"])
    sheet.append(["WI0010100", "Adams County Sheriff's Office", "sheriffs_office"])
    buffer = io.BytesIO()
    book.save(buffer)
    preview = upload(admin_client, "agency", buffer.getvalue(), name="a.xlsx", file_format=XLSX)
    confirm(admin_client, "agency", preview)
    assert Agency.objects.get().kind == Agency.Kind.SHERIFFS_OFFICE


def test_a_malformed_ori_is_refused(admin_client):
    content = "ori,name,kind\nXX123,Nowhere Police Department,police_department\n"
    response = upload(admin_client, "agency", content.encode())
    [invalid] = response.context["result"].invalid_rows
    assert "ori" in invalid.field_specific_errors
    assert Agency.objects.count() == 0


@pytest.mark.parametrize(
    ("model", "factory", "resource", "header"),
    [
        ("district", DistrictFactory, "districtresource", "dpi_code,name,nces_id,county,cesa"),
        ("school", SchoolFactory, "schoolresource", "district_dpi_code,dpi_code,name"),
        ("agency", AgencyFactory, "agencyresource", "ori,name,kind"),
    ],
)
def test_export_as_csv(admin_client, model, factory, resource, header):
    obj = factory()
    fields = {
        "district": ["dpi_code", "name", "nces_id", "county", "cesa"],
        "school": ["district", "dpi_code", "name"],
        "agency": ["ori", "name", "kind"],
    }[model]
    data = {"format": CSV, "resource": "0", **{f"{resource}_{f}": "on" for f in fields}}
    response = admin_client.post(reverse(f"admin:sro_portal_{model}_export"), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.startswith(header)
    assert str(obj.name) in body


def test_export_as_xlsx(admin_client):
    DistrictFactory(name="Exported School District")
    data = {"format": XLSX, "resource": "0", "districtresource_name": "on"}
    response = admin_client.post(reverse("admin:sro_portal_district_export"), data)
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[2]] == ["Exported School District"]


def test_only_state_staff_reach_import(client, tenant):
    client.force_login(tenant.district_admin)
    response = client.get(reverse("admin:sro_portal_district_import"), follow=True)
    assert response.status_code == 403
