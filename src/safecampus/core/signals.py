"""Signals other apps listen to (statistics keep their roll-ups current through them)."""

from django.dispatch import Signal

# Sent inside the moving transaction with `unit` (after the move) and `old_path`.
unit_moved = Signal()
# Sent by bulk roster changes that bypass model signals, with `unit_ids` (an iterable).
people_changed = Signal()
# Sent inside the revoking transaction when a role ends, with `membership` and `actor`.
membership_ended = Signal()
# Sent inside the transaction that disables an account (the person left), with `user` and `actor`.
user_deactivated = Signal()
