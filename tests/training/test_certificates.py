"""Certificates are stored and served as what their content is, never as their name claims."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.factories import PDF_BYTES
from training.models import Completion

pytestmark = pytest.mark.django_db
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def record_training(client, tenant, name, content):
    client.force_login(tenant.sro)
    response = client.post(
        reverse("training:completion_create"),
        {
            "person": tenant.sro.pk,
            "course": tenant.course.pk,
            "completed_on": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
            "hours": "8",
            "outcome": "completed",
            "certificate": SimpleUploadedFile(name, content, content_type="text/html"),
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    return Completion.objects.latest("pk")


@pytest.mark.parametrize(
    ("name", "content", "extension", "content_type"),
    [
        ("certificate.html", PDF_BYTES, "pdf", "application/pdf"),
        ("certificate.pdf", PNG_BYTES, "png", "image/png"),
        ("certificate.svg", JPEG_BYTES, "jpg", "image/jpeg"),
    ],
)
def test_a_certificate_is_stored_and_served_as_its_content_not_its_name(
    client, tenant, name, content, extension, content_type
):
    completion = record_training(client, tenant, name, content)
    assert completion.certificate.name.endswith(f".{extension}")

    response = client.get(reverse("training:certificate", args=[completion.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == (
        f'attachment; filename="certificate-{completion.pk}.{extension}"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == content


def test_a_certificate_stored_under_its_uploaded_name_is_still_served_by_its_content(
    client, tenant
):
    """Files kept before names followed content still open, typed by what they hold."""
    completion = tenant.completion
    completion.certificate.storage.save("certificates/old.html", ContentFile(PDF_BYTES))
    Completion.objects.filter(pk=completion.pk).update(certificate="certificates/old.html")
    client.force_login(tenant.sro)

    response = client.get(reverse("training:certificate", args=[completion.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Disposition"].endswith('.pdf"')
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_a_file_of_another_kind_is_not_stored_even_past_the_form(tenant):
    completion = tenant.completion
    completion.certificate = SimpleUploadedFile("certificate.pdf", b"<html>not a pdf</html>")
    with pytest.raises(ValidationError) as error:
        completion.save()
    assert "PDF, PNG or JPEG" in error.value.message_dict["certificate"][0]
