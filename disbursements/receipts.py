"""The handover receipt (procès-verbal de remise, محضر تسليم): a PDF in Arabic or in French.

The document's own words are written per language in its templates
(templates/disbursements/receipt/ar.html and fr.html, on layout.html), whatever the interface
language: a receipt printed in French by an Arabic-speaking clerk is all French. The values that
come from choices (sector, category, payment method) are read inside translation.override.

WeasyPrint must never load anything: the QR code is inline (a data: URI), the fonts are found by
name through fontconfig (Debian's fonts-noto-core), and the URL fetcher refuses every scheme but
data:. The CIN is masked as everywhere on the site; the full one is never in the context.
"""

from dataclasses import dataclass
from datetime import date

import segno
from django.template.loader import render_to_string
from django.utils import translation
from num2words import num2words
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from disbursements.models import Handover, LedgerEntry
from reintegration.lib.money import format_mad, to_amount

LANGUAGES = ("ar", "fr")
# Nothing from the network or the disk: only the inline QR code (data:) may be "fetched".
OFFLINE = URLFetcher(allowed_protocols={"data"})
ENDED = {Handover.Status.CANCELLED, Handover.Status.REVERSED}


# ----- the amount in words ------------------------------------------------------------------------

# The counted noun after a number in Arabic: (one, two, three to ten, eleven to ninety-nine, a hundred
# and above ending in 00, 01 or 02). "درهم واحد", "درهمان", "ثلاثة دراهم", "خمسون درهما", "مائة درهم".
ARABIC_NOUNS = {
    "dirham": ("درهم واحد", "درهمان", "دراهم", "درهما", "درهم"),
    "centime": ("سنتيم واحد", "سنتيمان", "سنتيمات", "سنتيما", "سنتيم"),
}


ARABIC_MARKS = dict.fromkeys(range(0x064B, 0x0653))  # tanween, short vowels, shadda, sukun


def _arabic_number(number: int) -> str:
    # num2words writes "ثلاثمائة و اثنان": the conjunction is joined to the next word in Arabic. Its
    # "ألفاً" loses the tanween, as administrative Arabic is written: a mark alone at the end of a
    # line is copied (and searched) apart from its letter.
    return num2words(number, lang="ar").replace(" و ", " و").translate(ARABIC_MARKS)


def _arabic_counted(number: int, noun: str) -> str:
    one, two, few, many, hundreds = ARABIC_NOUNS[noun]
    if number == 1:
        return one
    if number == 2:
        return two
    last_two = number % 100
    if 3 <= last_two <= 10:
        words = f"{_arabic_number(number)} {few}"
    elif 11 <= last_two <= 99:
        words = f"{_arabic_number(number)} {many}"
    else:
        words = f"{_arabic_number(number)} {hundreds}"
    return words


def _french_counted(number: int, noun: str) -> str:
    words = num2words(number, lang="fr")
    if number <= 1:
        return f"{words} {noun}"
    # "un million de dirhams", "deux milliards de dirhams"; but "un million cent dirhams".
    if words.split()[-1] in {"million", "millions", "milliard", "milliards"}:
        return f"{words} de {noun}s"
    return f"{words} {noun}s"


def amount_in_words(amount, language: str) -> str:
    """322650 → "trois cent vingt-deux mille six cent cinquante dirhams" / "... وخمسون درهما";
    centimes after "et" / "و"."""
    dirhams, centimes = divmod(int(to_amount(amount) * 100), 100)
    if language == "ar":
        parts = [_arabic_counted(dirhams, "dirham")] if dirhams or not centimes else []
        if centimes:
            parts.append(_arabic_counted(centimes, "centime"))
        return " و".join(parts)
    parts = [_french_counted(dirhams, "dirham")] if dirhams or not centimes else []
    if centimes:
        parts.append(_french_counted(centimes, "centime"))
    return " et ".join(parts)


# ----- what the receipt says -----------------------------------------------------------------------


