"""A favicon (issue 14 §3): `/favicon.ico` leads to the static icon instead of a 404 on every
page, and pages link the SVG icon; with production (hashed) static files too."""

from __future__ import annotations

import re

from django.core.management import call_command
from django.test import Client, override_settings

from .test_static_and_health import PROD_STORAGES


def _follow(client: Client, url: str):
    answer = client.get(url)
    for _hop in range(3):
        if answer.status_code not in (301, 302):
            break
        answer = client.get(answer["Location"])
    return answer


def _body(answer) -> bytes:
    return b"".join(answer.streaming_content) if answer.streaming else answer.content


def test_favicon_ico_answers_with_the_icon(db):
    client = Client()
    first = client.get("/favicon.ico")
    assert first.status_code in (200, 301, 302)
    icon = _follow(client, "/favicon.ico")
    assert icon.status_code == 200
    assert _body(icon)[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_pages_link_the_icon(db):
    page = Client().get("/accounts/login/").content.decode()
    href = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page)
    assert href, "the page links the SVG icon"
    icon = _follow(Client(), href.group(1))
    assert icon.status_code == 200 and b"<svg" in _body(icon)


def test_favicon_with_hashed_static_files(tmp_path, db):
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=PROD_STORAGES, DEBUG=False):
        call_command("collectstatic", "--noinput", "-v", "0")
        answer = Client().get("/favicon.ico")
        assert answer.status_code == 302
        assert re.fullmatch(r"/static/safecampus/favicon\.[0-9a-f]{12}\.ico", answer["Location"])
