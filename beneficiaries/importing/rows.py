"""Check and normalise one spreadsheet row, with the registration form's rules.

Only the cells the file provides are returned: an empty cell never erases what the registry
already holds for that person.
"""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import translation

from beneficiaries.identity import EASTERN_DIGITS, normalise_cin, normalise_phone, validate_cin
from beneficiaries.importing.columns import NAME_PAIRS
from beneficiaries.importing.messages import cell_problem
from beneficiaries.models import MINIMUM_AGE_AT_RELEASE, Beneficiary, years_before
from reintegration.lib.names import fold
from reintegration.lib.text import check_characters, clean_text, normalise

ReferralSource, Sex = Beneficiary.ReferralSource, Beneficiary.Sex

TEXT_FIELDS = ["no_cin_reason", "first_name", "last_name", "first_name_ar", "last_name_ar", "commune", "prison"]
NAME_FIELDS = {"first_name", "last_name", "first_name_ar", "last_name_ar"}
NAME_SCRIPTS = {"first_name": "LATIN", "last_name": "LATIN", "first_name_ar": "ARABIC", "last_name_ar": "ARABIC"}
MAX_LENGTH = {name: Beneficiary._meta.get_field(name).max_length for name in TEXT_FIELDS}
SEXES = {
    **dict.fromkeys(["m", "h", "homme", "male", "man", "ذ", "ذكر"], Sex.MALE),
    **dict.fromkeys(["f", "femme", "female", "woman", "ا", "انثي"], Sex.FEMALE),  # folded: أنثى → انثي
}
ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
FRENCH_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
ARABIC_LETTER = re.compile("[\u0600-\u06ff]")
LATIN_LETTER = re.compile("[A-Za-zÀ-ÿ]")
# Spreadsheets store a phone typed as a number without its leading 0: 612345678 means 0612345678.
NATIONAL_NUMBER_WITHOUT_ZERO = re.compile(r"[5-8]\d{8}")


# Words people write in the column besides the labels (fold()ed when compared).
REFERRAL_SYNONYMS = {
    ReferralSource.FOUNDATION: ["fondation", "fondation mohammed vi", "fm6rd", "مؤسسة محمد السادس", "المؤسسة"],
    ReferralSource.PRISON: ["dgapr", "administration penitentiaire", "المندوبية العامة لإدارة السجون", "السجن"],
    ReferralSource.ASSOCIATION: ["جمعية"],
    ReferralSource.SELF: ["lui-meme", "elle-meme", "spontane", "تلقائي"],
    ReferralSource.OTHER: ["autre", "أخرى", "اخرى"],
}


def referral_sources() -> dict[str, str]:
    """Code, label in any of the three languages, or a common synonym, folded → code."""
    known = {fold(word): code for code, words in REFERRAL_SYNONYMS.items() for word in words}
    for language in ("en", "fr", "ar"):
        with translation.override(language):
            for code, label in ReferralSource.choices:
                known[fold(code)] = code
                known[fold(str(label))] = code
    return known


