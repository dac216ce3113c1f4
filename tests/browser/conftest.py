import pytest
from django.contrib.auth.models import Group

from demo.loader import DEMO_USERS, DemoLoader


@pytest.fixture
def demo(transactional_db):
    """The whole demo site, in a database the live server's thread can see.

    An earlier transactional test ends by emptying every table, rows made by
    migrations too: the loader remakes the page tree's root, and the groups its
    demo users join are made again here (these tests never sign in as them).
    """
    for _username, group, _variable in DEMO_USERS:
        Group.objects.get_or_create(name=group)
    DemoLoader().load()
