"""The columns of a history file: a past project's funding line, and (optional) the beneficiary
columns of the beneficiary import, for a person the same file registers.

Headers are read as the beneficiary import reads them (folded: case, accents, spaces, Arabic
letter variants do not matter), in English, French or Arabic.
"""

from django.utils.translation import gettext_lazy as _

from beneficiaries.importing import columns as person_columns
from beneficiaries.importing.columns import Column, ColumnTable, Header, column_letter, header_key
from beneficiaries.importing.messages import problem
from disbursements.history import messages

REQUIRED = _("required")
OPTIONAL = _("optional")
PERSON = _("for a person not yet registered")

HISTORY_COLUMNS = [
    Column("cin", ("cin", "cnie", "numero cin", "n° cin"), ("رقم البطاقة الوطنية", "البطاقة الوطنية"), REQUIRED),
    Column(
        "title", ("titre", "titre du projet", "projet", "intitulé du projet"), ("عنوان المشروع", "المشروع"), REQUIRED
    ),
    Column("sector", ("secteur", "secteur d'activité"), ("القطاع", "قطاع النشاط"), REQUIRED),
    Column("commune", ("commune",), ("الجماعة",), OPTIONAL),
    Column(
        "total_cost", ("cout total", "coût total", "coût du projet"), ("الكلفة الإجمالية", "كلفة المشروع"), REQUIRED
    ),
    Column(
        "own_contribution",
        ("apport personnel", "apport propre", "contribution personnelle"),
        ("المساهمة الشخصية", "مساهمة المستفيد"),
        REQUIRED,
    ),
    Column(
        "convention",
        ("convention", "référence convention", "reference de la convention"),
        ("الاتفاقية", "مرجع الاتفاقية"),
        REQUIRED,
    ),
    Column("partner", ("partenaire", "bailleur", "partenaire financeur"), ("الشريك", "الشريك الممول"), REQUIRED),
    Column("amount", ("montant", "montant accordé", "montant de la ligne"), ("المبلغ", "مبلغ الدعم"), REQUIRED),
    Column("kind", ("nature", "type", "nature de l'aide"), ("نوع الدعم", "طبيعة الدعم"), REQUIRED),
    Column("delivered_on", ("date de remise", "date remise", "date de livraison"), ("تاريخ التسليم",), REQUIRED),
    Column("ceremony_on", ("date cérémonie", "date de la cérémonie"), ("تاريخ الحفل",), OPTIONAL),
    Column("ceremony_place", ("lieu cérémonie", "lieu de la cérémonie"), ("مكان الحفل",), OPTIONAL),
    Column(
        "technical_partner",
        ("partenaire technique", "étudié par", "accompagnateur"),
        ("الشريك التقني",),
        OPTIONAL,
    ),
]
HISTORY_FIELDS = [column.field for column in HISTORY_COLUMNS]
REQUIRED_FIELDS = [column.field for column in HISTORY_COLUMNS if column.requirement is REQUIRED]
# The beneficiary import's columns, except those of the project row (the CIN, the commune).
PERSON_COLUMNS = [
    Column(column.field, column.french, column.arabic, PERSON)
    for column in person_columns.COLUMNS
    if column.field not in HISTORY_FIELDS
]
COLUMNS = HISTORY_COLUMNS + PERSON_COLUMNS
PERSON_FIELDS = [column.field for column in person_columns.COLUMNS]  # what the person's row checker reads

ALIASES = {header_key(name): column.field for column in HISTORY_COLUMNS for name in column.names}
# The labels, in every language, are accepted too: the template's headers are the labels.
LABEL_KEYS = {}


def label_keys() -> dict:
    if not LABEL_KEYS:
        from django.conf import settings
        from django.utils import translation

        for language in dict(settings.LANGUAGES):
            with translation.override(language):
                for field, label in messages.LABELS.items():
                    LABEL_KEYS.setdefault(header_key(label), field)
    return LABEL_KEYS


def field_for(title: str) -> str | None:
    key = header_key(title)
    return ALIASES.get(key) or label_keys().get(key) or person_columns.field_for(title)


def read_header(cells: list, filled_columns: set[int]) -> tuple[Header, list[dict]]:
    """Map the header row; the file is unusable without the project's required columns, or with
    beneficiary columns that could not register anyone (a name pair, sex and date of birth)."""
    fields, titles, unknown, problems = {}, {}, [], []
    for index, cell in enumerate(cells):
        title = str(cell or "").strip()
        field = field_for(title)
        if field and field in fields:
            problems.append(problem("duplicate_column", first=titles[field], second=title))
        elif field:
            fields[field], titles[field] = index, title
        elif title or index in filled_columns:
            unknown.append({"letter": column_letter(index), "name": title})
    missing = [name for name in REQUIRED_FIELDS if name not in fields]
    if missing:
        problems.append(problem("missing_history_columns", columns=missing))
    if registers_people(fields):
        lacking = [name for name in ("sex", "date_of_birth") if name not in fields]
        if not any(first in fields and last in fields for first, last in person_columns.NAME_PAIRS):
            lacking.append("first_name")
        if lacking:
            problems.append(problem("person_columns_incomplete", columns=lacking))
    return Header(fields, titles, unknown), problems


def registers_people(fields) -> bool:
    """The file has beneficiary columns besides the CIN and the commune (the project's)."""
    return any(column.field in fields for column in PERSON_COLUMNS)


COLUMN_TABLE = ColumnTable(field_for=field_for, read_header=read_header)
