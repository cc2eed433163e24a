import pytest


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def letters(demo, county, principal, school):
    """The county's texts for principals, head teachers and guards; demo-c1-k1-s1's posts synced."""
    from .helpers import county_texts, synced

    texts = county_texts(county)
    synced(school, principal)
    return texts
