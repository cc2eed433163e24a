"""Compile the .po catalogues into .mo files with polib (no gettext tools needed at install).

Also fills the English catalogue: English is the source language, so every msgstr there is the
msgid itself (plural forms likewise), which keeps the `en` catalogue complete by construction.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "src" / "safecampus" / "locale"


def fill_english(po: polib.POFile) -> int:
    filled = 0
    for entry in po:
        if entry.obsolete:
            continue
        if entry.msgid_plural:
            want = {0: entry.msgid, 1: entry.msgid_plural}
            if entry.msgstr_plural != want:
                entry.msgstr_plural = want
                filled += 1
        elif entry.msgstr != entry.msgid:
            entry.msgstr = entry.msgid
            filled += 1
        if "fuzzy" in entry.flags:  # a fuzzy match whose msgstr already equals the msgid counts too
            entry.flags.remove("fuzzy")
            filled += 1
    return filled


def main() -> int:
    problems = 0
    for po_path in sorted(LOCALE.glob("*/LC_MESSAGES/django.po")):
        po = polib.pofile(str(po_path))
        if po_path.parts[-3] == "en" and fill_english(po):
            po.save()
        missing = [e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
        if missing:
            problems += len(missing)
            print(f"{po_path}: {len(missing)} untranslated, e.g. {missing[:3]}", file=sys.stderr)
        po.save_as_mofile(str(po_path.with_suffix(".mo")))
        print(f"compiled {po_path.relative_to(LOCALE.parent.parent.parent)}")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
