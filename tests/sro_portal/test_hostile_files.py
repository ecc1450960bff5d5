"""Hostile uploads are refused before they are parsed, on the site and in the admin alike: zip
bombs dressed as workbooks, binaries named .csv, files over the size limit; and an upload
never confirmed in the admin does not stay behind."""

import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accountability.models import Enrollment
from sro_portal import files
from sro_portal.files import FileRefused, read_spreadsheet
from sro_portal.models import AuditLog

pytestmark = pytest.mark.django_db


def workbook(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def bomb(unpacked_bytes=200 * 1024 * 1024, members=1) -> bytes:
    """A zip whose members are zeros: a few hundred kilobytes that unpack to `unpacked_bytes`."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for number in range(members):
            with archive.open(f"xl/worksheets/sheet{number}.xml", "w") as member:
                chunk = b"\0" * (1024 * 1024)
                for _ in range(unpacked_bytes // members // len(chunk)):
                    member.write(chunk)
    return out.getvalue()


def test_a_real_workbook_and_a_csv_are_read():
    assert read_spreadsheet(workbook([["a", "b"], [1, 2]]), "x.xlsx").headers == ["a", "b"]
    assert read_spreadsheet(b"a,b\r\n1,2\r\n", "x.csv")[0] == ("1", "2")


def test_a_zip_bomb_is_refused_from_its_table_of_contents():
    content = bomb()
    assert len(content) < files.MAX_UPLOAD_BYTES, "small enough to pass the size limit"
    with pytest.raises(FileRefused, match="unpack to more than an import may hold"):
        read_spreadsheet(content, "bomb.xlsx")


def test_an_archive_of_too_many_members_is_refused():
    with pytest.raises(FileRefused, match="unpack"):
        read_spreadsheet(bomb(unpacked_bytes=0, members=files.XLSX_MAX_MEMBERS + 1), "x.xlsx")


@pytest.mark.parametrize(
    ("content", "name", "reason"),
    [
        (b"", "x.csv", "empty"),
        (b"x" * (files.MAX_UPLOAD_BYTES + 1), "x.csv", "larger than 2 MB"),
        (b"%PDF-1.7\n...", "x.csv", "not text"),
        (b"a,b\x00\x01", "x.csv", "not text"),
        (b"\xff\xfe\x00a", "x.csv", "not UTF-8"),
        (b"PK\x03\x04rest", "x.csv", "name it .xlsx"),
        (b"a,b\n1,2\n", "x.xlsx", "not a readable Excel"),
        (b"a,b\n1,2\n", "x.html", "Upload a .csv or .xlsx file"),
    ],
)
def test_files_whose_content_is_not_what_they_claim_are_refused(content, name, reason):
    with pytest.raises(FileRefused, match=reason):
        read_spreadsheet(content, name)


def test_the_site_refuses_a_bomb_and_audits_it(client, tenant):
    client.force_login(tenant.district_admin)
    response = client.post(
        reverse("accountability:enrollment"),
        {"action": "preview", "file": SimpleUploadedFile("enrollment.xlsx", bomb())},
    )
    assert "unpack to more than" in response.content.decode()
    entry = AuditLog.objects.get(action=AuditLog.Action.IMPORT)
    assert entry.detail["outcome"] == "refused"
    assert Enrollment.objects.count() == 0


def test_the_admin_refuses_a_bomb_too(client, state_staff):
    client.force_login(state_staff)
    response = client.post(
        reverse("admin:accountability_enrollment_import"),
        {
            "import_file": SimpleUploadedFile("enrollment.xlsx", bomb()),
            "format": "1",
            "resource": "0",
        },
    )
    assert "confirm_form" not in response.context
    assert "unpack to more than" in response.content.decode()


def test_an_unconfirmed_admin_upload_is_kept_in_the_cache_for_an_hour_not_on_disk(
    client, tenant, state_staff, settings
):
    from django.core.cache import cache

    client.force_login(state_staff)
    header = "School,School year,All students"
    content = f"{header}\n{tenant.school.district.dpi_code}-{tenant.school.dpi_code},2025-26,300\n"
    response = client.post(
        reverse("admin:accountability_enrollment_import"),
        {
            "import_file": SimpleUploadedFile("enrollment.csv", content.encode()),
            "format": "0",
            "resource": "0",
        },
    )
    name = response.context["confirm_form"].initial["import_file_name"]
    key = files.ExpiringUpload.CACHE_PREFIX + name
    assert cache.get(key) is not None
    assert files.ExpiringUpload.CACHE_LIFETIME == 3600
    assert settings.IMPORT_EXPORT_TMP_STORAGE_CLASS == "sro_portal.files.ExpiringUpload"