class RowChecker:
    def __init__(self, header, *, today: date):
        self.titles = header.titles
        self.today = today
        self.referrals = referral_sources()

    def check(self, number: int, cells: dict) -> tuple[dict, list[dict]]:
        """`cells`: field → raw value for the columns present. Returns (values, problems)."""
        self.number, self.problems, self.refused, values = number, [], set(), {}
        cells = route_names_by_script(self.visible_text(cells))
        for name in TEXT_FIELDS:
            text = as_text(cells.get(name))
            if len(text) > MAX_LENGTH[name]:
                self.refuse(name, "too_long", limit=MAX_LENGTH[name])
            elif name in NAME_FIELDS and any(character.isdigit() for character in text):
                self.refuse(name, "name_digits")
            elif text and self.script_is_right(name, text):
                values[name] = text
        self.check_identity(cells, values)
        self.check_sex(cells, values)
        self.check_dates(cells, values)
        self.check_phone(cells, values)
        self.check_referral(cells, values)
        return values, self.problems

    def visible_text(self, cells: dict) -> dict:
        """Every text cell in NFKC; a cell with a control or invisible character is reported and dropped.

        The dry run refuses here what the commit could not store (PostgreSQL refuses a NUL in text)
        and what would hide a duplicate (a soft hyphen, a bidi override) before any other check.
        """
        cleaned = {}
        for name, value in cells.items():
            if isinstance(value, str):
                value = normalise(value)
                try:
                    check_characters(value.strip())
                except ValidationError as error:
                    self.report_error(name, error)
                    value = None
            cleaned[name] = value
        return cleaned

    def script_is_right(self, name: str, text: str) -> bool:
        """A name: one script per word, and the script of its field (Latin or Arabic)."""
        if name not in NAME_SCRIPTS:
            return True
        try:
            clean_text(text, script=NAME_SCRIPTS[name])
        except ValidationError as error:
            self.report_error(name, error)
            return False
        return True

    def report_error(self, field: str, error: ValidationError):
        params = {key: list(value) if isinstance(value, tuple) else value for key, value in error.params.items()}
        self.refuse(field, error.code, **params)

    def refuse(self, field: str, code: str, **params):
        """Report a bad cell, and nothing more about it: not also "required" for the cell just dropped."""
        self.report(field, code, **params)
        self.refused.add(field)

    def report(self, field: str, code: str, **params):
        if field in self.refused:
            return
        self.problems.append(cell_problem(code, row=self.number, field=field, titles=self.titles, **params))

    def check_identity(self, cells, values):
        cin = normalise_cin(as_text(cells.get("cin")))
        if "*" in cin:
            # A coordinator's export shows XB****50: never a CIN, and never a reason to look for another person.
            self.report("cin", "masked_cin")
        elif cin:
            values.pop("no_cin_reason", None)  # a CIN makes the reason moot, as on the form
            try:
                validate_cin(cin)
                values["cin"] = cin
            except ValidationError:
                self.report("cin", "invalid_cin")
        elif not values.get("no_cin_reason"):
            self.report("cin" if "cin" in self.titles else "no_cin_reason", "cin_or_reason")
        names_refused = self.refused & NAME_FIELDS  # already said what is wrong with them
        if not names_refused and not any(values.get(first) and values.get(last) for first, last in NAME_PAIRS):
            field = next((name for pair in NAME_PAIRS for name in pair if name in self.titles), "first_name")
            self.report(field, "names_required")

    def check_sex(self, cells, values):
        text = as_text(cells.get("sex"))
        if not text:
            self.report("sex", "required")
        elif fold(text) in SEXES:
            values["sex"] = SEXES[fold(text)]
        else:
            self.report("sex", "bad_sex")

    def check_dates(self, cells, values):
        born = self.date(cells, "date_of_birth", required=True)
        released = self.date(cells, "release_date")
        if born and born > self.today:
            self.report("date_of_birth", "birth_in_future")
            born = None
        if released and released > self.today:
            self.report("release_date", "release_in_future")
            released = None
        if born and released and born > years_before(released, MINIMUM_AGE_AT_RELEASE):
            self.report("date_of_birth", "too_young_at_release", age=MINIMUM_AGE_AT_RELEASE)
            born = None
        for name, day in (("date_of_birth", born), ("release_date", released)):
            if day:
                values[name] = day

    def date(self, cells, field, *, required=False) -> date | None:
        raw = cells.get(field)
        if isinstance(raw, date):
            return raw
        text = as_text(raw)
        if not text:
            if required:
                self.report(field, "required")
            return None
        try:
            day = parse_date(text)
        except ValueError:  # 31/02/1990: a date's shape, but no such day
            self.report(field, "no_such_date", value=text[:40])
            return None
        if day is None:
            self.report(field, "bad_date", value=text[:40])
        return day

    def check_phone(self, cells, values):
        text = as_text(cells.get("phone"))
        if NATIONAL_NUMBER_WITHOUT_ZERO.fullmatch(text):
            text = "0" + text
        if text:
            try:
                values["phone"] = normalise_phone(text)
            except ValidationError:
                self.report("phone", "invalid_phone")

    def check_referral(self, cells, values):
        text = as_text(cells.get("referral_source"))
        if text and fold(text) in self.referrals:
            values["referral_source"] = self.referrals[fold(text)]
        elif text:
            self.report("referral_source", "bad_referral", value=text[:40])


def as_text(value) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value).strip()


def parse_date(text: str) -> date | None:
    """dd/mm/yyyy or yyyy-mm-dd, Arabic-Indic digits accepted; anything else is None.

    ValueError when the text has a date's shape but names no day (31/02/1990, 29/02/2023, 12/31/1990):
    the person typed a date, and needs to hear that this one does not exist, not that it is not a date.
    """
    text = text.translate(EASTERN_DIGITS)
    if match := FRENCH_DATE.fullmatch(text):
        day, month, year = match.groups()
    elif match := ISO_DATE.fullmatch(text):
        year, month, day = match.groups()
    else:
        return None
    return date(int(year), int(month), int(day))


def route_names_by_script(cells: dict) -> dict:
    """Arabic letters typed under a Latin-name column go to the Arabic-name field when that one is free.

    An Arabic spreadsheet naturally titles its name columns "الاسم الشخصي" / "الاسم العائلي", which
    name the fields, not the script; the registry keeps each script in its own field.
    """
    cells = dict(cells)
    for latin, arabic in (("first_name", "first_name_ar"), ("last_name", "last_name_ar")):
        text = as_text(cells.get(latin))
        if ARABIC_LETTER.search(text) and not LATIN_LETTER.search(text) and not as_text(cells.get(arabic)):
            cells[arabic], cells[latin] = text, ""
    return cells
