"""What happens to accounts, announced to whoever keeps a record of it.

`accounts` sends these from its services, admin and data-rights code; `analytics` receives them
and writes the audit trail. Accounts therefore never imports analytics (see ARCHITECTURE.md).
Each is sent inside the transaction of the action, so a receiver's rows commit or roll back with
it. Arguments are keyword-only, as listed.
"""

from __future__ import annotations

from django.dispatch import Signal

# link: ParentLink (just created), by: User (the parent who redeemed the code).
parent_linked = Signal()

# parent: User, learner: User, by: User (either of them); the link row is already gone.
parent_unlinked = Signal()

# user: User, old_role: str, new_role: str, by: User | None, request: HttpRequest | None.
role_changed = Signal()

# learner: User (whose data), by: User (herself or her parent), ip_address: str | None.
data_exported = Signal()

# user: User (about to be deleted: the row still exists), by: User | None (None: herself),
# ip_address: str | None, anonymised: User (the shared inactive account that keeps what must
# outlive hers). Receivers anonymise or move what of theirs must outlive the account.
account_deleted = Signal()
