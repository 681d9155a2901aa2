"""The columns an import understands, and how a header written in English, French or Arabic maps to one.

Headers are compared after folding: case, accents, Arabic letter variants, spaces, underscores,
hyphens and apostrophes do not matter ("Date de naissance" = "date_naissance" = "DATE-NAISSANCE").
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from beneficiaries.importing.messages import problem
from beneficiaries.models import Beneficiary
from reintegration.lib.names import fold


@dataclass(frozen=True)
class Column:
    field: str  # also the English column name
    french: tuple[str, ...]
    arabic: tuple[str, ...]
    requirement: str = ""  # shown on the upload page

    @property
    def names(self) -> tuple[str, ...]:
        return (self.field, *self.french, *self.arabic)


REQUIRED = _("required")
CIN_OR_REASON = _("cin, or no_cin_reason when the person has none")
NAMES_IN_ONE_SCRIPT = _("both names in Latin script, or both in Arabic script")
OPTIONAL = _("optional")

COLUMNS = [
    Column("cin", ("cin", "cnie", "numero cin", "n° cin"), ("رقم البطاقة الوطنية", "البطاقة الوطنية"), CIN_OR_REASON),
    Column(
        "no_cin_reason",
        ("motif_sans_cin", "motif absence cin"),
        ("سبب_غياب_البطاقة", "سبب عدم التوفر على البطاقة"),
        CIN_OR_REASON,
    ),
    Column("first_name", ("prenom", "prénom"), ("الاسم الشخصي",), NAMES_IN_ONE_SCRIPT),
    Column("last_name", ("nom", "nom de famille"), ("الاسم العائلي",), NAMES_IN_ONE_SCRIPT),
    Column("first_name_ar", ("prenom_ar", "prénom arabe"), ("الاسم الشخصي بالعربية",), NAMES_IN_ONE_SCRIPT),
    Column("last_name_ar", ("nom_ar", "nom arabe"), ("الاسم العائلي بالعربية",), NAMES_IN_ONE_SCRIPT),
    Column("sex", ("sexe",), ("الجنس",), REQUIRED),
    Column("date_of_birth", ("date_naissance", "date de naissance"), ("تاريخ الازدياد", "تاريخ الميلاد"), REQUIRED),
    Column("phone", ("telephone", "téléphone", "tel"), ("الهاتف", "رقم الهاتف"), OPTIONAL),
    Column("commune", ("commune",), ("الجماعة",), OPTIONAL),
    Column("release_date", ("date_liberation", "date de libération", "date de sortie"), ("تاريخ الإفراج",), OPTIONAL),
    Column("prison", ("prison", "établissement pénitentiaire", "etablissement"), ("المؤسسة السجنية",), OPTIONAL),
    Column("referral_source", ("source_orientation", "source d'orientation"), ("جهة الإحالة",), OPTIONAL),
]
FIELDS = [column.field for column in COLUMNS]
NAME_PAIRS = [("first_name", "last_name"), ("first_name_ar", "last_name_ar")]


def header_key(text) -> str:
    return "".join(fold(str(text or "").replace("'", " ").replace("’", " ")).replace("_", " ").split())


ALIASES = {header_key(name): column.field for column in COLUMNS for name in column.names}


@cache
def export_titles() -> dict[str, str]:
    """The headers of an export (the record's labels, in each language) → field, so that a file
    exported in Arabic, French or English imports as it is (beneficiaries.views.export)."""
    titles = {}
    for language in dict(settings.LANGUAGES):
        with translation.override(language):
            for field in FIELDS:
                titles[header_key(Beneficiary._meta.get_field(field).verbose_name)] = field
    return titles


def field_for(title: str) -> str | None:
    key = header_key(title)
    return ALIASES.get(key) or export_titles().get(key)


@dataclass
class Header:
    """Which file column holds which field, and the columns nobody asked for."""

    fields: dict[str, int]  # field -> index in the row
    titles: dict[str, str]  # field -> the header as written in the file, to point at it in messages
    unknown: list[dict]  # {"letter": "F", "name": "Observations"}


def read_header(cells: list, filled_columns: set[int]) -> tuple[Header, list[dict]]:
    """Map the header row; return the problems that make the file unusable (missing or doubled columns)."""
    fields, titles, unknown, problems = {}, {}, [], []
    for index, cell in enumerate(cells):
        title = str(cell or "").strip()
        field = field_for(title)
        if field and field in fields:
            problems.append(problem("duplicate_column", first=titles[field], second=title))
        elif field:
            fields[field], titles[field] = index, title
        elif title or index in filled_columns:  # an untitled column that holds data is reported too
            unknown.append({"letter": column_letter(index), "name": title})
    missing = [name for name in ("sex", "date_of_birth") if name not in fields]
    if missing:
        problems.append(problem("missing_columns", columns=missing))
    if "cin" not in fields and "no_cin_reason" not in fields:
        problems.append(problem("missing_cin_column"))
    if not any(first in fields and last in fields for first, last in NAME_PAIRS):
        problems.append(problem("missing_name_columns"))
    return Header(fields, titles, unknown), problems


@dataclass(frozen=True)
class ColumnTable:
    """What reading a file needs to know of an import's columns: which field a title names, and how
    the header row maps (with the problems that make the file unusable). The beneficiary import's
    is BENEFICIARY_COLUMNS; the history import (disbursements.history) passes its own to read_upload."""

    field_for: Callable[[str], str | None]
    read_header: Callable[[list, set], tuple[Header, list[dict]]]


BENEFICIARY_COLUMNS = ColumnTable(field_for=field_for, read_header=read_header)


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: how spreadsheets name columns."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters
