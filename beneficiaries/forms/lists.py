"""The forms of the list page: search and filters, Find by CIN, export columns."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from beneficiaries.identity import (
    CIN_PREFIX_DIGITS,
    looks_like_cin,
    looks_like_phone,
    normalise_cin,
    normalise_searched_phone,
    validate_cin,
)
from beneficiaries.models import Beneficiary
from beneficiaries.permissions import can_reveal_cin
from reintegration.lib import listing
from reintegration.lib.names import fold, search_words
from reintegration.lib.text import SearchTextField
from territory.scoping import visible_provinces

SORTS = {
    "name": ["sort_name", "pk"],
    "-name": ["-sort_name", "-pk"],
    "birth": ["date_of_birth", "pk"],
    "-birth": ["-date_of_birth", "-pk"],
    "release": ["release_date", "pk"],
    "-release": ["-release_date", "-pk"],
    "registered": ["created_at", "pk"],
    "-registered": ["-created_at", "-pk"],
    "status": ["status", "sort_name", "pk"],
    "-status": ["-status", "sort_name", "pk"],
}


class FindByCinForm(forms.Form):
    """Sent by POST, so the number stays out of URLs (browser history, proxy and server logs)."""

    cin = forms.CharField(
        label=_("Find by CIN"),
        max_length=30,
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off", "class": "form-control"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cin"].help_text = _(
            "The whole CIN opens the record; its letters and at least %(digits)s digits list the people "
            "whose CIN starts with them."
        ) % {"digits": CIN_PREFIX_DIGITS}

    def clean_cin(self):
        cin = normalise_cin(self.cleaned_data["cin"])
        validate_cin(cin)
        return cin


class BeneficiaryFilterForm(forms.Form):
    """The list's search box and filters; every value is optional and validated."""

    q = SearchTextField(label=_("Name or phone"), required=False, max_length=100)
    province = forms.ModelChoiceField(label=_("province"), queryset=None, required=False)
    commune = SearchTextField(label=_("commune"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("status"), choices=[("", _("All")), *Beneficiary.Status.choices], required=False)
    sex = forms.ChoiceField(label=_("sex"), choices=[("", _("All")), *Beneficiary.Sex.choices], required=False)
    age_band = forms.ChoiceField(label=_("age"), choices=[("", _("All")), *Beneficiary.AgeBand.choices], required=False)
    release_year = forms.IntegerField(label=_("release year"), required=False, min_value=1950, max_value=2100)
    referral_source = forms.ChoiceField(
        label=_("referral source"), choices=[("", _("All")), *Beneficiary.ReferralSource.choices], required=False
    )
    sort = listing.sort_field(SORTS)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.phone = ""  # the phone searched, normalised, when the search box holds one
        self.fields["province"].queryset = visible_provinces(user)
        self.fields["province"].empty_label = _("All")
        # Rendered by hand, not by crispy: the filter bar is on every list request (make bench).
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = css
        # A name in either script, or a phone: each typed in its own direction (a phone stays 0661 23...).
        for name in ("q", "commune"):
            self.fields[name].widget.attrs["dir"] = "auto"

    def clean_q(self):
        """A CIN is never searched here: it would sit in the page's URL, in history and server logs."""
        text = self.cleaned_data["q"]
        if looks_like_cin(text):
            if can_reveal_cin(self.user):
                raise ValidationError(
                    _("To find someone by CIN, use “Find by CIN”: it keeps the number out of web addresses."),
                    code="cin_in_search",
                )
            raise ValidationError(_("Your role may not search by CIN: search by name."), code="cin_in_search")
        if looks_like_phone(text):
            return self.clean_searched_phone(text)
        return text

    def clean_searched_phone(self, text):
        """A phone, unlike a CIN, may be searched here, in the URL, by every role that reads the list.

        It is personal data too, but not an identity document: it opens no account and proves nobody's
        identity, staff call people on it daily and are asked "who has this number?" as often; and it
        is no oracle, since only people in the user's scope are searched, whose record (phone included)
        the user may open anyway. A typed number is matched whole: a few digits are refused, not
        searched, so the box lists nobody by a fragment of a number.
        """
        try:
            phone = normalise_searched_phone(text)
        except ValidationError:
            raise ValidationError(
                _("To find someone by phone, type the whole number, e.g. 06 12 34 56 78 or +212 612345678."),
                code="partial_phone",
            ) from None
        self.phone = phone
        return text

    def filter(self, queryset):
        """The queryset narrowed by the filters; nobody at all when one is invalid.

        Ignoring an invalid filter would widen the list silently: `release_year=abc` on a
        one-person export would export the whole province.
        """
        if not self.is_valid():
            return queryset.none()
        data = self.cleaned_data
        if data.get("q") and self.phone:
            queryset = queryset.filter(phone=self.phone)
        elif data.get("q"):
            queryset = queryset.search(data["q"])
        if data.get("province"):
            queryset = queryset.filter(province=data["province"])
        if data.get("commune"):
            # Aït-Ourir, ait ourir and AIT OURIR alike, in either script (see Beneficiary.commune_key).
            # Punctuation alone folds to nothing, which every key contains: it is kept, and matches nobody.
            queryset = queryset.filter(commune_key__contains=fold(data["commune"]) or data["commune"])
        for field in ("status", "sex", "referral_source"):
            if data.get(field):
                queryset = queryset.filter(**{field: data[field]})
        if data.get("age_band"):
            queryset = queryset.in_age_band(data["age_band"])
        if data.get("release_year"):
            queryset = queryset.filter(release_date__year=data["release_year"])
        ordering = [by_list_script(key) for key in listing.ordering(SORTS, data.get("sort"), default="name")]
        if data.get("q") and not self.phone and all(len(word) >= 3 for word in search_words(data["q"])):
            ordering = matches_first(ordering)
        return queryset.order_by(*ordering)


class ExportForm(forms.Form):
    """Which column groups an export holds (`?columns=identity&columns=status`); the columns of each
    group are listed in beneficiaries.views.export. No choice at all means the default groups."""

    GROUPS = [
        ("identity", _("Identity")),
        ("path", _("Path and skills")),
        ("consent", _("Consent")),
        ("status", _("Status and exit reason")),
    ]
    DEFAULT = ["identity", "status"]

    columns = forms.MultipleChoiceField(
        label=_("Columns"),
        choices=GROUPS,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(self, data):
        # A link without `columns` (and the list itself) gets the default groups, shown ticked.
        if "columns" not in data:
            data = data.copy()
            data.setlist("columns", self.DEFAULT)
        super().__init__(data, auto_id="export_%s")

    def clean_columns(self):
        """The groups in the file's order, each once, whatever the order of the parameters."""
        chosen = set(self.cleaned_data["columns"])
        return [name for name, _label in self.GROUPS if name in chosen]


def by_list_script(key: str) -> str:
    """In Arabic the list shows and sorts the Arabic name first."""
    return key.replace("sort_name", "sort_name_ar") if get_language() == "ar" else key


def matches_first(ordering):
    """The same order, written so that PostgreSQL finds the matches first, then sorts them.

    Ordered by an indexed column, the planner walks that index and tests the search on every
    row until a page is full: 61,520 rows and 290 ms for a rare name among 100,000 (make bench).
    NULLS FIRST changes nothing on a NOT NULL column, but no plain B-tree index can serve it, so
    the trigram index is used instead. Words under 3 letters have no trigrams: they keep the walk.
    """
    first, *rest = ordering
    if Beneficiary._meta.get_field(first.removeprefix("-")).null:
        return ordering  # NULLS FIRST/LAST would change where the empty values go
    key = F(first[1:]).desc(nulls_last=True) if first.startswith("-") else F(first).asc(nulls_first=True)
    return [key, *rest]
