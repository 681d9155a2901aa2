"""Refusals that protect personal data, told apart so the 403 page can say why and where to go.

A permission predicate that guards people's personal data is marked `@guards_personal_data`;
`refusal(predicate)` is what a view raises when it does not hold. The 403 page then names the law
(09-08) and the role, and nothing about the record asked for.
"""

from django.core.exceptions import PermissionDenied


class PersonalDataDenied(PermissionDenied):
    """This role may not see this personal data (as opposed to: may not do this action)."""


def guards_personal_data(predicate):
    predicate.guards_personal_data = True
    return predicate


def refusal(predicate) -> PermissionDenied:
    """The exception to raise when `predicate` refuses."""
    if getattr(predicate, "guards_personal_data", False):
        return PersonalDataDenied()
    return PermissionDenied()
