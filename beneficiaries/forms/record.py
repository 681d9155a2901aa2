"""The forms of a beneficiary's record: registration and edit, consent, withdrawal, status."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from beneficiaries.identity import (
    normalise_cin,
    normalise_phone,
    validate_cin,
)
from beneficiaries.models import MINIMUM_AGE_AT_RELEASE, Beneficiary, Consent, years_before
from reintegration.lib.text import CleanTextField, text_formfield
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
