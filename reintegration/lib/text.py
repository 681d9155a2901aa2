"""Text people type or import: one normal form, and nothing that hides, reorders or spoofs.

The one rule for every text field, applied by the forms (`CleanTextField`, `text_formfield`), the
import (`clean_text` on each cell) and the model (`validate_*`, so no other path stores it):

- NFKC: fullwidth "Ｍｏｈａｍｅｄ", the ligature "ﬁ", Arabic presentation forms, non-breaking and
  narrow spaces become their plain form, so that what is stored is what duplicates are sought by.
- Control characters (Unicode category Cc) are refused, but for newline and tab in multi-line
  fields (address, notes, ...). Line and paragraph separators (Zl, Zp) are line breaks too.
- Format characters (Cf) are invisible: soft hyphen, zero-width space, byte-order mark, the bidi
  controls. "Mohamed El Idrissi" with one of them looks the same and escapes the duplicate check,
  and a right-to-left override (U+202E) shows letters in another order than they are stored.
  Refused everywhere, except that multi-line free text keeps `PROSE_FORMATS` (see there).
- A word of a name holds letters of one script: "Mоhamed" with a Cyrillic о is refused.
- A word of a name has a letter, and nothing but letters, their accents and harakat, hyphens and
  apostrophes: no "!!!", no "=HYPERLINK(...)", no emoji, no K̸a̸r̸i̸m̸ (digits: the digit rule's).

Python has no Script property: a letter's script is the first word of its Unicode name
(LATIN SMALL LETTER A, ARABIC LETTER ALEF, CYRILLIC SMALL LETTER O), looked up once per character.
"""

import unicodedata
from functools import lru_cache

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

LINE, MULTILINE = "line", "multiline"
ALLOWED_IN_MULTILINE = {"\n", "\t"}
LINE_BREAKS = {"\n", "\r", "\x0b", "\x0c", "\x85", "\u2028", "\u2029"}
# Formats kept in multi-line free text (address, notes), never in names or one-line fields:
# - ZWNJ/ZWJ (U+200C/D) shape Persian or Urdu words and emoji sequences that someone may paste
#   into a note; they reorder nothing. Moroccan Arabic names never need them.
# - LRM/RLM (U+200E/F) and the Arabic letter mark (U+061C) place punctuation in a sentence that
#   mixes Arabic and French ("حي السلام، Tiflet."). In a name they only hide a difference, so
#   they are refused there. The overrides, embeddings and isolates (U+202A-E, U+2066-9) reorder
#   what is shown, and are refused everywhere ("Trojan source").
PROSE_FORMATS = {"\u200c", "\u200d", "\u200e", "\u200f", "\u061c"}
# What a name holds besides letters and marks: spaces between words, hyphens (Aït-Ali, Ben-Ahmed) and
# apostrophes, straight or curly (O'Brien, M'hamed, L’houcine; the modifier letter ʼ is a letter).
# No dot: names are written in full, as on the CIN, and an initial ("M. Tazi") would make the
# duplicate check match every Mohamed, Malika and Mustapha Tazi.
NAME_PUNCTUATION = {"-", "\u2010", "'", "\u2018", "\u2019"}
# What makes a word a name: a letter, not only modifier letters (ʼ, ʿ) or the tatweel (ـ, Lm too).
WORD_LETTERS = {"Lu", "Ll", "Lt", "Lo"}
# Marks that are invisible, as format characters are, so refused with their message: the combining
# grapheme joiner and the variation selectors (a name needs no emoji or CJK glyph variant).
INVISIBLE_MARKS = {"\u034f", "\u180b", "\u180c", "\u180d", "\u180f"}
INVISIBLE_MARKS |= {chr(c) for c in (*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0))}
OVERLAY = 1  # the combining class of marks drawn across a letter (K̸): a strike-through, not an accent
# Letters whose name starts with no script: modifier letters (ʼ apostrophe, ʿ for ʿayn) go with any.
NO_SCRIPT = {"MODIFIER", ""}
# Japanese mixes these in one word (Unicode TR39 allows it); kept so the rule stays generic.
SAME_SCRIPT = {"HIRAGANA": "CJK", "KATAKANA": "CJK", "KATAKANA-HIRAGANA": "CJK"}
SCRIPT_LABELS = {
    "LATIN": _("Latin"),
    "ARABIC": _("Arabic"),
    "CYRILLIC": _("Cyrillic"),
    "GREEK": _("Greek"),
    "TIFINAGH": _("Tifinagh"),
    "HEBREW": _("Hebrew"),
}

