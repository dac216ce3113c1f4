"""Anonymous page views come from the cache, and every kind of change purges what it should."""

import pytest
from django.urls import reverse
from wagtail.models import Page

from practice.models import PracticeSettings
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 600


@pytest.fixture
def tree(home, procedure_index):
    conditions = factories.ConditionIndexPageFactory(parent=home, slug="conditions")
    headache = factories.ConditionPageFactory(parent=conditions, title="Headache")
    block = factories.ProcedurePageFactory(
        parent=procedure_index, title="Nerve Block", summary="Numbs a nerve."
    )
    block.conditions = [headache]
    block.save_revision().publish()
    other = factories.ProcedurePageFactory(parent=procedure_index, title="Knee Injection")
    about = factories.StandardPageFactory(parent=home, title="About", slug="about")
    return {
        "home": home,
        "index": procedure_index,
        "headache": headache,
        "block": Page.objects.get(pk=block.pk).specific,
        "other": other,
        "about": about,
    }


def state(client, page):
    return client.get(page.url).get("X-Page-Cache")


def warm(client, *pages):
    for page in pages:
        client.get(page.url)
        assert state(client, page) == "hit", page.url


def publish_change(page, **fields):
    page = page.get_latest_revision_as_object()
    for name, value in fields.items():
        setattr(page, name, value)
    page.save_revision().publish()
    return page


class TestWhatIsCached:
    def test_the_second_anonymous_view_comes_from_the_cache(self, client, tree):
        first = client.get(tree["block"].url)
        second = client.get(tree["block"].url)
        assert first["X-Page-Cache"] == "miss" and second["X-Page-Cache"] == "hit"
        assert second.content == first.content
        control = second["Cache-Control"]
        assert "public" in control and "s-maxage=" in control and "max-age=0" in control
        assert "Cookie" in second["Vary"]

    def test_signed_in_staff_get_fresh_pages_and_never_fill_the_cache(
        self, client, tree, django_user_model
    ):
        staff = django_user_model.objects.create_superuser("boss", "b@example.test", "pw-b-1")
        client.force_login(staff)
        response = client.get(tree["block"].url)
        assert "X-Page-Cache" not in response
        assert "private" in response["Cache-Control"]
        client.logout()
        assert state(client, tree["block"]) == "miss"

    def test_the_form_its_thanks_and_search_results_are_never_cached(
        self, client, tree, request_page
    ):
        for url in (request_page.url, reverse("search") + "?q=nerve"):
            client.get(url)
            response = client.get(url)
            assert "X-Page-Cache" not in response, url
            assert "public" not in response.get("Cache-Control", ""), url


class TestPurgeRules:
    def test_a_body_edit_purges_the_page_and_the_pages_listing_it(self, client, tree):
        warm(client, tree["block"], tree["index"], tree["headache"], tree["home"], tree["other"])
        publish_change(tree["block"], summary="Numbs one nerve for hours.")

        for name in ("block", "index", "headache", "home"):
            assert state(client, tree[name]) == "miss", name
        assert state(client, tree["other"]) == "hit"  # shows nothing of the block
        assert "Numbs one nerve for hours." in client.get(tree["index"].url).content.decode()

    @pytest.mark.parametrize(
        "change",
        [
            {"title": "Nerve Blocks"},
            {"slug": "nerve-blocks"},
            {"show_in_menus": True},
        ],
        ids=["title", "slug", "show in menus"],
    )
    def test_a_change_menus_show_purges_every_page(self, client, tree, change):
        warm(client, tree["other"], tree["about"])
        publish_change(tree["block"], **change)
        assert state(client, tree["other"]) == "miss"
        assert state(client, tree["about"]) == "miss"

    def test_publishing_a_new_page_purges_every_page(self, client, tree):
        warm(client, tree["about"])
        draft = factories.ProcedurePageFactory(parent=tree["index"], title="Brand New", live=False)
        draft.save_revision().publish()
        assert state(client, tree["about"]) == "miss"

    def test_unpublishing_moving_and_deleting_purge_every_page(self, client, tree):
        warm(client, tree["about"])
        tree["other"].unpublish()
        assert state(client, tree["about"]) == "miss"

        warm(client, tree["about"])
        tree["block"].move(tree["index"], pos="first-child")
        assert state(client, tree["about"]) == "miss"

        warm(client, tree["about"])
        Page.objects.get(pk=tree["block"].pk).delete()
        assert state(client, tree["about"]) == "miss"

    def test_a_site_setting_purges_every_page(self, client, tree):
        warm(client, tree["about"], tree["block"])
        practice = PracticeSettings.objects.get()
        practice.phone = "(203) 555-0199"
        practice.save()
        assert state(client, tree["about"]) == "miss"
        assert "(203) 555-0199" in client.get(tree["block"].url).content.decode()
