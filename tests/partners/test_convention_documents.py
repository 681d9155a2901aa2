"""The signed convention: checked by its content when uploaded, served only in scope, logged."""

import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reintegration.lib.documents import DOCUMENT_MAX_BYTES
from tests.partners.conftest import form_data

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


def upload(client, convention, content, name="convention.pdf"):
    url = reverse("partners:convention_edit", args=[convention.pk])
    data = form_data(client.get(url))
    data["document"] = SimpleUploadedFile(name, content, content_type="application/pdf")
    return client.post(url, data)


@pytest.fixture
def signed(in_english, admin_user, convention):
    assert upload(in_english(admin_user), convention, PDF).status_code == 302
    convention.refresh_from_db()
    return convention


def test_the_signed_convention_is_uploaded_and_downloaded_as_a_pdf_attachment(in_english, khemisset_staff, signed):
    response = in_english(khemisset_staff).get(reverse("partners:convention_document", args=[signed.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="convention-khe-2020-fm6rd-cpdh.pdf"'
    assert b"".join(response.streaming_content) == PDF


def test_the_convention_page_links_to_its_signed_document(in_english, khemisset_official, signed):
    page = in_english(khemisset_official).get(signed.get_absolute_url()).content.decode()
    assert f'href="{reverse("partners:convention_document", args=[signed.pk])}"' in page


def test_each_download_is_logged_with_the_user_and_the_convention(in_english, khemisset_staff, signed, caplog):
    with caplog.at_level(logging.INFO, logger="idmaj.documents"):
        in_english(khemisset_staff).get(reverse("partners:convention_document", args=[signed.pk]))
    [record] = [record for record in caplog.records if record.name == "idmaj.documents"]
    assert record.levelno == logging.INFO
    assert record.getMessage() == f"convention document served: user={khemisset_staff.pk} convention={signed.pk}"


def test_the_document_is_not_served_outside_the_scope_nor_logged(in_english, rabat_staff, signed, caplog):
    with caplog.at_level(logging.INFO, logger="idmaj.documents"):
        response = in_english(rabat_staff).get(reverse("partners:convention_document", args=[signed.pk]))
    assert response.status_code == 404
    assert not [record for record in caplog.records if record.name == "idmaj.documents"]


def test_a_convention_without_a_document_has_no_download(in_english, khemisset_staff, convention):
    client = in_english(khemisset_staff)
    assert client.get(reverse("partners:convention_document", args=[convention.pk])).status_code == 404
    assert (
        reverse("partners:convention_document", args=[convention.pk])
        not in client.get(convention.get_absolute_url()).content.decode()
    )


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"<html><script>alert(1)</script></html>", "convention.pdf", "Send a PDF, JPEG or PNG file."),
        (b"MZ\x90\x00 an executable", "scan.png", "Send a PDF, JPEG or PNG file."),
        (PDF + b"\0" * DOCUMENT_MAX_BYTES, "convention.pdf", "The file is too large: 10 MB at most."),
    ],
    ids=["html renamed pdf", "executable renamed png", "over 10 MB"],
)
def test_a_hostile_file_is_refused_at_upload(in_english, admin_user, convention, content, name, message, settings):
    response = upload(in_english(admin_user), convention, content, name)
    assert response.status_code == 200
    assert response.context["form"].errors == {"document": [message]}
    convention.refresh_from_db()
    assert not convention.document
    assert [path for path in settings.MEDIA_ROOT.rglob("*") if path.is_file()] == []
