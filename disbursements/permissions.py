"""Who may do what with handovers and ceremonies. Shared by the model transitions, the views and
the templates.

Scope is not decided here: every lookup goes through `Handover.objects.visible_to(user)` or
`Ceremony.objects.visible_to(user)`. Officials see figures on dashboards, never a handover: these
pages name people.
"""

from accounts.models import User
from reintegration.lib.personal_data import guards_personal_data

HANDOVER_WRITERS = {User.Role.STAFF, User.Role.ADMIN}


def _active(user) -> bool:
    return user.is_authenticated and user.is_active


@guards_personal_data
def can_read_handovers(user) -> bool:
    """Staff, admins and coordinators acting for a partner (their own partner's handovers)."""
    if not _active(user):
        return False
    return user.role in HANDOVER_WRITERS or user.acting_partner_id is not None


def can_manage_handovers(user) -> bool:
    """Plan, deliver and cancel handovers, run ceremonies, import the past: provincial staff and admins."""
    return _active(user) and user.role in HANDOVER_WRITERS


def can_reverse_handover(user, handover) -> bool:
    """A delivery is reversed by an admin, or by the member of staff who recorded it."""
    if not can_manage_handovers(user):
        return False
    return user.role == User.Role.ADMIN or handover.delivered_by_id == user.pk
