"""The ar and fr catalogs are complete: no empty or fuzzy entry, and the compiled file matches."""

from pathlib import Path

import polib
import pytest
from django.utils import translation

from reintegration.lib.money import format_mad

LOCALE = Path(__file__).resolve().parent.parent / "locale"


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_catalog_has_no_empty_or_fuzzy_entry(language):
    catalog = polib.pofile(LOCALE / language / "LC_MESSAGES" / "django.po")
    assert len(catalog) > 50
    assert [e.msgid for e in catalog.untranslated_entries()] == []
    assert [e.msgid for e in catalog.fuzzy_entries()] == []


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_compiled_catalog_matches_the_source(language):
    source = polib.pofile(LOCALE / language / "LC_MESSAGES" / "django.po")
    compiled = polib.mofile(LOCALE / language / "LC_MESSAGES" / "django.mo")
    # Keyed by context too: "Approved" is a project's status, a line's decision and an event.
    assert {(e.msgctxt, e.msgid): e.msgstr for e in compiled if not e.msgid_plural} == {
        (e.msgctxt, e.msgid): e.msgstr for e in source.translated_entries() if not e.msgid_plural
    }, "run `make messages` to recompile"


def test_blank_choice_label_is_translated_in_arabic():
    with translation.override("ar"):
        assert translation.gettext("- Select an option -") == "- اختر خيارًا -"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", "1\u00a0832\u00a0227,00\u00a0MAD"),
        ("ar", "1.832.227,00\u00a0درهم"),
        ("en", "1,832,227.00\u00a0MAD"),
    ],
)
def test_amounts_are_written_the_way_each_language_writes_them(language, expected):
    with translation.override(language):
        assert format_mad("1832227") == expected


def test_small_and_negative_amounts_keep_their_centimes():
    assert format_mad("0.5", "fr") == "0,50\u00a0MAD"
    assert format_mad("-322000", "en") == "-322,000.00\u00a0MAD"


def test_floats_are_refused_as_amounts():
    with pytest.raises(TypeError):
        format_mad(0.1, "fr")


@pytest.mark.parametrize("count", [0, 1, 2, 5, 1_000_000])
def test_french_plurals_stay_french_for_every_count(count):
    # French catalogs have three plural forms; a missing one falls back to the Arabic default.
    with translation.override("fr"):
        text = translation.ngettext("%(counter)s beneficiary found", "%(counter)s beneficiaries found", count)
    assert "bénéficiaire" in text
