import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """Assert English text: URLs reversed here go to /en/ pages."""
    with translation.override("en"):
        yield
