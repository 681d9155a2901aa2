"""Who may do what with projects. Shared by the model transitions, the views and the templates.

Scope is not decided here: every lookup goes through `MicroProject.objects.visible_to(user)`
(which also applies the coordinators' need to know), so these are asked only about projects the
user may see. Nor is the state: `MicroProject.allowed_actions()` says what the status allows, and
`available_actions` combines the two for the buttons.
"""

from django.utils.translation import gettext_lazy as _

from accounts.models import User
from reintegration.lib.personal_data import guards_personal_data

# Maker ≠ checker, in the words the refusal (403) and the project page use.
SUBMITTER_MAY_NOT_DECIDE = _("You submitted this project: someone else must decide on its funding.")

PROJECT_WRITERS = {User.Role.STAFF, User.Role.ADMIN}


def _active(user) -> bool:
    return user.is_authenticated and user.is_active


@guards_personal_data
def can_read_projects(user) -> bool:
    """Staff, admins and coordinators acting for a partner; officials see figures only."""
    if not _active(user):
        return False
    return user.role in PROJECT_WRITERS or user.acting_partner_id is not None


def can_draft_projects(user) -> bool:
    return _active(user) and user.role in PROJECT_WRITERS


def can_edit_project(user, project) -> bool:
    """Draft, edit, submit, reopen, withdraw and close: provincial staff and admins."""
    return can_draft_projects(user)


def can_submit_project(user, project) -> bool:
    return can_edit_project(user, project)


def can_study_project(user, project) -> bool:
    """The coordinator of the technical partner chosen to study it."""
    return user.acting_partner_id is not None and user.acting_partner_id == project.technical_partner_id


def can_decide_line(user, line) -> bool:
    """The coordinator of the line's partner (maker ≠ checker is asked apart: is_maker)."""
    return user.acting_partner_id is not None and user.acting_partner_id == line.partner_id


def is_maker(user, project) -> bool:
    return project.submitted_by_id is not None and project.submitted_by_id == user.pk


def can_record_visit(user, project) -> bool:
    """Staff and admins, and the coordinators of the project's partners (visible_to checked that)."""
    return can_edit_project(user, project) or user.acting_partner_id is not None


def available_actions(user, project) -> set[str]:
    """The buttons this user sees on this project: what its status allows and their role may do."""
    allowed = project.allowed_actions()
    rules = {
        "edit": can_edit_project,
        "submit": can_submit_project,
        "withdraw": can_edit_project,
        "reopen": can_edit_project,
        "close": can_edit_project,
        "record_study": can_study_project,
        "record_visit": can_record_visit,
    }
    actions = {action for action in allowed if action in rules and rules[action](user, project)}
    pending = [line for line in project.lines.all() if line.decision == line.Decision.PENDING]
    if (
        "decide_line" in allowed
        and not is_maker(user, project)
        and any(can_decide_line(user, line) for line in pending)
    ):
        actions.add("decide_line")
    return actions
