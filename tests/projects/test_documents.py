"""Study documents: accepted for what their bytes are, stored out of any public URL, served back
only to those who may see the project, and every download logged."""

import struct
import zlib
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from beneficiaries.models import AccessLog
from projects.models import MicroProject, Study
from tests.projects.workflow_stages import khemisset_convention, submitted

pytestmark = pytest.mark.django_db

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def png_pixel() -> bytes:
    """A real 1×1 PNG, chunk by chunk."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x0b\x6e\x4f")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


@pytest.fixture(autouse=True)
def files_in_tmp(settings, tmp_path, client):
    settings.MEDIA_ROOT = tmp_path
    client.cookies["idmaj_language"] = "en"


@pytest.fixture
def convention():
    return khemisset_convention()


@pytest.fixture
def project(convention, khemisset_staff):
    return submitted(convention, khemisset_staff)


def study_with(client_for, anapec, project, upload):
    data = {"feasible": "yes", "expected_monthly_revenue": "4000", "recommended_amount": "28000", "document": upload}
    return client_for(anapec).post(reverse("projects:record_study", args=[project.pk]), data)


def stored_files(tmp_path) -> list:
    return [path for path in tmp_path.rglob("*") if path.is_file()]


def download(client, study):
    """(response, body). Reading the whole body closes the file, as a WSGI server would."""
    response = client.get(reverse("projects:study_document", args=[study.pk]))
    body = b"".join(response.streaming_content) if response.status_code == 200 else b""
    return response, body


@pytest.mark.parametrize(
    ("name", "content", "content_type", "extension"),
    [("etude.pdf", PDF, "application/pdf", "pdf"), ("photo-atelier.png", png_pixel(), "image/png", "png")],
)
def test_a_study_document_is_stored_privately_and_served_back_as_sent(
    client_for, rsk_coordinator, project, tmp_path, name, content, content_type, extension
):
    response = study_with(client_for, rsk_coordinator, project, SimpleUploadedFile(name, content, "text/plain"))
    assert response.status_code == 302
    study = Study.objects.get(project=project)
    assert [path.read_bytes() for path in stored_files(tmp_path)] == [content]
    served, body = download(client_for(rsk_coordinator), study)
    assert served.status_code == 200
    assert body == content
    assert served["Content-Type"] == content_type  # from the bytes, not from what the browser said
    assert served["Content-Disposition"] == f'attachment; filename="study-{project.pk}-1.{extension}"'
    assert served["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("etude.pdf", b"<!doctype html><script>alert(document.cookie)</script>", "Send a PDF, JPEG or PNG file."),
        ("etude.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 100, "Send a PDF, JPEG or PNG file."),
        ("etude.pdf", PDF + b"\x00" * (10 * 1024 * 1024), "The file is too large: 10 MB at most."),
    ],
    ids=["html-named-pdf", "exe", "oversized"],
)
def test_a_document_that_is_not_a_pdf_jpeg_or_png_is_refused_and_nothing_is_written(
    client_for, rsk_coordinator, project, tmp_path, name, content, error
):
    response = study_with(client_for, rsk_coordinator, project, SimpleUploadedFile(name, content, "application/pdf"))
    assert response.status_code == 200
    assert response.context["form"].errors["document"] == [error]
    assert error in response.content.decode()
    assert not Study.objects.exists()
    assert MicroProject.objects.get(pk=project.pk).status == MicroProject.Status.SUBMITTED
    assert stored_files(tmp_path) == []


@pytest.fixture
def study(project, rsk_coordinator):
    return project.record_study(
        by=rsk_coordinator,
        feasible=True,
        expected_monthly_revenue=Decimal("4000"),
        recommended_amount=Decimal("28000"),
        document=SimpleUploadedFile("etude.pdf", PDF),
    )


@pytest.mark.parametrize("persona", ["khemisset_staff", "rsk_coordinator", "khemisset_indh", "rsk_fm6rd", "admin_user"])
def test_those_who_see_the_project_download_its_study_and_each_download_is_logged(request, client_for, study, persona):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    for expected_rows in (1, 2):
        response, body = download(client, study)
        assert (response.status_code, body) == (200, PDF)
        logged = AccessLog.objects.filter(user=user, action=AccessLog.Action.DOCUMENT)
        assert logged.count() == expected_rows
    assert {(row.beneficiary_id, row.query) for row in logged} == {(study.project.lead_id, f"study={study.pk}")}


def test_staff_of_another_province_get_404(client_for, rabat_staff, study):
    assert download(client_for(rabat_staff), study)[0].status_code == 404
    assert not AccessLog.objects.filter(action=AccessLog.Action.DOCUMENT).exists()


def test_a_coordinator_whose_partner_has_no_part_in_the_project_gets_404(
    client_for, convention, khemisset_staff, rsk_coordinator, rsk_fm6rd
):
    project = submitted(convention, khemisset_staff, fm6rd=None)  # INDH alone funds it
    study = project.record_study(
        by=rsk_coordinator,
        feasible=True,
        expected_monthly_revenue=Decimal("1"),
        recommended_amount=Decimal("1"),
        document=SimpleUploadedFile("etude.pdf", PDF),
    )
    assert download(client_for(rsk_fm6rd), study)[0].status_code == 404
    assert not AccessLog.objects.filter(action=AccessLog.Action.DOCUMENT).exists()


@pytest.mark.parametrize("persona", ["khemisset_official", "unscoped_coordinator"])
def test_officials_and_coordinators_without_a_partner_get_403(request, client_for, study, persona):
    assert download(client_for(request.getfixturevalue(persona)), study)[0].status_code == 403
    assert not AccessLog.objects.filter(action=AccessLog.Action.DOCUMENT).exists()


def test_a_study_without_a_document_answers_404_and_logs_nothing(client_for, project, rsk_coordinator):
    study = project.record_study(
        by=rsk_coordinator, feasible=True, expected_monthly_revenue=Decimal("1"), recommended_amount=Decimal("1")
    )
    assert download(client_for(rsk_coordinator), study)[0].status_code == 404
    assert not AccessLog.objects.filter(action=AccessLog.Action.DOCUMENT).exists()


def test_a_missing_study_answers_404(client_for, khemisset_staff):
    response = client_for(khemisset_staff).get(reverse("projects:study_document", args=[999999]))
    assert response.status_code == 404
