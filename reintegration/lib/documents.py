"""Signed conventions, studies (and later receipts): checked by content, stored privately, served in scope.

A document is accepted for what its bytes are, never for its name or the browser's content type:
PDF, JPEG or PNG, at most DOCUMENT_MAX_BYTES. It is stored under MEDIA_ROOT, which no URL serves
(README, "Production deployment"); a view of the owning app looks the object up through its access
root (404 outside scope), then answers with `serve_document`, as an attachment the browser never
renders in the site's origin.
"""

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _

DOCUMENT_MAX_BYTES = 10 * 1024 * 1024

# (leading bytes, content type, extension)
KINDS = [
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
]


def document_kind(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a file starting with `head`, or None for any other kind."""
    for magic, content_type, extension in KINDS:
        if head.startswith(magic):
            return content_type, extension
    return None


def validate_document(file) -> None:
    """PDF, JPEG or PNG by content, not over the size limit."""
    if file.size > DOCUMENT_MAX_BYTES:
        raise ValidationError(
            _("The file is too large: %(max)s MB at most."),
            code="too_large",
            params={"max": DOCUMENT_MAX_BYTES // (1024 * 1024)},
        )
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    if document_kind(head) is None:
        raise ValidationError(_("Send a PDF, JPEG or PNG file."), code="kind")


def serve_document(field_file, download_name: str) -> FileResponse:
    """The stored file as an attachment; the content type comes from its bytes again, not its name."""
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    head = handle.read(16)
    handle.seek(0)
    content_type, extension = document_kind(head) or ("application/octet-stream", "bin")
    response = FileResponse(
        handle, as_attachment=True, filename=f"{download_name}.{extension}", content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
