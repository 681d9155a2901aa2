from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from beneficiaries.identity import (
    CIN_PREFIX_DIGITS,
    looks_like_cin,
    looks_like_phone,
    normalise_cin,
    normalise_phone,
    normalise_searched_phone,
    validate_cin,
)
from beneficiaries.models import MINIMUM_AGE_AT_RELEASE, Beneficiary, Consent, years_before
from beneficiaries.permissions import can_reveal_cin
from reintegration.lib import listing
from reintegration.lib.names import fold, search_words
from reintegration.lib.text import CleanTextField, SearchTextField, text_formfield
from territory.scoping import visible_provinces

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
IDENTITY_FIELDS = {"first_name", "last_name", "first_name_ar", "last_name_ar", "date_of_birth"}


class BeneficiaryForm(forms.ModelForm):
    """Registration and correction of a beneficiary. Normalises; the view decides what happens next."""

    consent_given_on = forms.DateField(
        label=capfirst(_("consent to the programme given on")),
        required=False,
        widget=DATE_INPUT,
        help_text=_("The date the person agreed to their data being processed for the programme."),
    )
    confirm_not_duplicate = forms.BooleanField(
        label=_("I have checked: this is a different person"),
        required=False,
    )

    class Meta:
        model = Beneficiary
        formfield_callback = text_formfield  # every free-text field: NFKC, no invisible characters
        fields = [
            "cin",
            "no_cin_reason",
            "first_name",
            "last_name",
            "first_name_ar",
            "last_name_ar",
            "sex",
            "date_of_birth",
            "phone",
            "address",
            "province",
            "commune",
            "education",
            "skills",
            "detention_training",
            "release_date",
            "prison",
            "support_centre",
            "referral_source",
            "dependants",
            "notes",
        ]
        widgets = {
            "date_of_birth": DATE_INPUT,
            "release_date": DATE_INPUT,
            "address": forms.Textarea(attrs={"rows": 2}),
            "skills": forms.Textarea(attrs={"rows": 2}),
            "detention_training": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "first_name_ar": forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
            "last_name_ar": forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
            "cin": forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"dir": "ltr", "type": "tel"}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.probable_duplicates = []
        self.registered_in_scope = None
        for name in ("cin", "phone"):
            # People type spaces and dashes: the length is checked after normalisation.
            self.fields[name].max_length = 30
            self.fields[name].validators = []
            self.fields[name].widget.attrs["maxlength"] = 30
        provinces = visible_provinces(user)
        if user.province_id:
            # Provincial staff register people of their own province only.
            del self.fields["province"]
        else:
            self.fields["province"].queryset = provinces
        if self.instance.pk:
            del self.fields["consent_given_on"]

    def clean_cin(self):
        cin = normalise_cin(self.cleaned_data.get("cin") or "")
        if not cin:
            return None
        validate_cin(cin)
        registered = Beneficiary.objects.filter(cin=cin).exclude(pk=self.instance.pk).with_province().first()
        if registered:
            raise self.cin_taken_error(registered)
        return cin

    def cin_taken_error(self, registered) -> ValidationError:
        if self.in_scope([registered]):
            self.registered_in_scope = registered  # the template links to the record
            return ValidationError(
                _("This CIN is already registered for %(name)s: open their record instead of registering them again."),
                code="cin_taken",
                params={"name": registered.full_name},
            )
        # Outside the user's scope: name the province, never the person.
        return ValidationError(
            _(
                "This CIN is already registered in %(province)s. Contact the provincial "
                "social-action division of %(province)s before registering this person again."
            ),
            code="cin_taken",
            params={"province": registered.province.name},
        )

    def in_scope(self, people) -> set[int]:
        """The ids, among `people`, of those this user may see by name."""
        ids = [person.pk for person in people]
        return set(Beneficiary.objects.visible_to(self.user).filter(pk__in=ids).values_list("pk", flat=True))

    def clean_phone(self):
        phone = self.cleaned_data.get("phone", "").strip()
        return normalise_phone(phone) if phone else ""

    def clean(self):
        data = super().clean()
        self._check_identity(data)
        self._check_dates(data)
        if not self.errors and self._identity_changed():
            self._check_probable_duplicates(data)
        return data

    def _identity_changed(self) -> bool:
        """A new person, or a name or birth date corrected: an edit of the phone asks nothing again."""
        return self.instance.pk is None or bool(set(self.changed_data) & IDENTITY_FIELDS)

    def _check_identity(self, data):
        if not data.get("cin") and not data.get("no_cin_reason", "").strip() and "cin" not in self.errors:
            self.add_error("no_cin_reason", _("Give the CIN, or explain why the person has none."))
        latin = data.get("first_name", "").strip() and data.get("last_name", "").strip()
        arabic = data.get("first_name_ar", "").strip() and data.get("last_name_ar", "").strip()
        if not (latin or arabic):
            self.add_error("first_name", _("Give the first and last name in Latin script, in Arabic script, or both."))

    def _check_dates(self, data):
        today = timezone.localdate()
        born, released = data.get("date_of_birth"), data.get("release_date")
        if born and born > today:
            self.add_error("date_of_birth", _("The date of birth cannot be in the future."))
        if released and released > today:
            self.add_error("release_date", _("The release date cannot be in the future."))
        if born and released and born > years_before(released, MINIMUM_AGE_AT_RELEASE):
            self.add_error(
                "date_of_birth",
                _("The person must have been at least %(age)s years old at release.") % {"age": MINIMUM_AGE_AT_RELEASE},
            )
        consent = data.get("consent_given_on")
        if consent and consent > today:
            self.add_error("consent_given_on", _("The consent date cannot be in the future."))

    def _check_probable_duplicates(self, data):
        candidates = Beneficiary.objects.probable_duplicates(
            date_of_birth=data.get("date_of_birth"),
            names=[
                (data.get("first_name", ""), data.get("last_name", "")),
                (data.get("first_name_ar", ""), data.get("last_name_ar", "")),
            ],
            exclude_pk=self.instance.pk,
        ).with_province()
        self.probable_duplicates = list(candidates[:10])
        # People outside the user's scope are shown by province only, never by name.
        visible = self.in_scope(self.probable_duplicates)
        for candidate in self.probable_duplicates:
            candidate.in_scope = candidate.pk in visible
        if self.probable_duplicates and not data.get("confirm_not_duplicate"):
            self.add_error(
                "confirm_not_duplicate",
                _(
                    "Someone born the same day with a similar name is already registered. Check that this "
                    "is a different person, then tick the box to confirm."
                ),
            )


