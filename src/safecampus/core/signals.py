"""Signals other apps listen to (statistics keep their roll-ups current through them)."""

from django.dispatch import Signal

# Sent inside the moving transaction with `unit` (after the move) and `old_path`.
unit_moved = Signal()
# Sent by bulk roster changes that bypass model signals, with `unit_ids` (an iterable).
people_changed = Signal()
