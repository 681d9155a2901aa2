"""Who may do what with the registry. Shared by views and templates (templates get booleans).

Scope is not decided here: every lookup goes through `Beneficiary.objects.visible_to(user)`,
so a record outside the user's scope answers 404 before any of these is asked.

Two kinds of predicate: `(user)` for a screen without a record (the list, registration, import,
export), `(user, obj)` for an action on one record. The second kind takes the record even when the
rule does not look at it yet, so that a rule about the record (projects: whoever submitted may not
approve) has one place, and views and templates keep asking the same question.

The predicates that keep people's records from officials are marked `@guards_personal_data`:
their refusal is the 403 that names Law 09-08 (reintegration/lib/personal_data.py).
"""

from accounts.models import User
from reintegration.lib.personal_data import guards_personal_data

READERS = {User.Role.STAFF, User.Role.COORDINATOR, User.Role.ADMIN}
WRITERS = {User.Role.STAFF, User.Role.ADMIN}


@guards_personal_data
def can_read_registry(user) -> bool:
    """Officials see aggregates only, never a page with personal data."""
    return user.is_authenticated and user.is_active and user.role in READERS


def can_edit_registry(user) -> bool:
    """Register, edit, import, record consent, change status: provincial staff and admins."""
    return user.is_authenticated and user.is_active and user.role in WRITERS


def can_reveal_cin(user) -> bool:
    return can_edit_registry(user)


@guards_personal_data
def can_export(user) -> bool:
    return can_read_registry(user)


@guards_personal_data
def can_view_beneficiary(user, beneficiary) -> bool:
    return can_read_registry(user)


def can_edit_beneficiary(user, beneficiary) -> bool:
    """Edit the record, change the status, record or withdraw a consent."""
    return can_edit_registry(user)


def can_reveal_beneficiary_cin(user, beneficiary) -> bool:
    return can_reveal_cin(user)


def can_handle_import(user, job) -> bool:
    """Follow, confirm, cancel an import and download its error file."""
    return can_edit_registry(user)
