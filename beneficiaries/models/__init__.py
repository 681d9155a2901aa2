"""The registry's models, one module per feature; import them from here."""

from beneficiaries.models.access_log import AccessLog
from beneficiaries.models.beneficiary import MINIMUM_AGE_AT_RELEASE, NAME_KEYS, Beneficiary, years_before
from beneficiaries.models.consent import Consent
from beneficiaries.models.imports import ImportJob

__all__ = ["MINIMUM_AGE_AT_RELEASE", "NAME_KEYS", "AccessLog", "Beneficiary", "Consent", "ImportJob", "years_before"]
