"""Both UI catalogues (zh-hans and en) are complete, compiled, and cover every string in the code."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.test import override_settings

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "safecampus"
LOCALES = ("zh_Hans", "en")
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]")


def _po(locale: str) -> polib.POFile:
    return polib.pofile(str(PACKAGE / "locale" / locale / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("locale", LOCALES)
def test_catalogue_complete(locale):
    po = _po(locale)
    assert len(po) > 100
    missing = [e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    assert not missing, f"{locale}: {len(missing)} untranslated, e.g. {missing[:5]}"


@pytest.mark.parametrize("locale", LOCALES)
def test_placeholders_kept(locale):
    for e in _po(locale):
        if e.obsolete:
            continue
        want = sorted(PLACEHOLDER.findall(e.msgid))
        got = [e.msgstr] if not e.msgid_plural else [e.msgstr_plural[k] for k in sorted(e.msgstr_plural)]
        for text in got:
            plural_ok = bool(e.msgid_plural and "%(" in e.msgid_plural)
            assert sorted(PLACEHOLDER.findall(text)) == want or plural_ok, e.msgid


@pytest.mark.parametrize("locale", LOCALES)
def test_compiled_catalogue_matches(locale):
    po = _po(locale)
    mo = polib.mofile(str(PACKAGE / "locale" / locale / "LC_MESSAGES" / "django.mo"))
    compiled = {(e.msgctxt, e.msgid): e.msgstr or dict(e.msgstr_plural) for e in mo}
    for e in po:
        if not e.obsolete:
            assert (e.msgctxt, e.msgid) in compiled, f"{locale}: .mo is stale, run `make messages`"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext is installed by `make install`")
def test_every_source_string_is_in_the_catalogue(tmp_path):
    copy = tmp_path / "safecampus"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("static", "locale", "__pycache__"))
    (tmp_path / "locale").mkdir()
    cwd = os.getcwd()
    try:
        os.chdir(copy)
        with override_settings(LOCALE_PATHS=[str(tmp_path / "locale")]):
            call_command("makemessages", locale=["zh_Hans"], verbosity=0, no_obsolete=True)
    finally:
        os.chdir(cwd)
    fresh = polib.pofile(str(tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    known = {(e.msgctxt, e.msgid) for e in _po("zh_Hans")}
    new = sorted(e.msgid for e in fresh if (e.msgctxt, e.msgid) not in known)
    assert not new, f"strings missing from the catalogue (run `make messages`): {new[:10]}"


def test_chinese_is_the_default_language(client, settings, db):
    settings.LANGUAGE_CODE = "zh-hans"
    page = client.get("/accounts/login/").content.decode()
    assert '<html lang="zh-hans">' in page and "登录" in page
    english = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in english and "Log in" in english
