"""The handover receipt (procès-verbal de remise) as a PDF, in Arabic and in French.

The PDF's text is read back with poppler's pdftotext, as a clerk's search or a screen reader would:
the Arabic name must come out in the order it is read, the total in words, the CIN masked and never
whole (in the text, the compressed streams, the metadata).
"""

import re
import shutil
import subprocess
import unicodedata
import zlib
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from beneficiaries.models import AccessLog
from disbursements.receipts import OFFLINE, amount_in_words
from tests.disbursements.stages import plan_cash, plan_equipment, sewing_machines
from tests.factories import BeneficiaryFactory, consent
from tests.projects.workflow_stages import approved, khemisset_convention

POPPLER = shutil.which("pdftotext") and shutil.which("pdfinfo") and shutil.which("pdffonts")
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftotext, pdfinfo, pdffonts) is not installed")

# The 2020 Khémisset ceremony's total: 322,650 MAD of equipment from INDH.
CEREMONY_ITEMS = [sewing_machines(quantity=3, unit_price="100000"), sewing_machines(quantity=1, unit_price="22650")]
FULL_CIN = "XA200139"


@pytest.fixture
def person(khemisset_staff):
    return consent(
        BeneficiaryFactory(
            cin=FULL_CIN, first_name="Driss", last_name="Tahiri", first_name_ar="إدريس", last_name_ar="الطاهري"
        )
    )


@pytest.fixture
def project(person, khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd):
    convention = khemisset_convention()
    return approved(convention, khemisset_staff, rsk_coordinator, khemisset_indh, rsk_fm6rd, lead=person, indh="322650")


@pytest.fixture
def handover(project, khemisset_staff):
    handover = plan_equipment(project, khemisset_staff, items=[*CEREMONY_ITEMS])
    handover.deliver(by=khemisset_staff, on=timezone.localdate())
    return handover


def receipt_url(handover, language):
    return reverse("disbursements:receipt", args=[handover.pk]) + f"?language={language}"


def pdf_text(pdf: bytes, tmp_path) -> str:
    """The PDF's text in reading order, on one line.

    pdftotext's default mode reorders right-to-left runs into logical (reading) order and wraps each
    run in bidi embedding marks (U+202A–U+202E): dropped here, Arabic reads as typed. (Its -raw mode
    keeps drawing order instead, and gives the Arabic name last word first: not what a reader sees.)
    NFKC folds any presentation form (a ligature's glyph) back to its letters."""
    path = tmp_path / "receipt.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    text = re.sub("[\u202a-\u202e\u2066-\u2069]", "", unicodedata.normalize("NFKC", text))
    return " ".join(text.split())


def pdf_tool(tool: str, pdf: bytes, tmp_path) -> str:
    path = tmp_path / "receipt.pdf"
    path.write_bytes(pdf)
    return subprocess.run([tool, str(path)], capture_output=True, text=True, check=True).stdout


def inflated_streams(pdf: bytes) -> bytes:
    """Every stream of the PDF, decompressed: what a CIN hidden in a font or a content stream would be."""
    streams = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        try:
            streams.append(zlib.decompress(match.group(1)))
        except zlib.error:
            streams.append(match.group(1))
    return b"\n".join(streams)


@needs_poppler
def test_the_arabic_receipt_names_the_person_in_reading_order_with_the_total_in_words(
    client_for, khemisset_staff, handover, tmp_path
):
    response = client_for(khemisset_staff).get(receipt_url(handover, "ar"))
    assert response.status_code == 200
    text = pdf_text(response.content, tmp_path)
    assert "محضر تسليم" in text
    assert "إدريس الطاهري" in text  # as read, first name first, not "الطاهري إدريس"
    assert "Driss Tahiri" in text
    assert "ثلاثمائة واثنان وعشرون ألفا وستمائة وخمسون درهما" in text
    # pdftotext moves the space between a left-to-right number and the Arabic word after it.
    assert re.search(r"322\.650,00 ?درهم", text)
    assert "إقليم الخميسات" in text
    assert handover.number in text and handover.display_code in text


@needs_poppler
def test_the_french_receipt_writes_the_total_in_words_and_keeps_the_arabic_name(
    client_for, khemisset_staff, handover, tmp_path
):
    response = client_for(khemisset_staff).get(receipt_url(handover, "fr"))
    text = pdf_text(response.content, tmp_path)
    assert "Procès-verbal de remise" in text
    assert "trois cent vingt-deux mille six cent cinquante dirhams" in text
    assert "322 650,00 MAD" in text.replace("\u00a0", " ")  # French groups with a (no-break) space
    assert "إدريس الطاهري" in text
    assert "Province de Khémisset" in text
    with translation.override("fr"):
        assert date_format(timezone.localdate(), "j F Y") in text  # "2 décembre 2026"
    assert "KHE-2020-FM6RD-CPDH" in text  # the convention
    assert "Initiative nationale pour le développement humain" in text  # the partner, in French
    for signatory in ("Le bénéficiaire", "Le représentant de la province", "Le représentant du partenaire"):
        assert signatory in text


