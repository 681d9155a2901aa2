"""The text rule of reintegration.lib.text: one normal form, nothing invisible, one script per word."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from reintegration.lib.names import person_key
from reintegration.lib.text import MULTILINE, clean_text, script_of, validate_arabic_name, validate_latin_name


def refusal(text, *args, **kwargs) -> tuple[str, str]:
    with pytest.raises(ValidationError) as caught:
        clean_text(text, *args, **kwargs)
    with translation.override("en"):
        return caught.value.code, caught.value.messages[0]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Ｍｏｈａｍｅｄ", "Mohamed"),  # fullwidth, as some Arabic keyboards and PDFs give it
        ("ﬁras", "firas"),  # the fi ligature of a pasted PDF
        ("Aït\u00a0Baha", "Aït Baha"),  # non-breaking space
        ("Ai\u0308t Baha", "Aït Baha"),  # i + combining diaeresis: one character, as typed on a French keyboard
        ("\ufef3\ufe8e\ufeb3\ufef4\ufee6", "ياسين"),  # Arabic presentation forms
        ("  Ben Ali  ", "Ben Ali"),
    ],
)
def test_text_is_stored_in_its_nfkc_form(typed, stored):
    assert clean_text(typed, name=True) == stored


def test_fullwidth_and_plain_names_give_the_same_duplicate_key():
    fullwidth = [clean_text(name, name=True) for name in ("Ｍｏｈａｍｅｄ", "Ｅｌ Ｉｄｒｉｓｓｉ")]
    assert person_key(*fullwidth) == person_key("Mohamed", "El Idrissi")


@pytest.mark.parametrize(
    ("name", "character"),
    [
        ("Moha\u00admed", "U+00AD"),  # soft hyphen: invisible, and "Moha-med" for the duplicate check
        ("\u202eMohamed El Idrissi", "U+202E"),  # right-to-left override
        ("Mohamed\u200b", "U+200B"),  # zero-width space
        ("Mohamed\u200f", "U+200F"),  # right-to-left mark: a spoofing tool in a name
        ("\u061cمحمد", "U+061C"),  # Arabic letter mark
        ("محم\u200cد", "U+200C"),  # zero-width non-joiner: not in Moroccan names
        ("Ze\x01ta", "U+0001"),
        ("Ze\x00ta", "U+0000"),
        ("\ufeffKarim", "U+FEFF"),  # byte-order mark at the start of a pasted cell
    ],
)
def test_invisible_and_control_characters_are_refused_naming_the_character(name, character):
    code, message = refusal(name, name=True)
    assert code == "control_character"
    assert f"invisible or control character ({character})" in message


def test_a_line_break_in_a_one_line_field_is_refused_as_such():
    assert refusal("Mohamed\nEl Idrissi")[0] == "line_break"
    assert refusal("Tif\u2028let")[0] == "line_break"


def test_a_tab_in_a_one_line_field_is_refused():
    assert refusal("Ben\tAli")[1].startswith("This text contains an invisible or control character (U+0009)")


def test_multi_line_text_keeps_newlines_and_tabs_and_the_browsers_crlf_becomes_a_newline():
    assert clean_text("Derb Sidi Ali\r\n\tTiflet", MULTILINE) == "Derb Sidi Ali\n\tTiflet"


@pytest.mark.parametrize(("text", "character"), [("Menuiserie\x0bSoudure", "U+000B"), ("Couture\x01", "U+0001")])
def test_multi_line_text_refuses_other_control_characters(text, character):
    code, message = refusal(text, MULTILINE)
    assert (code, f"({character})" in message) == ("control_character", True)


def test_multi_line_text_keeps_the_marks_that_place_punctuation_between_arabic_and_french():
    address = "حي السلام\u200f، Tiflet"
    assert clean_text(address, MULTILINE) == address


def test_multi_line_text_refuses_a_bidi_override():
    assert refusal("Tiflet \u202e12", MULTILINE)[0] == "control_character"


@pytest.mark.parametrize(
    ("name", "scripts"),
    [
        ("M\u043ehamed", "Cyrillic, Latin"),  # Cyrillic о
        ("M\u03bfhamed", "Greek, Latin"),  # Greek omicron
        ("محمدali", "Arabic, Latin"),
    ],
)
def test_a_word_mixing_scripts_is_refused_naming_them(name, scripts):
    code, message = refusal(name, name=True)
    assert code == "mixed_script"
    assert f"“{name}” mixes letters of different alphabets ({scripts})" in message


@pytest.mark.parametrize(
    "name",
    ["Aït-Ali", "O'Brien", "O’Brien", "Aït Baha", "El-Idrissi", "Ben Ali", "Saʿid", "Bouʼazza", "Ḥassan"],
)
def test_latin_names_with_accents_apostrophes_and_hyphens_are_accepted(name):
    assert clean_text(name, script="LATIN") == name


@pytest.mark.parametrize("name", ["مُحَمَّد", "عبد الله", "الإدريسي", "آيت الطالب", "فاطمـــة", "ڤيصل"])
def test_arabic_names_with_diacritics_tatweel_and_maghrebi_letters_are_accepted(name):
    assert clean_text(name, script="ARABIC") == name


def test_the_latin_name_fields_take_latin_letters_only():
    with pytest.raises(ValidationError) as caught:
        validate_latin_name("Mohamed محمد")
    assert caught.value.code == "latin_script_only"


def test_the_arabic_name_fields_take_arabic_letters_only():
    with pytest.raises(ValidationError) as caught:
        validate_arabic_name("محمد Mohamed")
    assert caught.value.code == "arabic_script_only"


def test_two_words_in_two_scripts_are_accepted_where_no_script_is_required():
    assert clean_text("Mohamed محمد", name=True) == "Mohamed محمد"


def test_scripts_come_from_the_unicode_name_of_letters_only():
    assert [script_of(c) for c in "aα\u043eم\u064e'-ʼ1"] == ["LATIN", "GREEK", "CYRILLIC", "ARABIC"] + [None] * 5
