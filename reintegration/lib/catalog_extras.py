"""Strings Django uses but its own catalogs lack, kept here so makemessages keeps them."""

from django.utils.translation import gettext_noop

# Django 6.1.3's Arabic catalog has no translation for the new blank-choice label.
BLANK_CHOICE_LABEL = gettext_noop("- Select an option -")
