"""The page walk reaches the term plan pages: the principal from the home page to the plan, its
items, a month's theme, the PDF; the county officer to the county page and a school's plan."""

from __future__ import annotations

import pytest

from safecampus.demo.region import DEMO_PASSWORD
from safecampus.termplan.demo import load_termplan_demo
from tests.walker import sign_in, walk

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("username", "wanted"), [
    ("demo_principal", ("/termplan/", "/termplan/plans/", "/termplan/items/", "/termplan/themes/", "/pdf/")),
    ("demo_county", ("/termplan/stats/", "/termplan/plans/", "/termplan/items/")),
])  # fmt: skip
def test_walk_reaches_the_term_plan_pages(demo, settings, tmp_path, username, wanted):
    settings.MEDIA_ROOT = tmp_path
    load_termplan_demo()
    result = walk(sign_in(username, DEMO_PASSWORD), "/termplan/", limit=250)  # past the menu of every module
    urls = [v.url for v in result.visits if v.url.startswith("/termplan/")]
    assert not result.failures, result.report()
    for part in wanted:
        assert any(part in u for u in urls), (part, urls)
