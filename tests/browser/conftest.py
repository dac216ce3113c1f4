import pytest


@pytest.fixture
def demo(transactional_db):
    """The whole demo site, in a database the live server's thread can see."""
    from practice.demo_site import load_demo_site

    load_demo_site()
