"""The forms of the workflow's actions: they validate and normalise what the user typed, and the
view hands it to the project's transition method, which decides (state, role, money)."""

from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from projects.forms import project_formfield
from projects.models import FollowUpVisit, MicroProject, Study
from reintegration.lib.documents import validate_document
from reintegration.lib.text import CleanMultilineField

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NOTES_INPUT = forms.Textarea(attrs={"rows": 3, "dir": "auto"})  # typed in Arabic or French, whatever the page
YES, NO = "yes", "no"


def yes_no_field(label, *, yes, no, required_message):
    """An explicit answer (two radio buttons, neither ticked): a box left unticked could be an oversight."""
    return forms.TypedChoiceField(
        label=label,
        choices=[(YES, yes), (NO, no)],
        coerce=lambda answer: answer == YES,
        widget=forms.RadioSelect,
        error_messages={"required": required_message},
    )


class StudyForm(forms.ModelForm):
    """The technical partner's verdict. Recommended amount: pre-filled with what the partners are asked for."""

    feasible = yes_no_field(
        capfirst(_("feasible")),
        yes=_("Yes: the project is feasible"),
        no=_("No: the project is rejected"),
        required_message=_("Say whether the project is feasible."),
    )
    document = forms.FileField(
        label=capfirst(_("study document")),
        required=False,
        validators=[validate_document],
        help_text=_("PDF, JPEG or PNG, 10 MB at most. Optional."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    class Meta:
        model = Study
        formfield_callback = project_formfield
        fields = ["feasible", "expected_monthly_revenue", "recommended_amount", "notes", "document"]
        widgets = {"notes": NOTES_INPUT}

    def __init__(self, *args, project: MicroProject, **kwargs):
        kwargs.setdefault("initial", {"recommended_amount": project.funded_by_partners})
        super().__init__(*args, **kwargs)

    def transition_arguments(self) -> dict:
        """What record_study takes, from the cleaned form."""
        data = self.cleaned_data
        return {name: data[name] for name in self.Meta.fields} | {"document": data["document"] or None}


class VisitForm(forms.ModelForm):
    """A follow-up visit, pre-filled from the previous one; the next visit is due at the next
    follow-up milestone (3, 6, 12 and 24 months after the first handover, or the approval)."""

    PREFILLED = ["business_status", "equipment_in_use", "monthly_revenue", "jobs"]

    equipment_in_use = yes_no_field(
        capfirst(_("equipment still in use")),
        yes=_("Yes"),
        no=_("No"),
        required_message=_("Say whether the equipment is still in use."),
    )

    class Meta:
        model = FollowUpVisit
        formfield_callback = project_formfield
        fields = [
            "visited_on",
            "business_status",
            "equipment_in_use",
            "monthly_revenue",
            "jobs",
            "notes",
            "next_visit_due",
        ]
        widgets = {"visited_on": DATE_INPUT, "next_visit_due": DATE_INPUT, "notes": NOTES_INPUT}
        help_texts = {"next_visit_due": _("Leave empty when the follow-up ends with this visit.")}

    def __init__(self, *args, project: MicroProject, **kwargs):
        self.previous = project.visits.first()  # the latest: visits are ordered newest first
        kwargs.setdefault("initial", self.initial_for(project, self.previous))
        super().__init__(*args, **kwargs)
        # The model's clean checks the dates against the approval and the visits before: here, so
        # that a refusal shows on the form with what was typed, not after a redirect.
        self.instance.project = project

    @classmethod
    def initial_for(cls, project, previous) -> dict:
        today = timezone.localdate()
        initial = {"visited_on": today, "next_visit_due": project.milestone_after(today)}
        if previous is not None:
            initial |= {name: getattr(previous, name) for name in cls.PREFILLED}
            initial["equipment_in_use"] = YES if previous.equipment_in_use else NO
        return initial

    def transition_arguments(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ApproveLineForm(forms.Form):
    comment = CleanMultilineField(
        label=capfirst(_("comment")), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class RejectLineForm(forms.Form):
    reason = CleanMultilineField(
        label=capfirst(_("reason for the rejection")),
        max_length=1000,
        error_messages={"required": _("Say why the line is rejected.")},
        widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
    )


class WithdrawForm(forms.Form):
    reason = CleanMultilineField(
        label=capfirst(_("reason for the withdrawal")),
        max_length=1000,
        error_messages={"required": _("Say why the project is withdrawn.")},
        widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
    )


class ReopenForm(forms.Form):
    comment = CleanMultilineField(
        label=capfirst(_("what the revision changes")),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
    )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=capfirst(_("outcome")),
        choices=[("", _("Choose the outcome")), *MicroProject.Outcome.choices],
        error_messages={"required": _("Choose the outcome of the project.")},
    )
    comment = CleanMultilineField(
        label=capfirst(_("comment")),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
    )
