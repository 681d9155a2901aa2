from disbursements.models.ceremony import Ceremony
from disbursements.models.handover import Handover, HandoverItem, HandoverSequence
from disbursements.models.history_import import HistoryImport
from disbursements.models.ledger import LedgerEntry

__all__ = ["Ceremony", "Handover", "HandoverItem", "HandoverSequence", "HistoryImport", "LedgerEntry"]