@needs_poppler
@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_receipt_shows_the_cin_masked_and_never_whole(client_for, khemisset_staff, handover, tmp_path, language):
    pdf = client_for(khemisset_staff).get(receipt_url(handover, language)).content
    assert "XA****39" in pdf_text(pdf, tmp_path)
    assert FULL_CIN not in pdf_text(pdf, tmp_path)
    assert FULL_CIN.encode() not in pdf
    assert FULL_CIN.encode() not in inflated_streams(pdf)
    assert FULL_CIN not in pdf_tool("pdfinfo", pdf, tmp_path)


@needs_poppler
@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_receipt_is_one_a4_page_titled_with_its_number_in_embedded_noto_fonts(
    client_for, khemisset_staff, handover, tmp_path, language
):
    pdf = client_for(khemisset_staff).get(receipt_url(handover, language)).content
    info = pdf_tool("pdfinfo", pdf, tmp_path)
    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE)
    assert re.search(r"^Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info, re.MULTILINE)
    assert re.search(rf"^Title:\s+{handover.number}$", info, re.MULTILINE)
    fonts = pdf_tool("pdffonts", pdf, tmp_path)
    assert "Noto-Naskh-Arabic" in fonts  # the Arabic name is drawn in Naskh in both languages
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:])  # every font embedded


@needs_poppler
def test_the_qr_code_links_to_the_verification_page_filled_in(client_for, khemisset_staff, handover, tmp_path):
    pdf = client_for(khemisset_staff).get(receipt_url(handover, "fr")).content
    address = f"http://testserver/disbursements/verify/?number={handover.number}&code={handover.display_code}"
    assert f"/URI ({address})".encode() in inflated_streams(pdf)  # the QR code links where it leads
    assert "http://testserver/disbursements/verify/" in pdf_text(pdf, tmp_path)


@needs_poppler
def test_a_cash_receipt_gives_the_amount_the_method_and_the_reference(client_for, khemisset_staff, project, tmp_path):
    cash = plan_cash(project, khemisset_staff, amount="7999.50", cash_reference="VIR-2026-0042")
    text = pdf_text(client_for(khemisset_staff).get(receipt_url(cash, "fr")).content, tmp_path)
    assert "Aide financière remise" in text
    assert "VIR-2026-0042" in text
    assert "sept mille neuf cent quatre-vingt-dix-neuf dirhams et cinquante centimes" in text
    assert "Date prévue de la remise" in text  # planned: signed at the ceremony


@needs_poppler
def test_a_collective_project_lists_its_co_beneficiaries_masked(
    client_for, khemisset_staff, project, handover, tmp_path
):
    partner = consent(
        BeneficiaryFactory(cin="XB300555", first_name="Karim", first_name_ar="كريم", last_name_ar="زياني")
    )
    project.co_beneficiaries.add(partner)
    text = pdf_text(client_for(khemisset_staff).get(receipt_url(handover, "ar")).content, tmp_path)
    assert "كريم زياني" in text
    assert "XB****55" in text and "XB300555" not in text


def test_generating_a_receipt_is_logged_for_each_beneficiary(client_for, khemisset_staff, project, handover):
    partner = consent(BeneficiaryFactory())
    project.co_beneficiaries.add(partner)
    client_for(khemisset_staff).get(receipt_url(handover, "fr"))
    logged = AccessLog.objects.filter(user=khemisset_staff, action=AccessLog.Action.RECEIPT)
    assert sorted(logged.values_list("beneficiary", flat=True)) == sorted([project.lead_id, partner.pk])


def test_the_receipt_is_served_inline_as_a_pdf_named_after_its_number(client_for, khemisset_staff, handover):
    response = client_for(khemisset_staff).get(receipt_url(handover, "ar"))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{handover.number}-ar.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content.startswith(b"%PDF-")


def test_without_a_language_the_receipt_is_in_the_interface_language(client_for, khemisset_staff, handover):
    client = client_for(khemisset_staff)
    client.cookies["idmaj_language"] = "fr"
    response = client.get(reverse("disbursements:receipt", args=[handover.pk]))
    assert response["Content-Disposition"] == f'inline; filename="{handover.number}-fr.pdf"'


def test_a_language_receipts_are_not_written_in_is_not_found(client_for, khemisset_staff, handover):
    assert client_for(khemisset_staff).get(receipt_url(handover, "en")).status_code == 404


