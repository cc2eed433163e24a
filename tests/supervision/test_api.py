"""GET /api/v1/supervision/letters: scoped like the pages."""

from __future__ import annotations

import pytest


def test_letters_api_scoped(
    api_client_for, county, principal, outsider, outsider_principal, make_letter, major
):
    letter = make_letter(major, extra_items="消防通道堆放杂物")
    make_letter(major, kind="reminder")
    data = api_client_for(county).get("/api/v1/supervision/letters?kind=assignment").json()
    assert data["count"] == 1
    item = data["items"][0]
    assert (
        item["number"] == letter.number
        and item["hazards"] == [major.pk]
        and item["items"] == ["消防通道堆放杂物"]
    )
    assert item["school_id"] == major.unit_id and item["bureau"]
    assert api_client_for(principal).get("/api/v1/supervision/letters").json()["count"] == 2
    one = api_client_for(principal).get(f"/api/v1/supervision/letters/{letter.pk}")
    assert one.status_code == 200 and one.json()["status"] == "issued"
    for user in (outsider, outsider_principal):
        c = api_client_for(user)
        assert c.get("/api/v1/supervision/letters").json()["count"] == 0
        assert c.get(f"/api/v1/supervision/letters/{letter.pk}").status_code == 404


@pytest.mark.parametrize("query", ["status=lost", "kind=x", "limit=-1"])
def test_letters_api_bad_filters(api_client_for, county, query):
    assert api_client_for(county).get(f"/api/v1/supervision/letters?{query}").status_code in (400, 422)
