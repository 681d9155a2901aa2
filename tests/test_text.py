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


# --- what a name is made of -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("Karim😀", "😀 (U+1F600)"),  # So
        ('=HYPERLINK("x")', "= (U+003D)"),  # Sm: a formula once pasted into a spreadsheet
        ("Ben$", "$ (U+0024)"),  # Sc
        ("Ka^rim", "^ (U+005E)"),  # Sk
        ("Karim!", "! (U+0021)"),  # punctuation names do not use
        ("M. Ali", ". (U+002E)"),  # an initial: names are written in full, as on the CIN
        ("K\u0338arim", "◌\u0338 (U+0338)"),  # overlay: K̸arim
        ("Karim\u20dd", "◌\u20dd (U+20DD)"),  # enclosing circle
        ("كريم\u20e0", "◌\u20e0 (U+20E0)"),
    ],
)
def test_a_name_with_a_symbol_or_a_mark_drawn_over_its_letters_is_refused_showing_it(name, shown):
    code, message = refusal(name, name=True)
    assert code == "name_character"
    character, point = shown.split(" ")
    assert f"remove “{character}” {point}" in message


def test_a_name_struck_through_letter_by_letter_is_refused():
    assert refusal("K\u0338a\u0338r\u0338i\u0338m\u0338", script="LATIN")[0] == "name_character"


@pytest.mark.parametrize("name", ["Moha\u034fmed", "Karim\ufe0f", "كريم\ufe00"])
def test_an_invisible_joiner_or_variation_selector_in_a_name_is_refused_as_invisible(name):
    assert refusal(name, name=True)[0] == "control_character"


@pytest.mark.parametrize(
    ("name", "word"),
    [("!!!", "!!!"), ("???", "???"), ("Ben -", "-"), ("😀", "😀"), ("ʼʼ", "ʼʼ"), ("ـــ", "ـــ")],  # ـ: tatweel only
)
def test_a_name_word_without_a_letter_is_refused_naming_the_word(name, word):
    code, message = refusal(name, name=True)
    assert code == "name_without_letter"
    assert message.startswith(f"“{word}” is not a name")


@pytest.mark.parametrize(
    "name",
    ["Aït-Ali", "O'Brien", "M’hamed", "Ben-Ahmed", "Lahcen ben Ali", "L‘houcine", "Moha‐Said"],
)
def test_hyphens_and_apostrophes_stay_allowed_in_names(name):
    assert clean_text(name, script="LATIN") == name


def test_arabic_harakat_shadda_and_hamza_stay_allowed_in_names():
    assert clean_text("مُحَمَّد بْنُ عَلِيٍّ", script="ARABIC") == "مُحَمَّد بْنُ عَلِيٍّ"
    assert clean_text("سَعِيدٌ آيت ٱلطالب إِلْهَام", script="ARABIC") == "سَعِيدٌ آيت ٱلطالب إِلْهَام"


def test_a_digit_in_a_name_is_left_to_the_digit_rule():
    assert clean_text("K4rim 123", script="LATIN") == "K4rim 123"  # validate_person_name refuses it, once
