"""The convention form and its parties' contributions. They validate and normalise; the amounts are
written by `partners.views.save_convention` through the convention's locked methods."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from partners.models import Contribution, Convention, Partner
from reintegration.lib.text import text_formfield
from territory.models import Province, Region

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
AMOUNT_INPUT = forms.NumberInput(attrs={"step": "0.01", "min": "0", "dir": "ltr", "inputmode": "decimal"})


class PlainHiddenInitialBoundField(forms.BoundField):
    """The hidden copy of what the user saw (show_hidden_initial) carries no aria-describedby:
    Django gives it the field's, and a hidden input may have no aria attribute."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        if (widget or self.field.widget).is_hidden:
            attrs = {name: value for name, value in attrs.items() if not name.startswith("aria-")}
        return attrs


class MarkedInvalidBoundField(PlainHiddenInitialBoundField):
    """A field rendered by hand (the parties' table) gets Bootstrap's mark when it has an error,
    as the fields crispy renders do."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        if self.errors and not (widget or self.field.widget).is_hidden:
            widget = widget or self.field.widget
            attrs["class"] = f"{attrs.get('class', widget.attrs.get('class', ''))} is-invalid".strip()
        return attrs


class ConventionForm(forms.ModelForm):
    bound_field_class = PlainHiddenInitialBoundField

    class Meta:
        model = Convention
        formfield_callback = text_formfield  # every free-text field: NFKC, no invisible characters
        fields = [
            "reference",
            "title",
            "scope",
            "province",
            "region",
            "signed_on",
            "year",
            "indh_phase",
            "starts_on",
            "ends_on",
            "envelope",
            "target_beneficiaries",
            "notes",
            "document",
        ]
        widgets = {
            "reference": forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
            "signed_on": DATE_INPUT,
            "starts_on": DATE_INPUT,
            "ends_on": DATE_INPUT,
            "envelope": AMOUNT_INPUT,
            # French or Arabic: each line takes the direction of what is typed in it.
            "title": forms.TextInput(attrs={"dir": "auto"}),
            "notes": forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
            "document": forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
        }
        help_texts = {
            "scope": _("A provincial convention names its province, a regional one its region."),
            "envelope": _("In MAD. Never less than what the parties below contribute together."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = Province.objects.order_by("name_fr")
        self.fields["region"].queryset = Region.objects.order_by("code")
        # The envelope as the administrator saw it rides along: another administrator may have
        # changed it meanwhile, and an envelope this one did not touch must not be written back.
        self.fields["envelope"].show_hidden_initial = True

    def clean(self):
        cleaned = super().clean()
        scope = cleaned.get("scope")
        # Only the place the scope names is kept: a province chosen before switching to "national"
        # would otherwise make a convention that is two things at once.
        if scope != Convention.Scope.PROVINCE:
            cleaned["province"] = None
        if scope != Convention.Scope.REGION:
            cleaned["region"] = None
        if scope == Convention.Scope.PROVINCE and not cleaned.get("province"):
            self.add_error("province", _("Choose the province this convention covers."))
        if scope == Convention.Scope.REGION and not cleaned.get("region"):
            self.add_error("region", _("Choose the region this convention covers."))
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The convention cannot end before it starts."))
        return cleaned


class PartnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, partner):
        return f"{partner.acronym} — {partner.name}"


class ContributionForm(forms.ModelForm):
    bound_field_class = MarkedInvalidBoundField
    partner = PartnerChoiceField(
        queryset=Partner.objects.all(), label=_("Partner"), widget=forms.Select(attrs={"class": "form-select"})
    )

    class Meta:
        model = Contribution
        formfield_callback = text_formfield
        fields = ["partner", "amount", "in_kind"]
        help_texts = {"in_kind": ""}  # the table has no room for it: its example is above the table
        widgets = {
            "amount": forms.NumberInput(attrs={**AMOUNT_INPUT.attrs, "class": "form-control"}),
            "in_kind": forms.TextInput(attrs={"class": "form-control", "dir": "auto"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # What the administrator saw rides along, so only what they changed is written (see ConventionForm).
        for name in ("amount", "in_kind"):
            self.fields[name].show_hidden_initial = True
        if self.instance.pk:
            # A party stays a party: to replace one, remove it and add the other.
            self.fields["partner"].disabled = True

    def validate_constraints(self):
        # One contribution per partner is told by the formset (a partner listed twice) and by
        # save_convention (a partner added meanwhile), naming the partner; Django's message here
        # would repeat it in general words. The database enforces it all the same.
        pass


class BaseContributionFormSet(forms.BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"
            form.fields["DELETE"].label = pgettext("a party of a convention", "Remove")

    def clean(self):
        """One contribution per partner. (Django's own duplicate check is not called: it says "Please
        correct the duplicate data" over the table without naming the partner.)"""
        seen = set()
        for form in self.forms:
            if not form.is_valid() or self._should_delete_form(form):
                continue
            partner = form.cleaned_data.get("partner")
            if partner is None:
                continue
            if partner.pk in seen:
                form.add_error(
                    "partner",
                    _("%(partner)s is already a party to this convention: change its line instead of adding another.")
                    % {"partner": partner.acronym},
                )
            seen.add(partner.pk)


def contribution_formset(*, extra: int):
    return forms.inlineformset_factory(
        Convention,
        Contribution,
        form=ContributionForm,
        formset=BaseContributionFormSet,
        extra=extra,
        can_delete=True,
        can_delete_extra=False,
    )