@dataclass
class Person:
    """A beneficiary as the receipt shows them: both scripts, the CIN masked."""

    latin: str
    arabic: str
    masked_cin: str

    @classmethod
    def of(cls, beneficiary) -> "Person":
        return cls(
            latin=" ".join(part for part in (beneficiary.first_name, beneficiary.last_name) if part),
            arabic=" ".join(part for part in (beneficiary.first_name_ar, beneficiary.last_name_ar) if part),
            masked_cin=beneficiary.masked_cin,
        )


def receipt_handover(queryset, pk):
    """The handover with everything its receipt shows, in four queries."""
    return (
        queryset.select_related(
            "province", "project__lead", "line__partner", "line__convention", "ceremony", "delivered_by"
        )
        .prefetch_related("items", "project__co_beneficiaries")
        .get(pk=pk)
    )


def ended_on(handover) -> date | None:
    """The day a cancelled or reversed handover stopped counting (None while it counts)."""
    if handover.status == Handover.Status.REVERSED:
        reversal = LedgerEntry.objects.filter(handover=handover, reverses__isnull=False).first()
        return reversal.value_date if reversal else None
    if handover.status == Handover.Status.CANCELLED:
        cancelled = handover.history.filter(status=Handover.Status.CANCELLED).order_by("history_date").first()
        moment = cancelled.history_date if cancelled else handover.updated_at
        return moment.date()
    return None


def province_heading(province, language: str) -> str:
    """ "Province de Khémisset", "Préfecture d'Oujda-Angad", "إقليم الخميسات", "عمالة الرباط"."""
    prefecture = province.kind == province.Kind.PREFECTURE
    if language == "ar":
        return f"{'عمالة' if prefecture else 'إقليم'} {province.name_ar}"
    preposition = "d'" if province.name_fr[:1].upper() in "AEIOUÉÈ" else "de "
    return f"{'Préfecture' if prefecture else 'Province'} {preposition}{province.name_fr}"


def qr_data_uri(url: str) -> str:
    # Error level M, as the 2FA code: readable from a creased sheet printed at 300 dpi or a photocopy.
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2, dark="#000")


def receipt_context(handover, *, language: str, verify_url: str) -> dict:
    project, line = handover.project, handover.line
    with translation.override(language):
        items = [
            {
                "designation": item.designation,
                "category": item.get_category_display(),
                "quantity": item.quantity,
                "unit_price": format_mad(item.unit_price, language),
                "total": format_mad(item.total, language),
                "serial_number": item.serial_number,
            }
            for item in handover.items.all()
        ]
        return {
            "handover": handover,
            "language": language,
            "delivered": handover.status == Handover.Status.DELIVERED,
            "day": handover.delivered_on or handover.planned_on,
            "province": province_heading(handover.province, language),
            "prefecture": handover.province.kind == handover.province.Kind.PREFECTURE,
            "lead": Person.of(project.lead),
            "co_beneficiaries": [Person.of(person) for person in project.co_beneficiaries.all()],
            "project": project,
            "sector": project.get_sector_display(),
            "items": items,
            "cash_method": handover.get_cash_method_display(),
            "total": format_mad(handover.amount, language),
            "total_in_words": amount_in_words(handover.amount, language),
            "partner_name": line.partner.name_ar if language == "ar" else line.partner.name_fr,
            "partner": line.partner,
            "convention": line.convention,
            "ceremony": handover.ceremony,
            "code": handover.display_code,
            "verify_url": verify_url,
            "verify_page": verify_url.split("?")[0],
            "qr": qr_data_uri(verify_url),
        }


def receipt_pdf(handover, *, language: str, verify_url: str) -> bytes:
    """The receipt of `handover` (loaded by receipt_handover) in `language` ("ar" or "fr"), as PDF
    bytes. `verify_url`: the absolute address of its verification page, drawn as the QR code."""
    if language not in LANGUAGES:
        raise ValueError(f"Receipts are written in Arabic or French, not {language!r}.")
    context = receipt_context(handover, language=language, verify_url=verify_url)
    with translation.override(language):
        html = render_to_string(f"disbursements/receipt/{language}.html", context)
    return HTML(string=html, base_url=None, url_fetcher=OFFLINE).write_pdf()
