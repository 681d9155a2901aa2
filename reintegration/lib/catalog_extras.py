"""Strings Django or third-party apps show but their own catalogs lack (or translate badly), kept
here so makemessages puts them in the project's catalog, which takes precedence over theirs.

Each msgid (and context) is copied exactly from the package's source: a different one would be a
new entry that overrides nothing. Found by walking every admin page in Arabic and French as an
administrator (Django 6.1.3, django-axes 8.3.1, django-tasks-db 0.13, simple-history 3.13,
django-otp 1.7.5). The admin's JavaScript strings are in catalog_extras.js (domain djangojs).
"""

from django.utils.translation import gettext_noop, ngettext_lazy, pgettext_lazy

# Django 6.1.3's Arabic catalog has no translation for the new blank-choice label.
BLANK_CHOICE_LABEL = gettext_noop("- Select an option -")

# The admin's own new strings (6.x), missing from its Arabic catalog.
ADMIN = [
    gettext_noop("Run"),  # the actions' button, on every list
    gettext_noop("Search %(name)s"),  # headings read by screen readers
    gettext_noop("Pagination %(name)s"),
    gettext_noop("Pagination %(name)s entries"),
    gettext_noop("Filter by %(field_name)s"),
    gettext_noop(
        "Are you sure you want to delete the %(object_name)s “%(escaped_object)s”? "
        "All of the following related items will be deleted:"
    ),
    gettext_noop(
        "Deleting the %(object_name)s “%(escaped_object)s” would result in deleting related objects, "
        "but your account doesn't have permission to delete the following types of objects:"
    ),
    gettext_noop(
        "Deleting the %(object_name)s “%(escaped_object)s” would require deleting the following "
        "protected related objects:"
    ),
    ngettext_lazy("…and %(count)d more object.", "…and %(count)d more objects.", "count"),
    # A user's password summary (django.contrib.auth.hashers).
    gettext_noop("salt"),
    gettext_noop("hash"),
]

# Task statuses (django.tasks, context "Task"): the task results list and filter.
TASK_STATUSES = [
    pgettext_lazy("Task", "Ready"),
    pgettext_lazy("Task", "Running"),
    pgettext_lazy("Task", "Failed"),
    pgettext_lazy("Task", "Successful"),
]

# django-tasks-db: no Arabic or French catalog.
TASK_RESULTS = [
    gettext_noop("Task Result"),
    gettext_noop("Task Results"),
    gettext_noop("enqueued at"),
    gettext_noop("started at"),
    gettext_noop("args kwargs"),
    gettext_noop("priority"),
    gettext_noop("task path"),
    gettext_noop("worker id"),
    gettext_noop("queue name"),
    gettext_noop("backend name"),
    gettext_noop("run after"),
    gettext_noop("return value"),
    gettext_noop("exception class path"),
    gettext_noop("traceback"),
]

# django-axes: what its Arabic and French catalogs lack.
AXES = [
    gettext_noop("Access Attempt"),
    gettext_noop("Locked Out"),
    gettext_noop("Not set"),
    gettext_noop("Attempt Remaining"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Expires At"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("User Agent"),
    gettext_noop("HTTP Accept"),
]

# simple-history: "Changes" is in no catalog; its French reads "Historique de vue" and "Effacé".
HISTORY = [
    gettext_noop("Changes"),
    gettext_noop("View history: %s"),
    gettext_noop("Change history: %s"),
    gettext_noop("Created"),
    gettext_noop("Changed"),
    gettext_noop("Deleted"),
    gettext_noop("Deleted %(type_name)s"),
]

# django-otp's section titles on a device's page (accounts/admin.py translates them by name).
OTP_SECTIONS = [
    gettext_noop("Identity"),
    gettext_noop("Timestamps"),
    gettext_noop("Configuration"),
    gettext_noop("State"),
    gettext_noop("Throttling"),
]
