import pytest

from demo.loader import DemoLoader


@pytest.fixture
def demo(transactional_db):
    """The whole demo site, in a database the live server's thread can see."""
    DemoLoader().load()
