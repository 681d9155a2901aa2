"""The dashboard's filters: the project list's names and values, so a figure's link keeps them."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dashboards.selection import Selection
from partners.models import Convention
from projects.forms import ConventionChoiceField, PartnerChoiceField, partner_choices
from projects.models import MicroProject


def conventions_of(scope):
    """The conventions that may fund a project of the scope: national ones, its regions', its provinces'."""
    if scope.level == "national":
        return Convention.objects.all()
    provinces = scope.provinces()
    return Convention.objects.filter(
        Q(scope=Convention.Scope.NATIONAL) | Q(province__in=provinces) | Q(region__in=provinces.values("region"))
    )


class DashboardFilterForm(forms.Form):
    year = forms.IntegerField(
        label=_("convention year"), required=False, min_value=2005, max_value=2100, widget=forms.Select
    )
    convention = ConventionChoiceField(label=_("convention"), queryset=None, required=False)
    partner = PartnerChoiceField(label=_("partner"), queryset=None, required=False)
    indh_phase = forms.ChoiceField(
        label=_("INDH phase"), choices=[("", _("All")), *Convention.IndhPhase.choices], required=False
    )
    sector = forms.ChoiceField(
        label=_("sector"), choices=[("", _("All")), *MicroProject.Sector.choices], required=False
    )

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.fields["convention"].queryset = conventions_of(scope)
        self.fields["partner"].queryset = partner_choices()
        self.fields["partner"].empty_label = _("All")
        self.fields["year"].help_text = _("The year of the conventions that fund the projects.")
        self.fields["partner"].help_text = _("Funds the projects or studies them.")
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"

    def fill_menus(self) -> None:
        """The menus' options, read only to draw the form (a cached page draws none): the
        conventions of the scope, their years (one query for both) and the partners."""
        conventions = list(conventions_of(self.scope).order_by("-year", "reference"))
        years = sorted({convention.year for convention in conventions}, reverse=True)
        self.fields["year"].widget.choices = [("", _("All")), *((year, year) for year in years)]
        label = self.fields["convention"].label_from_instance
        self.fields["convention"].widget.choices = [("", _("All")), *((c.pk, label(c)) for c in conventions)]
        partner = self.fields["partner"]
        partner.widget.choices = [("", _("All")), *((p.pk, partner.label_from_instance(p)) for p in partner.queryset)]

    def selection(self) -> Selection:
        data = self.cleaned_data
        return Selection(
            self.scope,
            year=data.get("year"),
            convention=data.get("convention"),
            partner=data.get("partner"),
            indh_phase=data.get("indh_phase") or "",
            sector=data.get("sector") or "",
        )
