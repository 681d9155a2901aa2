"""Amounts in Moroccan dirhams, formatted the way each language writes them.

Also registered as template builtins: `{{ amount|mad }}`, and `{{ count|figure }}` for a whole
number written with the same grouping (`1 832` / `1.832`); text such as "< 3" is shown as it is.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import forms, template
from django.utils.html import format_html
from django.utils.translation import get_language

register = template.Library()

CENTS = Decimal("0.01")

# (thousands separator, decimal mark, currency) per language.
FORMATS = {
    "ar": (".", ",", "درهم"),
    "fr": ("\u00a0", ",", "MAD"),
    "en": (",", ".", "MAD"),
}


def to_amount(value) -> Decimal:
    """A Decimal rounded to centimes; floats are refused because they lose centimes."""
    if isinstance(value, float):
        raise TypeError("Amounts are Decimal, never float.")
    return Decimal(value).quantize(CENTS, rounding=ROUND_HALF_UP)


def format_mad(value, language: str | None = None) -> str:
    thousands, decimal_mark, currency = FORMATS.get((language or get_language() or "ar")[:2], FORMATS["ar"])
    amount = to_amount(value)
    sign = "-" if amount < 0 else ""
    units, cents = f"{abs(amount):.2f}".split(".")
    groups = []
    while units:
        groups.insert(0, units[-3:])
        units = units[:-3]
    return f"{sign}{thousands.join(groups)}{decimal_mark}{cents}\u00a0{currency}"


@register.filter(name="mad")
def mad_filter(value) -> str:
    if value is None or value == "":
        return ""
    try:
        return format_mad(value)
    except (TypeError, InvalidOperation):
        return ""


class AmountField(forms.DecimalField):
    """MAD with centimes, never negative, typed the reader's way: "1234,50" and "1234.50" both
    read as 1234.50 (the field is localised), shown back with the language's decimal mark."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "dir": "ltr", "autocomplete": "off"})

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", 0)
        super().__init__(localize=True, **kwargs)


def format_count(value: int, language: str | None = None) -> str:
    thousands = FORMATS.get((language or get_language() or "ar")[:2], FORMATS["ar"])[0]
    digits = f"{abs(value)}"
    groups = [digits[max(0, end - 3) : end] for end in range(len(digits), 0, -3)][::-1]
    return ("-" if value < 0 else "") + thousands.join(groups)


@register.filter(name="figure")
def figure_filter(value) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return format_count(value)
    # "< 3" kept left to right in an Arabic page, where it would read "3 >".
    return format_html('<bdi dir="ltr">{}</bdi>', value) if value not in (None, "") else ""
