"""The one fan-out signal of accounts (ARCHITECTURE.md).

Accounts imports no app above it, yet erasing an account concerns them all: each app erases or
anonymises its own rows in its own receiver. Sent inside `account_delete`'s transaction, so the
receivers' writes commit or roll back with the erasure. Arguments are keyword-only, as listed.
"""

from __future__ import annotations

from django.dispatch import Signal

# user: User (about to be deleted: the row still exists), by: User | None (None: herself),
# ip_address: str | None, anonymised: User (the shared inactive account that keeps what must
# outlive hers). Receivers anonymise or move what of theirs must outlive the account.
account_deleted = Signal()