MESSAGES = {
    "control_character": _(
        "This text contains an invisible or control character (%(character)s): remove it "
        "(often pasted from another program)."
    ),
    "line_break": _("This field holds a single line: remove the line break."),
    "mixed_script": _(
        "“%(word)s” mixes letters of different alphabets (%(scripts)s), which can make two names look "
        "the same: type the word again in one alphabet."
    ),
    "name_character": _(
        "A name may contain only letters, spaces, hyphens and apostrophes: remove “%(character)s” (%(point)s)."
    ),
    "name_without_letter": _("“%(word)s” is not a name: each word of a name has at least one letter."),
    "latin_script_only": _(
        "This field takes the name in Latin letters, and “%(word)s” is not (an Arabic spelling goes in "
        "the Arabic-script field)."
    ),
    "arabic_script_only": _(
        "This field takes the name in Arabic letters, and “%(word)s” is not (a Latin spelling goes in "
        "the Latin-script field)."
    ),
}


def normalise(text: str, *, multiline: bool = False) -> str:
    """NFKC; in multi-line text, the \r\n a browser sends becomes \n. Does not strip or check."""
    text = unicodedata.normalize("NFKC", text)
    return text.replace("\r\n", "\n").replace("\r", "\n") if multiline else text


def clean_text(text: str, kind: str = LINE, *, script: str = "", name: bool = False) -> str:
    """Normalised and stripped `text`, or ValidationError (code + params) naming the first problem.

    `name`: each word in one script; `script` ("LATIN", "ARABIC"): every letter in that script.
    """
    text = normalise(text, multiline=kind == MULTILINE).strip()
    check_characters(text, kind)
    if name or script:
        check_name_words(text)
        check_scripts(text, script)
    return text


def check_characters(text: str, kind: str = LINE) -> None:
    if text.isprintable():  # no Cc, Cf, Cs, Zl, Zp: the usual case, decided in C for a 20,000-row import
        return
    for character in text:
        if kind == MULTILINE and character in ALLOWED_IN_MULTILINE:
            continue
        if kind == LINE and character in LINE_BREAKS:
            raise error("line_break")
        category = unicodedata.category(character)
        if category in ("Cc", "Cs", "Zl", "Zp") or (
            category == "Cf" and not (kind == MULTILINE and character in PROSE_FORMATS)
        ):
            raise error("control_character", character=code_point(character))


def check_name_words(text: str) -> None:
    for word in text.split():
        # A word of digits is the digit rule's to report (beneficiaries.identity.validate_person_name).
        if not any(unicodedata.category(c) in WORD_LETTERS or c.isdigit() for c in word):
            raise error("name_without_letter", word=word[:40])
        if not word.isalpha():  # letters only: the usual case, decided in C
            for character in word:
                check_name_character(character)


def check_name_character(character: str) -> None:
    category = unicodedata.category(character)
    if category[0] == "L" or category == "Nd" or character in NAME_PUNCTUATION:
        return
    if character in INVISIBLE_MARKS:
        raise error("control_character", character=code_point(character))
    # Accents and harakat (ُ ّ ْ) stay; an overlay (U+0338) or an enclosing mark (Me) do not.
    if category in ("Mn", "Mc") and unicodedata.combining(character) != OVERLAY:
        return
    shown = f"\u25cc{character}" if category[0] == "M" else character  # a mark is shown on a dotted circle
    raise error("name_character", character=shown, point=code_point(character))


