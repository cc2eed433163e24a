"""Production static files (hashed, compressed, no CDN) and the health check."""

from __future__ import annotations

import re

from django.core.management import call_command
from django.test import Client, override_settings

PROD_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}


def test_pages_render_with_manifest_storage(tmp_path, demo):
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=PROD_STORAGES, DEBUG=False):
        call_command("collectstatic", "--noinput", "-v", "0")
        resp = Client().get("/accounts/login/")
        assert resp.status_code == 200
        html = resp.content.decode()
    css = re.findall(r'href="(/static/[^"]+\.css)"', html)
    assert any("bootstrap.min." in c for c in css), css
    assert all(re.search(r"\.[0-9a-f]{12}\.css$", c) for c in css), css  # hashed names
    assert "cdn" not in html.lower() and "https://" not in html
    assert (tmp_path / "vendor" / "htmx" / "htmx.min.js").exists()


def test_healthz(db):
    resp = Client().get("/healthz")
    assert resp.status_code == 200
    assert resp.json() == {"status": "ok", "database": "ok"}


def test_friendly_404_html_and_json(client_for, county):
    c = client_for(county)
    page = c.get("/no/such/page/")
    assert page.status_code == 404 and "text/html" in page["Content-Type"]
    api = Client().get("/api/v1/no/such/route")
    assert api.status_code == 404 and api.json()["detail"]
