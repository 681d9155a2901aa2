"""National identity card (CIN) and phone numbers: normalised before they are validated or stored."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Arabic-Indic (٠-٩) and Eastern Arabic-Indic (۰-۹) digits, as typed on Arabic keyboards.
EASTERN_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
CIN_PATTERN = re.compile(r"[A-Z]{1,2}[0-9]{1,7}")
# The start of a CIN lists the people in scope whose CIN begins with it (find_by_cin): the letters
# and at least this many digits. A CIN's letters name the issuing office, shared by most of a
# province: "XB" or "XB1" would list a tenth of it, a way around the list's masking; from 3 digits a
# prefix leaves a handful of people, which is the lookup's purpose (a CIN read off a blurred copy).
CIN_PREFIX_DIGITS = 3
SEPARATORS = re.compile(r"[\s\-_.]+")
# Moroccan national numbers have 9 digits after the leading 0: 5 landline, 6/7 mobile, 8 fixed/VoIP.
MOROCCAN_NUMBER = re.compile(r"[5-8][0-9]{8}")


def normalise_cin(raw: str) -> str:
    """'  ab-١٢٣ ٤٥ ' → 'AB12345'. Does not validate."""
    return SEPARATORS.sub("", (raw or "").translate(EASTERN_DIGITS)).upper()


def validate_cin(cin: str) -> None:
    if not CIN_PATTERN.fullmatch(cin):
        raise ValidationError(
            _("A CIN is one or two letters followed by 1 to 7 digits, e.g. AB123456."), code="invalid_cin"
        )


def looks_like_cin(text: str) -> bool:
    """'ab 123456' yes; 'Amina' no (a CIN has digits)."""
    cin = normalise_cin(text)
    return bool(CIN_PATTERN.fullmatch(cin)) and any(c.isdigit() for c in cin)


def mask_cin(cin: str) -> str:
    """'AB123467' → 'AB****67': enough to tell two people apart on a list, not enough to impersonate."""
    if not cin:
        return ""
    if len(cin) <= 4:
        return cin[0] + "*" * (len(cin) - 1)
    return cin[:2] + "*" * (len(cin) - 4) + cin[-2:]


def normalise_phone(raw: str) -> str:
    """'06 12-34 56 78', '+212 612345678', '00212612345678' → '+212612345678'.

    Raises ValidationError for anything that cannot be a Moroccan mobile or landline.
    """
    digits = re.sub(r"[\s\-.()/]", "", (raw or "").translate(EASTERN_DIGITS))
    for prefix in ("+212", "00212", "212", "0"):
        if digits.startswith(prefix):
            national = digits[len(prefix) :]
            if MOROCCAN_NUMBER.fullmatch(national):
                return f"+212{national}"
            break
    raise ValidationError(
        _("Enter a Moroccan mobile or landline number, e.g. 06 12 34 56 78 or +212 5 37 00 00 00."),
        code="invalid_phone",
    )


PHONE_CHARACTERS = re.compile(r"\+?[0-9\s\-.()/]+")


def looks_like_phone(text: str) -> bool:
    """'0661 23 45 67', '+212661234567', '٠٦٦١' yes: digits and phone punctuation only. 'Amina 06' no."""
    text = (text or "").translate(EASTERN_DIGITS).strip()
    return bool(PHONE_CHARACTERS.fullmatch(text)) and any(c.isdigit() for c in text)


def normalise_searched_phone(raw: str) -> str:
    """A phone as searched: as normalise_phone, and also without its leading 0 ('661234567'), the
    form left by a spreadsheet that read the number as a number. Raises ValidationError."""
    digits = re.sub(r"[\s\-.()/]", "", (raw or "").translate(EASTERN_DIGITS))
    return normalise_phone("0" + digits if MOROCCAN_NUMBER.fullmatch(digits) else digits)


def validate_person_name(name: str) -> None:
    """Names are letters (with spaces, hyphens, apostrophes): a digit is a typing or copy mistake."""
    if any(character.isdigit() for character in name):
        raise ValidationError(_("A name has no digits: check what was typed."), code="name_digits")
