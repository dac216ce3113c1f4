"""Self-pay prices: on the procedure, clinic by clinic, and on the procedures page; a setting hides them."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from practice.models import PracticeSettings
from procedures.models import SelfPayPrice
from tests import factories
from tests.html import labelled, one, soup, text, texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def prices(procedure, locations):
    return [
        SelfPayPrice.objects.create(
            procedure=procedure,
            location=locations["stamford"],
            price_from=Decimal("450"),
            price_to=Decimal("700"),
            includes="The visit, the injection and the medicine",
            as_of=datetime.date(2026, 11, 1),
        ),
        SelfPayPrice.objects.create(
            procedure=procedure,
            price_from=Decimal("395.50"),
            includes="The injection only",
            as_of=datetime.date(2026, 10, 1),
        ),
    ]


def self_pay(response):
    return labelled(soup(response), "self-pay-heading")


def test_the_procedure_shows_each_clinics_price_what_it_includes_and_its_date(
    client, procedure, prices
):
    section = self_pay(client.get(procedure.url))
    assert texts(section.select("li")) == [
        "At every clinic: $395.50 Includes: The injection only Price as of October 1, 2026.",
        "Stamford, CT: $450 to $700 Includes: The visit, the injection and the medicine "
        "Price as of November 1, 2026.",
    ]
    assert "If you use insurance, what you pay depends on your plan and will differ." in text(
        section
    )


def test_the_note_links_to_the_good_faith_estimate_notice(client, home, procedure, prices):
    gfe = factories.StandardPageFactory(parent=home, title="Your right", slug="good-faith")
    practice = PracticeSettings.objects.get(site__root_page=home)
    practice.good_faith_estimate_page = gfe
    practice.save()
    section = self_pay(client.get(procedure.url))
    assert one(section, "a")["href"] == gfe.url


def test_a_procedure_without_a_price_shows_no_price_section(client, procedure, procedure_index):
    assert not soup(client.get(procedure.url)).select('[aria-labelledby="self-pay-heading"]')


def test_the_procedures_page_shows_the_lowest_price_on_each_card(
    client, procedure, procedure_index, prices
):
    other = factories.ProcedurePageFactory(parent=procedure_index, title="Lumbar Puncture")
    page = soup(client.get(procedure_index.url))
    cards = {text(one(card, ".card__title")): card for card in page.select(".card")}
    assert text(one(cards["Occipital Nerve Block"], ".card__price")) == "Self-pay from $395.50"
    assert not cards[other.title].select(".card__price")


def test_the_setting_turns_every_price_off(client, home, procedure, procedure_index, prices):
    practice = PracticeSettings.objects.get(site__root_page=home)
    practice.publish_self_pay_prices = False
    practice.save()
    assert not soup(client.get(procedure.url)).select("#self-pay")
    assert not soup(client.get(procedure_index.url)).select(".card__price")


def test_a_changed_price_shows_at_once_on_cached_pages(
    client, settings, procedure, procedure_index, prices
):
    settings.PAGE_CACHE_SECONDS = 600
    settings.SITE_PARTS_CACHE_SECONDS = 600
    for page in (procedure, procedure_index):
        client.get(page.url)
        assert client.get(page.url)["X-Page-Cache"] == "hit"
    prices[1].price_from = Decimal("380")
    prices[1].save()
    assert "At every clinic: $380" in text(self_pay(client.get(procedure.url)))
    index = soup(client.get(procedure_index.url))
    assert "Self-pay from $380" in texts(index.select(".card__price"))


def test_a_range_upside_down_is_refused(procedure):
    price = SelfPayPrice(
        procedure=procedure,
        price_from=Decimal("700"),
        price_to=Decimal("450"),
        includes="The visit",
        as_of=datetime.date(2026, 11, 1),
    )
    with pytest.raises(ValidationError) as refused:
        price.full_clean()
    assert "can't be below the lowest" in str(refused.value)
