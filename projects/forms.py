"""The forms of the browsing and drafting screens: the list's filters, the draft and its funding plan.

The forms of the workflow's actions (study, decisions, visits) are in projects/forms_actions.py.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from beneficiaries.identity import normalise_cin, validate_cin
from beneficiaries.models import Beneficiary
from partners.models import Convention, Partner
from projects.models import FundingLine, MicroProject
from projects.models.states import SHOWN_TO_PARTNERS, ProjectStatus
from reintegration.lib import listing
from reintegration.lib.money import AmountField
from reintegration.lib.text import SearchTextField, text_formfield
from territory.scoping import visible_provinces

SORTS = {
    "title": ["title", "pk"],
    "-title": ["-title", "-pk"],
    "cost": ["total_cost", "pk"],
    "-cost": ["-total_cost", "-pk"],
    "status": ["status", "-created_at", "-pk"],
    "-status": ["-status", "-created_at", "-pk"],
    "updated": ["updated_at", "pk"],
    "-updated": ["-updated_at", "-pk"],
    "created": ["created_at", "pk"],
    "-created": ["-created_at", "-pk"],
    # The visits-due worklist: the most overdue first.
    "due": ["next_visit_due", "pk"],
    "-due": ["-next_visit_due", "-pk"],
}
# Commas (Latin or Arabic), semicolons and line breaks separate the CINs of the co-beneficiaries.
CIN_SEPARATORS = re.compile(r"[,،;\n]+")


def project_formfield(db_field, **kwargs):
    """Free text under the text rule (text_formfield), amounts as AmountField ("1234,50" or "1234.50")."""
    if isinstance(db_field, models.DecimalField):
        kwargs.setdefault("form_class", AmountField)
        return db_field.formfield(**kwargs)
    return text_formfield(db_field, **kwargs)


class ConventionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, convention):
        return f"{convention.reference} — {convention.title}"


class PartnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, partner):
        return f"{partner.acronym} — {partner.name}"


def partner_choices():
    return Partner.objects.order_by("acronym")


class ProjectFilterForm(forms.Form):
    """The list's search box and filters; every value is optional and validated."""

    q = SearchTextField(label=_("Title"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("status"), required=False)
    sector = forms.ChoiceField(
        label=_("sector"), choices=[("", _("All")), *MicroProject.Sector.choices], required=False
    )
    convention = ConventionChoiceField(label=_("convention"), queryset=None, required=False)
    partner = PartnerChoiceField(label=_("partner"), queryset=None, required=False)
    commune = SearchTextField(label=_("commune"), required=False, max_length=100)
    # Filters a dashboard's links carry (its place and its choice of conventions).
    province = forms.ModelChoiceField(label=_("province"), queryset=None, required=False)
    year = forms.IntegerField(label=_("convention year"), required=False, min_value=2005, max_value=2100)
    indh_phase = forms.ChoiceField(
        label=_("INDH phase"), choices=[("", _("All")), *Convention.IndhPhase.choices], required=False
    )
    sort = listing.sort_field(SORTS)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # A coordinator never sees drafts or withdrawn projects: no filter offers them.
        shown = [s for s in ProjectStatus if user.role != user.Role.COORDINATOR or s in SHOWN_TO_PARTNERS]
        self.fields["status"].choices = [("", _("All")), *((status.value, status.label) for status in shown)]
        self.fields["convention"].queryset = Convention.objects.visible_to(user)
        self.fields["partner"].queryset = partner_choices()
        self.fields["province"].queryset = visible_provinces(user)
        for name in ("convention", "partner", "province"):
            self.fields[name].empty_label = _("All")
        self.fields["partner"].help_text = _("Funds the project or studies it.")
        # Rendered by hand, not by crispy, as the registry's filter bar.
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = css
        for name in ("q", "commune"):
            self.fields[name].widget.attrs["dir"] = "auto"

    def filter(self, queryset, *, default_sort="-created"):
        """The queryset narrowed by the filters; no project at all when one is invalid (an invalid
        filter ignored would widen the list, and the export, silently)."""
        if not self.is_valid():
            return queryset.none()
        data = self.cleaned_data
        if data.get("q"):
            queryset = queryset.filter(title__icontains=data["q"])
        for field in ("status", "sector", "province"):
            if data.get(field):
                queryset = queryset.filter(**{field: data[field]})
        # One line under the chosen conventions: the same line has the convention, the year, the phase.
        conventions = {"convention": "convention", "year": "convention__year", "indh_phase": "convention__indh_phase"}
        chosen = {lookup: data[name] for name, lookup in conventions.items() if data.get(name)}
        if chosen:
            queryset = queryset.filter(pk__in=FundingLine.objects.filter(**chosen).values("project"))
        if data.get("partner"):
            funded = FundingLine.objects.filter(partner=data["partner"]).values("project")
            queryset = queryset.filter(Q(pk__in=funded) | Q(technical_partner=data["partner"]))
        if data.get("commune"):
            queryset = queryset.filter(commune__icontains=data["commune"])
        return queryset.order_by(*listing.ordering(SORTS, data.get("sort"), default=default_sort))


class ProjectForm(forms.ModelForm):
    """A draft: who, what, how much. The lead is fixed by the page (`lead`, from the registry's
    record) or typed as a CIN, and is never changed afterwards: the project is that person's."""

    lead_cin = forms.CharField(
        label=_("CIN of the lead beneficiary"),
        max_length=30,
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
        help_text=_("The person must be registered in your scope. The project belongs to their province."),
    )
    kept_co_beneficiaries = forms.ModelMultipleChoiceField(
        label=_("Co-beneficiaries"),
        queryset=Beneficiary.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Untick a person to take them out of the project."),
    )
    co_beneficiary_cins = forms.CharField(
        label=_("Co-beneficiaries (collective project)"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
        help_text=_("Their CINs, separated by commas. Each person must be registered in the project's province."),
    )

    # The people first, as the page shows them (and so the error summary lists them).
    field_order = ["lead_cin", "kept_co_beneficiaries", "co_beneficiary_cins"]

    class Meta:
        model = MicroProject
        # Free text under the text rule (NFKC, no invisible characters); amounts typed either way.
        formfield_callback = project_formfield
        fields = [
            "title",
            "sector",
            "activity",
            "commune",
            "total_cost",
            "own_contribution",
            "expected_jobs",
            "technical_partner",
        ]
        widgets = {"activity": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, lead=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.lead = self.instance.lead if self.instance.pk else lead
        self.co_beneficiaries = []
        if self.lead is not None:
            del self.fields["lead_cin"]
        if self.instance.pk:
            self.fields["co_beneficiary_cins"].label = _("Add co-beneficiaries")
            kept = self.instance.co_beneficiaries.with_province()
            self.fields["kept_co_beneficiaries"].queryset = kept
            self.fields["kept_co_beneficiaries"].label_from_instance = lambda person: person.display_name()
            self.initial.setdefault("kept_co_beneficiaries", list(kept))
            if not kept:
                del self.fields["kept_co_beneficiaries"]
        else:
            del self.fields["kept_co_beneficiaries"]
        technical = self.fields["technical_partner"]
        technical.queryset = Partner.objects.filter(kind=Partner.Kind.TECHNICAL)
        technical.label_from_instance = lambda partner: f"{partner.acronym} — {partner.name}"
        if not self.instance.pk and not self.is_bound:
            # A new draft: the lead's commune, and ANAPEC, which studies the programme's projects.
            self.initial["commune"] = self.lead.commune if self.lead else ""
            self.initial["technical_partner"] = technical.queryset.filter(acronym="ANAPEC").first()

    @property
    def province(self):
        """The project's province: its lead's (None until the lead is known)."""
        return self.lead.province if self.lead else None

    def in_scope(self):
        return Beneficiary.objects.visible_to(self.user).with_province()

    def clean_lead_cin(self):
        cin = normalise_cin(self.cleaned_data["lead_cin"])
        validate_cin(cin)
        self.lead = self.in_scope().filter(cin=cin).first()
        if self.lead is None:
            # The same answer whether the CIN is registered elsewhere or nowhere.
            raise ValidationError(
                _("No one with the CIN %(cin)s is registered in your scope: register the person first."),
                code="unknown_cin",
                params={"cin": cin},
            )
        return cin

    def clean_co_beneficiary_cins(self):
        people = []
        for typed in CIN_SEPARATORS.split(self.cleaned_data["co_beneficiary_cins"]):
            cin = normalise_cin(typed)
            if not cin:
                continue
            try:
                validate_cin(cin)
            except ValidationError as error:
                raise ValidationError(
                    _("“%(typed)s” is not a CIN: %(error)s"),
                    code="invalid_cin",
                    params={"typed": typed.strip()[:30], "error": error.messages[0]},
                ) from None
            person = self.in_scope().filter(cin=cin).first()
            if person is None:
                raise ValidationError(
                    _("No one with the CIN %(cin)s is registered in your scope."),
                    code="unknown_cin",
                    params={"cin": cin},
                )
            people.append(person)
        return people

    def clean_title(self):
        title = self.cleaned_data["title"]
        drafts = MicroProject.objects.filter(lead=self.lead, status=MicroProject.Status.DRAFT, title__iexact=title)
        if self.lead is not None and drafts.exclude(pk=self.instance.pk).exists():
            # The form posted twice (a double click, a reload), or the same project drafted again.
            raise ValidationError(
                _(
                    "This person already has a draft with this title: open it from their record instead of "
                    "drafting it again."
                ),
                code="duplicate_draft",
            )
        return title

    def clean(self):
        data = super().clean()
        total, own = data.get("total_cost"), data.get("own_contribution")
        if total is not None and own is not None and own > total:
            self.add_error("own_contribution", _("The own contribution cannot exceed the total cost."))
        if self.lead is not None:
            self.co_beneficiaries = self.checked_co_beneficiaries(
                [*data.get("kept_co_beneficiaries", []), *data.get("co_beneficiary_cins", [])]
            )
        return data

    def checked_co_beneficiaries(self, people):
        """Each person once, not the lead, and of the lead's province (the project's scope)."""
        chosen = []
        for person in people:
            if person.pk == self.lead.pk:
                self.add_error(
                    "co_beneficiary_cins",
                    _("%(name)s is the lead beneficiary: a co-beneficiary is someone else.")
                    % {"name": person.display_name()},
                )
            elif person.province_id != self.lead.province_id:
                self.add_error(
                    "co_beneficiary_cins",
                    _(
                        "%(name)s is registered in %(province)s: everyone in a project belongs to its "
                        "province, %(project_province)s."
                    )
                    % {
                        "name": person.display_name(),
                        "province": person.province.name,
                        "project_province": self.lead.province.name,
                    },
                )
            elif person not in chosen:
                chosen.append(person)
        return chosen


class FundingLineForm(forms.ModelForm):
    class Meta:
        model = FundingLine
        fields = ["partner", "convention", "kind", "amount"]
        field_classes = {"partner": PartnerChoiceField, "convention": ConventionChoiceField, "amount": AmountField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = css
        self.fields["amount"].widget.attrs["dir"] = "ltr"
        # No blank choice: a line is in equipment unless said otherwise (an untouched extra line stays empty).
        self.fields["kind"].choices = FundingLine.Kind.choices
        self.fields["kind"].initial = FundingLine.Kind.EQUIPMENT


class BaseFundingLineFormSet(BaseInlineFormSet):
    """The funding plan. Its conventions are those of the user's scope covering the project's
    province; each line is checked against the province and the convention's contributions."""

    def __init__(self, *args, user, province=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.extra = 1  # a saved plan shows its lines and room for one more
        self.province = province
        conventions = Convention.objects.visible_to(user)
        if province is not None:
            conventions = conventions.covering(province)
        self.conventions = conventions
        self.partners = partner_choices()

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["partner"].queryset = self.partners
        form.fields["convention"].queryset = self.conventions
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"
        if self.province is not None:
            form.fields["convention"].error_messages["invalid_choice"] = _(
                "Choose a convention that covers %(province)s."
            ) % {"province": self.province.name}

    def clean(self):
        super().clean()
        if self.province is None:
            return  # the lead is unknown: the project form says why
        for form in self.forms:
            if not (form.instance.pk or form.has_changed()) or self._should_delete_form(form) or form.errors:
                continue
            for problem in form.instance.coverage_problems(self.province):
                form.add_error(None, problem)

    @property
    def kept_forms(self):
        """The lines shown filled in: saved, or typed (an empty extra line is no line)."""
        return [form for form in self.forms if form.instance.pk or form.has_changed()]


FundingLineFormSet = inlineformset_factory(
    MicroProject,
    FundingLine,
    form=FundingLineForm,
    formset=BaseFundingLineFormSet,
    extra=3,
    can_delete=True,
)
