"""Refusals that protect personal data, told apart so the 403 page can say why and where to go.

A permission predicate that guards people's personal data is marked `@guards_personal_data`;
`refusal(predicate)` is what a view raises when it does not hold. The 403 page then names the law
(09-08) and the role, and nothing about the record asked for.
"""

from functools import wraps

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


def role_required(predicate):
    """Answer 403 unless `predicate(user)` holds (the personal-data 403 when the predicate guards
    personal data). Scope is checked by each lookup (404), not here. Every app's views use it, so it
    lives on the lowest floor."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not predicate(request.user):
                raise refusal(predicate)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
