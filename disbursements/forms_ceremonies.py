"""The ceremony screens' forms: the ceremony itself, and the projects added to it in bulk. They
validate and normalise; the model methods (Handover.plan, change_plan, deliver_all) decide."""

from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from disbursements.forms import PLAN_HORIZON
from disbursements.models import Ceremony, Handover
from partners.models import Partner
from reintegration.lib.text import CleanMultilineField, text_formfield
from territory.scoping import visible_provinces

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PartnerCheckboxes(forms.ModelMultipleChoiceField):
    def label_from_instance(self, partner):
        return f"{partner.acronym} — {partner.name}"


class ProjectCheckboxes(forms.ModelMultipleChoiceField):
    """Project ids as posted: digits that fit an id, else "not a valid choice" (a 30-digit number
    would overflow the database's integer and answer 500)."""

    LARGEST_ID = 2**63 - 1

    def _check_values(self, value):
        for pk in value:
            if not str(pk).isdigit() or int(pk) > self.LARGEST_ID:
                raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super()._check_values(value)


class CeremonyForm(forms.ModelForm):
    """Staff hold ceremonies in their own province; an admin chooses the province."""

    partners_present = PartnerCheckboxes(
        label=capfirst(_("partners present")),
        queryset=Partner.objects.order_by("acronym"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # Bounded as a handover's notes are: the model's text field takes a whole pasted document.
    notes = CleanMultilineField(
        label=capfirst(_("notes")),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
    )

    class Meta:
        model = Ceremony
        formfield_callback = text_formfield
        fields = ["province", "held_on", "place", "presided_by", "partners_present", "notes"]
        widgets = {
            "held_on": DATE_INPUT,
            "presided_by": forms.TextInput(attrs={"dir": "auto"}),
            "place": forms.TextInput(attrs={"dir": "auto"}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.role == User.Role.ADMIN:
            self.fields["province"].queryset = visible_provinces(user).order_by("name_fr")
        else:
            # The staff's own province, whatever the form posts.
            del self.fields["province"]
            self.instance.province_id = user.province_id
        self.held_on = self.instance.held_on
        if self.instance.pk is not None and self.instance.handovers.exists():
            # Its handovers are numbered and locked to the province: it cannot move.
            self.fields.pop("province", None)

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        delivered = self.instance.pk is not None and self.instance.handovers.filter(status="delivered").exists()
        if delivered and held_on != self.held_on:
            # The deliveries are dated and in the ledger: the ceremony's day is history now.
            raise forms.ValidationError(
                _("Handovers were delivered at this ceremony: its date cannot change any more.")
            )
        if held_on != self.held_on and abs(held_on - timezone.localdate()) > PLAN_HORIZON:
            # Its handovers take its day and that year's numbers: a typo (2062 for 2026) would
            # number every one. An old ceremony keeps its date when only its place is corrected.
            raise forms.ValidationError(_("Hold the ceremony within two years of today."), code="too_far")
        return held_on


class AddProjectsForm(forms.Form):
    """The projects ticked on the ceremony's page, among its candidates (anything else is refused)."""

    projects = ProjectCheckboxes(
        label=_("Projects"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Tick at least one project."),
            "invalid_choice": _("A project ticked cannot be added to this ceremony any more: reload the page."),
            "invalid_pk_value": _("A project ticked cannot be added to this ceremony any more: reload the page."),
        },
    )
    cash_method = forms.ChoiceField(
        label=capfirst(_("payment method of the cash")),
        choices=Handover.CashMethod.choices,
        initial=Handover.CashMethod.TRANSFER,
        required=False,
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["projects"].queryset = candidates

    def clean_cash_method(self):
        # Left out of the post (no cash line on the page): a bank transfer, the programme's usual way.
        return self.cleaned_data["cash_method"] or Handover.CashMethod.TRANSFER
