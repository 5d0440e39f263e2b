"""The transaction library (交易信息库, seed 000 Art. 20): one record per awarded section."""

from core.libraries.transactions import service
from core.libraries.transactions.service import TransactionEntry, add, complete

__all__ = ["TransactionEntry", "add", "complete", "service"]