def code_point(character: str) -> str:
    return f"U+{ord(character):04X}"


def check_scripts(text: str, script: str = "") -> None:
    for word in text.split():
        scripts = scripts_of(word)
        if len(scripts) > 1:
            raise error("mixed_script", word=word[:40], scripts=Scripts(sorted(scripts)))
        if script and scripts and scripts != {script}:
            raise error(f"{script.lower()}_script_only", word=word[:40])


def scripts_of(word: str) -> set[str]:
    if word.isascii():  # most Latin names: no lookup per letter
        return {"LATIN"} if any(character.isalpha() for character in word) else set()
    return {script_of(character) for character in word} - {None}


@lru_cache(maxsize=4096)
def script_of(character: str) -> str | None:
    """The script of a letter ("LATIN", "ARABIC", ...), None for anything else: marks (accents,
    Arabic tashkil), apostrophes, hyphens, digits, spaces."""
    if not unicodedata.category(character).startswith("L"):
        return None
    first_word = unicodedata.name(character, "").split(" ")[0]
    if first_word in NO_SCRIPT:
        return None
    return SAME_SCRIPT.get(first_word, first_word)


class Scripts(tuple):
    """Script codes, shown as their names in the language active when the message is rendered
    (an import report stores the codes, a JSON list, and is read later in another language)."""

    def __str__(self):
        separator = pgettext("between the items of a list", ", ")  # Arabic has its own comma
        return separator.join(str(SCRIPT_LABELS.get(code, code.title())) for code in self)


def error(code: str, **params) -> ValidationError:
    return ValidationError(MESSAGES[code], code=code, params=params)


def without_controls(text: str) -> str:
    """`text` without its Cc and Cf characters, for showing something a file or a URL gave."""
    return "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cf", "Cs"))


# Model validators: they run in every ModelForm and full_clean, so the admin or any later form
# cannot store what the rule refuses. They check the NFKC form, as the forms and import store it.
def validate_line(value: str) -> None:
    check_characters(normalise(value), LINE)


def validate_multiline(value: str) -> None:
    check_characters(normalise(value, multiline=True), MULTILINE)


def validate_latin_name(value: str) -> None:
    clean_text(value, script="LATIN")


def validate_arabic_name(value: str) -> None:
    clean_text(value, script="ARABIC")


class CleanTextField(forms.CharField):
    """A CharField that stores the normalised text and refuses what `clean_text` refuses."""

    kind = LINE

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        value = normalise(value, multiline=self.kind == MULTILINE)
        return value.strip() if self.strip else value

    def validate(self, value):
        super().validate(value)
        if value not in self.empty_values:
            # Before the validators: a NUL gets this message, not also Django's "Null characters...".
            check_characters(value, self.kind)


class CleanMultilineField(CleanTextField):
    kind = MULTILINE


class SearchTextField(forms.CharField):
    """Search words: what is invisible is dropped rather than refused.

    Nothing is stored, and stored text holds no such character, so a name pasted with a stray
    right-to-left mark (from a message or a PDF) finds the person instead of asking the user to
    remove a character they cannot see. A NUL would also make PostgreSQL refuse the query.
    """

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        words = (without_controls(word) for word in normalise(value).split())
        return " ".join(word for word in words if word)


def text_formfield(db_field, **kwargs):
    """A ModelForm's `formfield_callback`: every free-text field gets the rule, without a line per field."""
    if isinstance(db_field, (models.CharField, models.TextField)) and not db_field.choices:
        kwargs.setdefault(
            "form_class", CleanMultilineField if isinstance(db_field, models.TextField) else CleanTextField
        )
    return db_field.formfield(**kwargs)
