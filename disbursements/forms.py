"""The forms of the handover screens: the list's filters, the plan (its items or its cash), and the
delivery, cancellation, reversal and signed-receipt forms. They validate and normalise what was
typed; the handover's transition methods decide (state, role, money)."""

from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from disbursements.models import Ceremony, Handover, HandoverItem
from partners.models import Convention
from projects.forms import ConventionChoiceField, PartnerChoiceField, partner_choices, project_formfield
from reintegration.lib import listing
from reintegration.lib.documents import validate_document
from reintegration.lib.money import AmountField
from reintegration.lib.text import CleanMultilineField, CleanTextField, SearchTextField
from territory.scoping import visible_provinces

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NOTES_INPUT = forms.Textarea(attrs={"rows": 3, "dir": "auto"})  # typed in Arabic or French, whatever the page
REASON_INPUT = forms.Textarea(attrs={"rows": 2, "dir": "auto"})
# A plan is for the coming months: a date years away is a typo (2062 for 2026).
PLAN_HORIZON = timedelta(days=2 * 366)
MAX_ITEMS = 50

SORTS = {
    "number": ["number", "pk"],
    "-number": ["-number", "-pk"],
    "value": ["amount", "pk"],
    "-value": ["-amount", "-pk"],
    "date": ["day", "pk"],
    "-date": ["-day", "-pk"],
    "created": ["created_at", "pk"],
    "-created": ["-created_at", "-pk"],
}


class CeremonyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, ceremony):
        return f"{date_format(ceremony.held_on, 'd/m/Y')} · {ceremony.place}"


