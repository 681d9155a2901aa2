"""What the partners app adds to the shared pages: the conventions' menu entry, for everyone with a
scope (conventions carry no personal data). Found by reintegration.lib.contributions."""

from django.utils.translation import gettext_lazy

from partners.permissions import can_read_conventions
from reintegration.lib.contributions import NavEntry

# After the daily work (people, projects, worklists): conventions are reference data.
NAVIGATION = [NavEntry(gettext_lazy("Conventions"), "partners:convention_list", visible=can_read_conventions, order=90)]
