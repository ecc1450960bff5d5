"""Uploaded spreadsheets are read by what they hold, not by their name, and refused before
parsing when they are too large or, for an XLSX file (a zip archive), when they would expand
beyond bounds: a few megabytes can unpack into gigabytes and hold a worker for minutes.

The site's imports and the admin's (settings.IMPORT_FORMATS) read files through here alike.
"""

import io
import zipfile

import tablib
from import_export import tmp_storages
from import_export.formats import base_formats

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
XLSX_MAX_UNPACKED_BYTES = 25 * 1024 * 1024
# A larger file, read by the background worker (sro_portal/jobs.py): an honest workbook of
# 200,000 rows unpacks to about 150 MB; the ratio bound below still holds.
XLSX_JOB_MAX_UNPACKED_BYTES = 200 * 1024 * 1024
XLSX_MAX_MEMBERS = 200
XLSX_MAX_RATIO = 100  # unpacked size over packed size; real workbooks stay well below 20
ZIP_MAGIC = b"PK\x03\x04"


class FileRefused(ValueError):
    """A file that cannot be imported at all; the message says why."""


def check_size(content: bytes, max_bytes: int = MAX_UPLOAD_BYTES) -> None:
    if not content:
        raise FileRefused("The file is empty.")
    if len(content) > max_bytes:
        raise FileRefused(
            f"The file is larger than {max_bytes // (1024 * 1024)} MB: split it into smaller files."
        )


def unpacked_limit(max_bytes: int) -> int:
    return XLSX_MAX_UNPACKED_BYTES if max_bytes <= MAX_UPLOAD_BYTES else XLSX_JOB_MAX_UNPACKED_BYTES


def check_xlsx(content: bytes, max_unpacked: int = XLSX_MAX_UNPACKED_BYTES) -> None:
    """The archive's own table of contents, read without unpacking anything."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile:
        raise FileRefused("The file is not a readable Excel (.xlsx) workbook.") from None
    unpacked = sum(member.file_size for member in members)
    if (
        len(members) > XLSX_MAX_MEMBERS
        or unpacked > max_unpacked
        or unpacked > XLSX_MAX_RATIO * len(content)
    ):
        raise FileRefused(
            "The workbook would unpack to more than an import may hold: save the sheet as CSV, "
            "or split it into smaller files."
        )


def read_xlsx(content: bytes, max_bytes: int = MAX_UPLOAD_BYTES) -> tablib.Dataset:
    check_size(content, max_bytes)
    check_xlsx(content, unpacked_limit(max_bytes))
    try:
        return base_formats.XLSX().create_dataset(content)
    except Exception:
        raise FileRefused("The file is not a readable Excel (.xlsx) workbook.") from None


def read_csv(content: bytes | str, max_bytes: int = MAX_UPLOAD_BYTES) -> tablib.Dataset:
    if isinstance(content, str):
        content = content.encode()
    check_size(content, max_bytes)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused("The CSV file is not UTF-8 text: save it as CSV UTF-8.") from None
    if "\x00" in text or text.startswith("%PDF-"):
        raise FileRefused("The file is not text: upload a .csv or .xlsx file.")
    try:
        return tablib.Dataset().load(text, format="csv")
    except Exception:
        raise FileRefused("The file could not be read as CSV.") from None


def check_upload(content: bytes, name: str, max_bytes: int = MAX_UPLOAD_BYTES) -> None:
    """What can be told of a file without parsing it: its size, its type by name and content,
    and a workbook's table of contents."""
    check_size(content, max_bytes)
    name = name.lower()
    if name.endswith(".xlsx"):
        check_xlsx(content, unpacked_limit(max_bytes))
    elif name.endswith(".csv"):
        if content.startswith(ZIP_MAGIC):
            raise FileRefused("The file is a workbook, not CSV text: name it .xlsx.")
    else:
        raise FileRefused("Upload a .csv or .xlsx file.")


def read_spreadsheet(
    content: bytes, name: str, max_bytes: int = MAX_UPLOAD_BYTES
) -> tablib.Dataset:
    """A CSV or XLSX file: its name says which it should be, and its content must agree."""
    check_upload(content, name, max_bytes)
    if name.lower().endswith(".xlsx"):
        return read_xlsx(content, max_bytes)
    return read_csv(content, max_bytes)


class CSV(base_formats.CSV):
    def create_dataset(self, in_stream, **kwargs):
        return read_csv(in_stream)


class XLSX(base_formats.XLSX):
    def create_dataset(self, in_stream):
        return read_xlsx(in_stream)


class ExpiringUpload(tmp_storages.CacheStorage):
    """An admin upload between its preview and its confirmation, in the cache rather than in
    /tmp: one never confirmed is gone after an hour instead of staying on disk for good."""

    CACHE_LIFETIME = 60 * 60
