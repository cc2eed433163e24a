"""Values written into Excel workbooks, never a formula from typed text (CSV/formula injection,
OWASP). Every workbook the platform hands out writes its cells through `cell_value` — titles,
headers and rows alike."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

ALWAYS = ("=", "@", "\t", "\r", "\n")
SIGNS = ("+", "-")
# After a leading sign: what starts a function, a reference, a name or another sign ...
FORMULA_AFTER_SIGN = re.compile(r"[A-Za-z($=+\-@'\"]")
# ... or an operator or reference character anywhere in the rest.
OPERATORS = re.compile(r"[=+\-*/^&<>!:;|()\"]")


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet could read this text as a formula.

    The rule:
    - text starting with `=`, `@`, a tab, a carriage return or a line feed: always;
    - text starting with `+` or `-`: when the character after the sign is an ASCII letter, `(`,
      `$`, `=`, `+`, `-`, `@` or a quote (a function, a reference, a name: `-A1`, `+cmd|…`,
      `-SUM(1)`), or when the rest holds an operator or reference character (`= + - * / ^ & < > !
      : ; | ( )` or `"`: `-1+2`, `+1|x`);
    - anything else is plain text and written as it is: `-1层`, `-5`, `-3.5%`, `+86 138 0013 8000`,
      `-` or `—` alone, `- 备注`.
    """
    if not text:
        return False
    if text.startswith(ALWAYS):
        return True
    if text.startswith(SIGNS):
        rest = text[1:]
        return bool(rest) and (bool(FORMULA_AFTER_SIGN.match(rest)) or bool(OPERATORS.search(rest)))
    return False


def cell_value(value: Any) -> Any:
    """The value to put into a cell: formula-like text gets a leading apostrophe (so it stays
    text, also when the cell is edited or the sheet saved as CSV); numbers, dates, None and plain
    text are returned unchanged."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def row_values(values: Iterable[Any]) -> list[Any]:
    """`cell_value` of each value of a row."""
    return [cell_value(v) for v in values]