def test_a_reversed_delivery_gets_no_receipt_but_a_page_saying_why(client_for, khemisset_staff, handover):
    handover.reverse(by=khemisset_staff, reason="Wrong serial numbers")
    client = client_for(khemisset_staff)
    client.cookies["idmaj_language"] = "en"  # the page speaks the interface's language, read here in English
    response = client.get(receipt_url(handover, "fr"))
    assert response.status_code == 409
    assert response["Content-Type"].startswith("text/html")
    assert f"This delivery was reversed on {timezone.localdate():%d/%m/%Y}" in response.text
    assert not AccessLog.objects.filter(action=AccessLog.Action.RECEIPT).exists()


def test_a_cancelled_handover_gets_no_receipt(client_for, khemisset_staff, project):
    planned = plan_cash(project, khemisset_staff)
    planned.cancel(by=khemisset_staff, reason="The person moved away")
    client = client_for(khemisset_staff)
    client.cookies["idmaj_language"] = "en"
    response = client.get(receipt_url(planned, "ar"))
    assert response.status_code == 409
    assert "This handover was cancelled on" in response.text


def test_officials_get_403(client_for, khemisset_official, handover):
    assert client_for(khemisset_official).get(receipt_url(handover, "fr")).status_code == 403


def test_staff_of_another_province_get_404(client_for, rabat_staff, handover):
    assert client_for(rabat_staff).get(receipt_url(handover, "fr")).status_code == 404


def test_a_coordinator_of_another_partner_gets_404(client_for, rsk_fm6rd, handover):
    # The handover is INDH's line: the Foundation's coordinator sees only its own lines' handovers.
    assert client_for(rsk_fm6rd).get(receipt_url(handover, "fr")).status_code == 404


def test_the_funding_partners_coordinator_gets_the_receipt(client_for, khemisset_indh, handover):
    assert client_for(khemisset_indh).get(receipt_url(handover, "ar")).status_code == 200


def test_the_receipt_rejects_a_post(client_for, khemisset_staff, handover):
    assert client_for(khemisset_staff).post(receipt_url(handover, "fr")).status_code == 405


def test_the_handover_page_links_offer_both_languages(khemisset_staff, handover):
    from django.template.loader import render_to_string

    html = render_to_string("disbursements/includes/receipt_links.html", {"handover": handover})
    assert f'href="{receipt_url(handover, "ar")}"' in html and f'href="{receipt_url(handover, "fr")}"' in html
    handover.reverse(by=khemisset_staff, reason="Wrong person")
    assert "receipt-links" not in render_to_string("disbursements/includes/receipt_links.html", {"handover": handover})


@pytest.mark.parametrize(
    ("amount", "french", "arabic"),
    [
        (
            "322650",
            "trois cent vingt-deux mille six cent cinquante dirhams",
            "ثلاثمائة واثنان وعشرون ألفا وستمائة وخمسون درهما",
        ),
        ("1", "un dirham", "درهم واحد"),
        ("8", "huit dirhams", "ثمانية دراهم"),
        ("1000000", "un million de dirhams", "مليون درهم"),
        ("2000.75", "deux mille dirhams et soixante-quinze centimes", "ألفا درهم وخمسة وسبعون سنتيما"),
        ("0.50", "cinquante centimes", "خمسون سنتيما"),
    ],
)
def test_amounts_in_words_name_dirhams_and_centimes_as_each_language_counts_them(amount, french, arabic):
    assert amount_in_words(Decimal(amount), "fr") == french
    assert amount_in_words(Decimal(amount), "ar") == arabic


@pytest.mark.parametrize(
    "address", ["http://example.org/logo.png", "https://cdn.example.org/a.css", "file:///etc/passwd"]
)
def test_the_pdf_renderer_fetches_nothing_but_inline_data(address):
    with pytest.raises(ValueError, match="disallowed protocol"):
        OFFLINE(address)
    assert OFFLINE("data:text/plain,QR").read() == b"QR"


def test_the_receipt_bench_times_both_languages_on_the_seeded_handovers(khemisset_staff, handover, settings):
    from bench.receipts import bench_receipts

    settings.ALLOWED_HOSTS = ["testserver"]
    results = bench_receipts({"province": khemisset_staff}, repeat=1, log=lambda line: None)
    assert [result.scenario for result in results] == [
        "receipt PDF (ar) · receipt_pdf",
        "receipt PDF (fr) · receipt_pdf",
        "receipt PDF (ar) · page",
        "receipt PDF (fr) · page",
    ]
    assert all(result.median_ms > 0 and result.target == "≤ 500 ms" for result in results)
