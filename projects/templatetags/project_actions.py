"""What the action buttons of a project page need that the detail view's context does not hold:
the lines this user decides on (with what their partner has left), and why a button is missing.
The rules stay in projects.permissions; these only ask them."""

from django import template
from django.utils.translation import gettext as _

from partners.models import Contribution
from projects.models import FundingLine, MicroProject
from projects.permissions import SUBMITTER_MAY_NOT_DECIDE, can_decide_line, is_maker

register = template.Library()

# The actions this include draws a button for ("edit" is the detail page's own link).
BUTTONS = {"submit", "record_study", "decide_line", "reopen", "withdraw", "record_visit", "close"}


@register.filter
def with_buttons(actions) -> bool:
    return bool(set(actions) & BUTTONS)


@register.simple_tag
def lines_to_decide(user, lines) -> list:
    """The lines still waiting that this user decides on, each with `remaining`: what its partner
    has left in its convention (the approval is refused beyond it)."""
    lines = [line for line in lines if line.decision == FundingLine.Decision.PENDING and can_decide_line(user, line)]
    for line in lines:
        contribution = Contribution.objects.filter(convention=line.convention_id, partner=line.partner_id).first()
        line.remaining = FundingLine.objects.left_in(contribution) if contribution else None
    return lines


@register.simple_tag
def missing_action_note(user, project, actions) -> str:
    """Why the buttons the user might expect are not there, or "" when nothing needs saying."""
    Status = MicroProject.Status
    if project.status == Status.STUDIED and is_maker(user, project):
        return SUBMITTER_MAY_NOT_DECIDE
    if project.status == Status.SUBMITTED and "record_study" not in actions:
        return _("Waiting for the study by %(partner)s.") % {"partner": project.technical_partner}
    if project.status == Status.STUDIED and "decide_line" not in actions:
        return _("Waiting for each funding partner's decision on its line.")
    if project.status == Status.REJECTED and "reopen" not in actions:
        return _("The project is rejected: the provincial staff may revise it and submit it again.")
    return ""
