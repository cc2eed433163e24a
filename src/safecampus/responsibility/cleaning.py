"""Text input as the letters' services accept it: no NUL, trimmed, within a limit, translated errors."""

from __future__ import annotations

from safecampus.core.cleaning import clean_text  # noqa: F401  (re-exported for the module's callers)
