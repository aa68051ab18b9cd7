import pytest


@pytest.fixture
def api_unlimited(settings):
    """The API without its rate limits, every request looking for changes to the
    directory (a test asks many times within a second)."""
    settings.VERN_HSDS_RATE = "100000/m"
    settings.VERN_HSDS_SEARCH_RATE = "100000/m"
    settings.VERN_SNAPSHOT_SECONDS = 0
