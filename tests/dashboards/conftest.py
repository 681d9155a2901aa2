"""The dashboards' tests start from an empty cache: the cache outlives a test's rolled-back
transaction, and two tests asking for the same scope would otherwise share their figures."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def in_english(settings):
    """The assertions read English: pages and messages in English (the site's default is Arabic)."""
    settings.LANGUAGE_CODE = "en"
