import os
import time

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from wagtail.models import Page, Site

from appointments.forms import form_started_token
from checks.browser import CHROMIUM, CHROMIUM_ARGS
from demo.loader import DemoLoader
from tests import factories
from tests.factories import PATIENT

# Playwright's sync API runs an event loop in the test thread; the ORM calls
# the browser tests make around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


REQUIRE_BROWSER_TESTS = os.environ.get("REQUIRE_BROWSER_TESTS") == "1"


def start_transactional_tests_from_the_migrated_data(items):
    """Every transactional test gets serialized_rollback: it starts from what the
    migrations made (groups, page tree root, default site) and leaves the database
    empty. Without it, the flush after a transactional test sends post_migrate,
    which remakes content types under new ids, and a later test restoring the
    migrated data (serialized_rollback) fails on them: which tests passed would
    depend on which transactional tests ran before them.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is not None and marker.args:
            continue  # positional arguments: leave that test as it asked
        kwargs = marker.kwargs if marker is not None else {}
        uses = set(getattr(item, "fixturenames", ()))
        if kwargs.get("transaction") or {"transactional_db", "live_server"} & uses:
            # First among the item's own marks, so it is the one pytest-django reads.
            item.add_marker(
                pytest.mark.django_db(
                    **{**kwargs, "transaction": True, "serialized_rollback": True}
                ),
                append=False,
            )


def pytest_collection_modifyitems(config, items):
    """Transactional tests start from the migrated data (above); browser tests skip
    when Chromium is missing, unless REQUIRE_BROWSER_TESTS=1."""
    start_transactional_tests_from_the_migrated_data(items)
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
    """A home page at the site root, with the practice's details set.

    A transactional test may run after another has emptied the database: the
    tree root, locale and default site that Wagtail's migrations make are then
    made again.
    """
    root = Page.get_first_root_node() or DemoLoader.tree_root()
    home = factories.HomePageFactory(parent=root)
    site = Site.objects.filter(is_default_site=True).first() or Site.objects.create(
        hostname="localhost", port=80, root_page=home, is_default_site=True
    )
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
    DemoLoader().load()
    return Site.objects.get(is_default_site=True)


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate limits and cached pages live in the cache: every test starts with it empty."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def request_page(home):
    return factories.AppointmentRequestPageFactory(
        parent=home,
        intro="<p>Tell us how to reach you.</p>",
        privacy_notice="<p>We use this only to contact you.</p>",
        thank_you="<p>Thank you, we have your request.</p>",
    )


@pytest.fixture
def locations(home):
    index = factories.LocationIndexPageFactory(parent=home, slug="locations")
    return {
        "stamford": factories.LocationPageFactory(
            parent=index, title="Stamford, CT", slug="stamford"
        ),
        "virtual": factories.LocationPageFactory(
            parent=index, title="Virtual Appointment", slug="virtual-appointment"
        ),
    }


@pytest.fixture
def procedure(procedure_index):
    return factories.ProcedurePageFactory(
        parent=procedure_index, title="Occipital Nerve Block", slug="occipital-nerve-block"
    )


@pytest.fixture
def condition(home):
    index = factories.ConditionIndexPageFactory(parent=home, slug="conditions")
    return factories.ConditionPageFactory(parent=index, title="Headache", slug="headache")


@pytest.fixture
def appointment_settings(home):
    return factories.AppointmentSettingsFactory(notification_emails="frontdesk@example.test")


@pytest.fixture
def form_data(request_page, locations, procedure, condition, appointment_settings):
    """A complete, valid post: as a patient would send it after a minute on the page."""

    def make(**overrides):
        data = {
            **PATIENT,
            "preferred_contact": "phone",
            "patient_status": "new",
            "location": str(locations["stamford"].pk),
            "reason": str(procedure.pk),
            "preferred_times": "mornings",
            "consent": "on",
            "website": "",
            "started": form_started_token(time.time() - 60),
        }
        data.update(overrides)
        return {key: value for key, value in data.items() if value is not None}

    return make


@pytest.fixture
def front_desk_user(django_user_model):
    user = django_user_model.objects.create_user(
        "frontdesk", "fd@example.test", "pw-front-desk-1", first_name="Fran", last_name="Desk"
    )
    user.groups.add(Group.objects.get(name="Front desk"))
    return user


@pytest.fixture
def editor_user(django_user_model):
    user = django_user_model.objects.create_user("editor", "ed@example.test", "pw-editor-1")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture(autouse=True)
def forced_logins_have_a_second_factor(request, monkeypatch):
    """Tests that force_login staff reach the admin as after the second factor
    (staff/), unless marked real_second_factor."""
    if request.node.get_closest_marker("real_second_factor") is None:
        monkeypatch.setattr("staff.policy.is_verified", lambda request: True)
