"""The admin's change history in words a reader knows: choice labels, local dates, "—" for empty.

simple-history 3.13 lists each change with the stored values ("accompanied", "M", None); an
administrator reading a person's history sees the labels the registry shows instead.
"""

import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

EMPTY = "—"


def display_value(field, value):
    """`value` of `field` as the application shows it."""
    if value is None or value == "":
        return EMPTY
    if field.flatchoices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return value


class LabelledChangesHelper(HistoricalRecordContextHelper):
    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if field.many_to_many:
            return super().prepare_delta_change_value(change, value)
        return display_value(field, value)


class LabelledHistoryAdmin(SimpleHistoryAdmin):
    """A history page whose changes read "Status: Registered → Accompanied"."""

    def get_historical_record_context_helper(self, request, historical_record):
        return LabelledChangesHelper(self.model, historical_record)
