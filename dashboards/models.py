"""One summary row per province, per region and for the nation: the sums an unfiltered dashboard
is made of, so that it reads one row instead of every project, line, ledger entry and visit
(make bench: the national dashboard from seconds to milliseconds).

A write the figures depend on marks the rows of its province, region and the nation stale when it
commits (freshness_signals); the refresh task the write enqueued, or the next reader, recomputes
them: a province from its rows, a region or the nation by adding up its provinces' sums. A row is
also stale the day after it was computed: some figures count from today (ages, visits overdue,
survival)."""

import pickle

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Summary(models.Model):
    # "P<province id>", "R<region id>" or "N": see dashboards.summaries.key_of.
    key = models.CharField(_("place"), max_length=12, primary_key=True)
    # Pickled: nested dicts of int and Decimal with tuple keys, which JSON would turn into floats and
    # strings. Written and read by this app only, never from a user.
    sums = models.BinaryField(_("sums"))
    computed_at = models.DateTimeField(_("computed at"))
    computed_on = models.DateField(_("computed on"))
    stale = models.BooleanField(_("stale"), default=False)

    class Meta:
        verbose_name = _("summary of figures")
        verbose_name_plural = _("summaries of figures")

    def __str__(self):
        return self.key

    @property
    def is_fresh(self) -> bool:
        return not self.stale and self.computed_on == timezone.localdate()

    def read(self) -> dict:
        return pickle.loads(self.sums)  # noqa: S301 - written by refresh() only, never user input
