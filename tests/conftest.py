import os

import pytest
from wagtail.models import Page, Site

from checks.browser import CHROMIUM, CHROMIUM_ARGS
from tests import factories

# Playwright's sync API runs an event loop in the test thread; the ORM calls
# the browser tests make around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


REQUIRE_BROWSER_TESTS = os.environ.get("REQUIRE_BROWSER_TESTS") == "1"


def pytest_collection_modifyitems(config, items):
    """Browser tests skip when Chromium is missing, unless REQUIRE_BROWSER_TESTS=1."""
    if REQUIRE_BROWSER_TESTS or os.path.exists(CHROMIUM):
        return
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    """In CI a skipped test is a failed run: nothing may quietly not run."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped") if reporter else None
    if REQUIRE_BROWSER_TESTS and skipped and session.exitstatus == 0:
        reporter.write_line(
            f"REQUIRE_BROWSER_TESTS=1 but {len(skipped)} test(s) skipped.", red=True
        )
        session.exitstatus = 1


@pytest.fixture(autouse=True)
def media_in_a_temporary_folder(settings, tmp_path_factory):
    """Images made by tests and the demo loader never land in the project's media folder."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture
def home(db):
    """A home page at the site root, with the practice's details set."""
    root = Page.get_first_root_node()
    home = factories.HomePageFactory(parent=root)
    site = Site.objects.get(is_default_site=True)
    old_root = site.root_page
    site.root_page = home
    site.save()
    if old_root.id != home.id:
        old_root.delete()
    factories.PracticeSettingsFactory(site=site)
    return home


@pytest.fixture
def procedure_index(home):
    return factories.ProcedureIndexPageFactory(parent=home, slug="procedures", show_in_menus=True)


@pytest.fixture
def physician(home):
    about = factories.StandardPageFactory(parent=home, title="About", slug="about")
    return factories.TeamMemberPageFactory(
        parent=about, title="Meet Dr. Sader", slug="meet-dr-sader", name="Elie Sader"
    )


@pytest.fixture
def demo_site(db):
    """The whole reference practice, as `load_demo` builds it."""
    from practice.demo_site import load_demo_site

    load_demo_site()
    return Site.objects.get(is_default_site=True)
