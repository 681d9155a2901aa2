"""A ceremony's press summary: the paragraph a provincial communication office publishes, in Arabic
and in French, whatever the language of the page that shows it.

It is an official communication: its two texts are written here and in
templates/disbursements/press/{ar,fr}.txt, not through the interface's translation catalogs, and
read only figures (disbursements.figures, partners.figures). It names no beneficiary.
"""

import re

from django.template.loader import render_to_string
from django.utils import translation

from disbursements.figures import ceremony_summary, waiting_people
from partners.figures import convention_figures

LANGUAGES = ("ar", "fr")
ASCII_BLANKS = re.compile(r"[ \t\r\n]+")

MONTHS = {
    # The months as Moroccan official texts write them.
    "ar": ["يناير", "فبراير", "مارس", "أبريل", "ماي", "يونيو", "يوليوز", "غشت", "شتنبر", "أكتوبر", "نونبر", "دجنبر"],
    "fr": [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
}


def long_date(day, language: str) -> str:
    if language == "fr":
        return f"{'1er' if day.day == 1 else day.day} {MONTHS['fr'][day.month - 1]} {day.year}"
    return f"{day.day} {MONTHS['ar'][day.month - 1]} {day.year}"


def press_context(ceremony, handovers) -> dict:
    """The figures the two texts say, the same for both."""
    summary = ceremony_summary(ceremony, handovers)
    return {
        "ceremony": ceremony,
        "summary": summary,
        "conventions": convention_figures(summary.conventions),
        "waiting": waiting_people(ceremony.province),
    }


def press_text(ceremony, handovers, language: str) -> str:
    """The press summary of `ceremony` in `language` ("ar" or "fr"), over `handovers`."""
    if language not in LANGUAGES:
        raise ValueError(language)
    context = press_context(ceremony, handovers)
    # Amounts and the names of places and partners follow the active language.
    with translation.override(language):
        context["day"] = long_date(ceremony.held_on, language)
        text = render_to_string(f"disbursements/press/{language}.txt", context)
    return tidy(text)


def tidy(text: str) -> str:
    """The template's lines joined into paragraphs (a blank line separates two), spaces single."""
    paragraphs = re.split(r"\n\s*\n", text.strip())
    # Only ASCII blanks: the no-break spaces inside the amounts ("322 650,00 MAD") stay.
    return "\n\n".join(" ".join(ASCII_BLANKS.split(paragraph.strip())) for paragraph in paragraphs if paragraph.strip())