class ConsentForm(forms.ModelForm):
    class Meta:
        model = Consent
        fields = ["purpose", "given_on"]
        widgets = {"given_on": DATE_INPUT}

    def clean_given_on(self):
        given_on = self.cleaned_data["given_on"]
        if given_on > timezone.localdate():
            raise ValidationError(_("The consent date cannot be in the future."))
        return given_on


class WithdrawalForm(forms.Form):
    withdrawn_on = forms.DateField(label=capfirst(_("withdrawn on")), widget=DATE_INPUT)

    def __init__(self, *args, consent, **kwargs):
        super().__init__(*args, **kwargs)
        self.consent = consent

    def clean_withdrawn_on(self):
        day = self.cleaned_data["withdrawn_on"]
        if day > timezone.localdate():
            raise ValidationError(_("The withdrawal date cannot be in the future."))
        if day < self.consent.given_on:
            raise ValidationError(_("The withdrawal date cannot be before the consent was given."))
        return day


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=capfirst(_("new status")),
        # Also what a page left open answers once someone else has changed the status.
        error_messages={"invalid_choice": _("This status change is not possible from the current status.")},
    )
    exit_reason = forms.ChoiceField(
        label=capfirst(_("exit reason")),
        choices=[("", _("Only when leaving the programme")), *Beneficiary.ExitReason.choices],
        required=False,
    )

    def __init__(self, *args, beneficiary, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(s, Beneficiary.Status(s).label) for s in beneficiary.allowed_statuses()]

    def clean(self):
        data = super().clean()
        if data.get("status") == Beneficiary.Status.EXITED and not data.get("exit_reason"):
            self.add_error("exit_reason", _("Choose why the person leaves the programme."))
        return data


class StepBackForm(forms.Form):
    """Why a wrong status is corrected; the status the user saw travels with it (see step_back)."""

    reason = CleanTextField(
        label=capfirst(_("reason for the correction")),
        max_length=300,
        help_text=_("Shown on the timeline with your name, for instance: “chosen by mistake, not yet accompanied”."),
        error_messages={"required": _("Say why the status is corrected.")},
        widget=forms.TextInput(attrs={"dir": "auto"}),  # typed in Arabic or French, whatever the page's language
    )
    from_status = forms.ChoiceField(choices=Beneficiary.Status.choices, widget=forms.HiddenInput)


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