class HandoverFilterForm(forms.Form):
    """The list's search box and filters; every value is optional and validated."""

    q = SearchTextField(label=_("Number or beneficiary"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("status"), choices=[("", _("All")), *Handover.Status.choices], required=False)
    kind = forms.ChoiceField(label=_("kind"), choices=[("", _("All")), *Handover.Kind.choices], required=False)
    ceremony = CeremonyChoiceField(label=_("ceremony"), queryset=None, required=False)
    convention = ConventionChoiceField(label=_("convention"), queryset=None, required=False)
    partner = PartnerChoiceField(label=_("partner"), queryset=None, required=False)
    date_from = forms.DateField(label=pgettext_lazy("start of a period", "From"), required=False, widget=DATE_INPUT)
    date_to = forms.DateField(label=pgettext_lazy("end of a period", "Until"), required=False, widget=DATE_INPUT)
    province = forms.ModelChoiceField(label=_("province"), queryset=None, required=False)
    sort = listing.sort_field(SORTS)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ceremony"].queryset = Ceremony.objects.visible_to(user)
        self.fields["convention"].queryset = Convention.objects.visible_to(user)
        self.fields["partner"].queryset = partner_choices()
        self.fields["province"].queryset = visible_provinces(user)
        for name in ("ceremony", "convention", "partner", "province"):
            self.fields[name].empty_label = _("All")
        self.offer_recent_ceremonies()
        self.fields["date_from"].help_text = _("Delivery date, or planned date when not delivered yet.")
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = css
        self.fields["q"].widget.attrs["dir"] = "auto"

    def offer_recent_ceremonies(self):
        """The menu lists the ceremonies of the last two years and those to come (and the one
        chosen): a national list would otherwise draw every ceremony ever held, 800 options and
        150 ms on the bench. Any ceremony in scope is still accepted, from a link or the URL."""
        field = self.fields["ceremony"]
        since = timezone.localdate() - timedelta(days=2 * 365)
        chosen = self.data.get("ceremony") if self.is_bound else None
        recent = field.queryset.filter(Q(held_on__gte=since) | Q(pk=chosen if str(chosen).isdigit() else None))
        field.widget.choices = [("", field.empty_label), *((c.pk, field.label_from_instance(c)) for c in recent)]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end of the period comes before its start."))
        return data

    def filter(self, queryset, *, default_sort="-created"):
        """The queryset narrowed by the filters; no handover at all when one is invalid (an invalid
        filter ignored would widen the list, and the export, silently)."""
        if not self.is_valid():
            return queryset.none()
        data = self.cleaned_data
        # The day a handover is listed under: when it was delivered, or when it is planned for.
        queryset = queryset.annotate(day=Coalesce("delivered_on", "planned_on"))
        if data.get("q"):
            words = data["q"]
            lead = "project__lead__"
            queryset = queryset.filter(
                Q(number__icontains=words)
                | Q(**{f"{lead}first_name__icontains": words})
                | Q(**{f"{lead}last_name__icontains": words})
                | Q(**{f"{lead}first_name_ar__icontains": words})
                | Q(**{f"{lead}last_name_ar__icontains": words})
            )
        for field in ("status", "kind", "ceremony", "province"):
            if data.get(field):
                queryset = queryset.filter(**{field: data[field]})
        if data.get("convention"):
            queryset = queryset.filter(line__convention=data["convention"])
        if data.get("partner"):
            queryset = queryset.filter(partner=data["partner"])
        if data.get("date_from"):
            queryset = queryset.filter(day__gte=data["date_from"])
        if data.get("date_to"):
            queryset = queryset.filter(day__lte=data["date_to"])
        return queryset.order_by(*listing.ordering(SORTS, data.get("sort"), default=default_sort))


class HandoverItemForm(forms.ModelForm):
    """One row of the equipment handed over."""

    class Meta:
        model = HandoverItem
        formfield_callback = project_formfield  # free text under the text rule, prices typed either way
        fields = ["designation", "category", "quantity", "unit_price", "supplier", "serial_number"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("designation", "supplier"):
            self.fields[name].widget.attrs["dir"] = "auto"
        self.fields["serial_number"].widget.attrs["dir"] = "ltr"


class BaseItemFormSet(forms.BaseFormSet):
    def items(self) -> list[HandoverItem]:
        """The rows kept (not ticked for removal, not left empty), as unsaved items."""
        return [
            form.save(commit=False) for form in self.forms if form.cleaned_data and not self._should_delete_form(form)
        ]

    def clean(self):
        super().clean()
        if not any(self.errors) and not self.items():
            raise ValidationError(_("List at least one item handed over."), code="items_required")


ItemFormSet = forms.formset_factory(
    HandoverItemForm,
    formset=BaseItemFormSet,
    extra=0,
    can_delete=True,
    max_num=MAX_ITEMS,
    validate_max=True,
    absolute_max=MAX_ITEMS,
)


class PlanForm(forms.Form):
    """When, at which ceremony, and (for cash) how much and how; the items are a formset beside it."""

    planned_on = forms.DateField(label=capfirst(_("planned for")), widget=DATE_INPUT)
    ceremony = CeremonyChoiceField(
        label=capfirst(_("ceremony")),
        queryset=Ceremony.objects.none(),
        required=False,
        help_text=_("Optional: the ceremonies of the province still to come."),
    )
    amount = AmountField(label=capfirst(_("amount (MAD)")), min_value=None)
    cash_method = forms.ChoiceField(
        label=capfirst(_("payment method")), choices=[("", _("Choose the method")), *Handover.CashMethod.choices]
    )
    cash_reference = CleanTextField(
        label=capfirst(_("payment reference")),
        max_length=100,
        required=False,
        help_text=_("Transfer, cheque or order number."),
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
    )
    notes = CleanMultilineField(label=capfirst(_("notes")), max_length=2000, required=False, widget=NOTES_INPUT)

    def __init__(self, *args, user, line, handover=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.line, self.project = line, line.project
        today = timezone.localdate()
        ceremonies = Q(province=self.project.province_id, held_on__gte=today)
        if handover is not None and handover.ceremony_id:
            ceremonies |= Q(pk=handover.ceremony_id)  # its own ceremony stays choosable, past or not
        self.fields["ceremony"].queryset = Ceremony.objects.visible_to(user).filter(ceremonies)
        self.fields["ceremony"].empty_label = _("No ceremony")
        self.fields["cash_method"].error_messages["required"] = _("Say how the cash is paid.")
        self.fields["amount"].error_messages["required"] = _("Give the amount handed over.")
        if line.kind != Handover.Kind.CASH:
            for name in ("amount", "cash_method", "cash_reference"):
                del self.fields[name]

    def clean_planned_on(self):
        day = self.cleaned_data["planned_on"]
        approved_on = self.project.approved_on
        if approved_on and day < approved_on:
            raise ValidationError(
                _("A handover cannot be planned before the project was approved (%(day)s)."),
                params={"day": date_format(approved_on, "d/m/Y")},
                code="before_approval",
            )
        if day > timezone.localdate() + PLAN_HORIZON:
            raise ValidationError(_("Plan the handover within the next two years."), code="too_far")
        return day

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount is not None and amount <= 0:
            raise ValidationError(_("The amount must be more than zero."), code="amount_not_positive")
        return amount

    def plan_arguments(self) -> dict:
        """What Handover.plan and change_plan take besides the line, who and the items."""
        data = self.cleaned_data
        arguments = {"planned_on": data["planned_on"], "ceremony": data["ceremony"], "notes": data["notes"]}
        if "amount" in self.fields:
            arguments |= {name: data[name] for name in ("amount", "cash_method", "cash_reference")}
        return arguments


class DeliverForm(forms.Form):
    delivered_on = forms.DateField(label=capfirst(_("delivered on")), widget=DATE_INPUT)
    cash_reference = CleanTextField(
        label=capfirst(_("payment reference")),
        max_length=100,
        required=False,
        help_text=_("Transfer, cheque or order number, as on the payment."),
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
    )

    def __init__(self, *args, handover, **kwargs):
        kwargs.setdefault("initial", {"delivered_on": timezone.localdate(), "cash_reference": handover.cash_reference})
        super().__init__(*args, **kwargs)
        if not handover.is_cash:
            del self.fields["cash_reference"]

    def deliver_arguments(self) -> dict:
        data = self.cleaned_data
        return {"on": data["delivered_on"], "cash_reference": data.get("cash_reference")}


class CancelForm(forms.Form):
    reason = CleanMultilineField(
        label=capfirst(_("reason for cancelling")),
        max_length=1000,
        error_messages={"required": _("Say why the handover is cancelled.")},
        widget=REASON_INPUT,
    )


class ReverseForm(forms.Form):
    reason = CleanMultilineField(
        label=capfirst(_("reason for the reversal")),
        max_length=1000,
        error_messages={"required": _("Say why the delivery is reversed.")},
        widget=REASON_INPUT,
    )


class ReceiptScanForm(forms.Form):
    receipt_scan = forms.FileField(
        label=capfirst(_("signed receipt")),
        validators=[validate_document],
        help_text=_("The receipt signed by the beneficiary, scanned: PDF, JPEG or PNG, 10 MB at most."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )
