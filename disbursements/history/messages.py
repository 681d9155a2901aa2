"""What the history import has to say about a row, as codes rendered in the reader's language.

Registered with the beneficiary import's messages (register_messages), so that its file refusals,
its row problems and their rendering (render_all, the error file) serve both imports.
"""

from django.utils.translation import gettext_lazy as _

from beneficiaries.importing.messages import register_messages

MESSAGES = {
    # The file as a whole.
    "missing_history_columns": _(
        "Required columns are missing: %(columns)s. The row of column names must name them; "
        "the accepted names are listed on the import page."
    ),
    "person_columns_incomplete": _(
        "The file registers people (it has beneficiary columns) but lacks some of them: %(columns)s."
    ),
    # One cell or one row.
    "person_not_registered": _(
        "No one with this CIN is registered in this province: register the person first, or give "
        "their name, sex and date of birth in the beneficiary columns of this file."
    ),
    "bad_sector": _(
        "“%(value)s” is not a sector: use one of those listed on the import page, in English, French or Arabic."
    ),
    "bad_kind": _("“%(value)s” is neither equipment nor cash."),
    "bad_amount": _("“%(value)s” is not an amount in dirhams: write it as 12500 or 12 500,00."),
    "amount_not_positive": _("The amount must be more than zero."),
    "cost_not_positive": _("The total cost must be more than zero."),
    "own_negative": _("The own contribution cannot be negative."),
    "own_exceeds_cost": _("The own contribution (%(own)s) exceeds the total cost (%(cost)s)."),
    "lines_exceed_cost": _(
        "The funding lines of this project and its own contribution add up to %(planned)s, more than its "
        "total cost of %(cost)s."
    ),
    "project_differs": _("Row %(first)s gives this project (same CIN and title) another value in this column."),
    "line_twice": _(
        "This project already has a line of this partner, convention and kind on row %(first)s: one row per "
        "funding line."
    ),
    "unknown_convention": _("No convention has the reference “%(value)s”."),
    "convention_elsewhere": _("Convention %(reference)s does not cover %(province)s."),
    "unknown_partner": _("No partner has the acronym “%(value)s”."),
    "not_technical": _("%(value)s is not a technical partner (one that studies the projects)."),
    "no_contribution": _("%(partner)s has no contribution in convention %(reference)s."),
    "overspends": _(
        "This line would overspend %(partner)s's contribution to %(reference)s: %(left)s are left for the "
        "projects of this file up to this row, and it asks %(amount)s."
    ),
    "delivery_in_future": _("The delivery date cannot be in the future."),
    "delivery_before_convention": _("Convention %(reference)s starts on %(day)s: a delivery under it comes after."),
    "ceremony_incomplete": _("Give both the ceremony's date and its place, or neither."),
    "ceremony_in_future": _("The ceremony's date cannot be in the future."),
    "ceremony_before_convention": _(
        "Convention %(reference)s starts on %(day)s: a ceremony handing over what it finances comes after."
    ),
    "project_invalid_row": _(
        "Another row of this project (row %(rows)s) is invalid: the project is imported whole or not at all."
    ),
    "person_twice_differs": _("Row %(first)s gives the same CIN another person: the beneficiary columns differ."),
}

LABELS = {
    "title": _("project title"),
    "sector": _("sector"),
    "total_cost": _("total cost (MAD)"),
    "own_contribution": _("own contribution (MAD)"),
    "convention": _("convention reference"),
    "partner": _("partner"),
    "amount": _("amount (MAD)"),
    "kind": _("kind"),
    "delivered_on": _("delivery date"),
    "ceremony_on": _("ceremony date"),
    "ceremony_place": _("ceremony place"),
    "technical_partner": _("studied by"),
}

register_messages(MESSAGES, LABELS)
