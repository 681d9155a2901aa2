"""Forms of the registry, by page: the record's (record.py) and the list's (lists.py)."""

from beneficiaries.forms.lists import BeneficiaryFilterForm, ExportForm, FindByCinForm
from beneficiaries.forms.record import BeneficiaryForm, ConsentForm, StatusForm, StepBackForm, WithdrawalForm

__all__ = [
    "BeneficiaryFilterForm",
    "BeneficiaryForm",
    "ConsentForm",
    "ExportForm",
    "FindByCinForm",
    "StatusForm",
    "StepBackForm",
    "WithdrawalForm",
]
