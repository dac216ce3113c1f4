"""Closures and site notices: on from their start to their end, on cached pages too, with nobody publishing."""

import datetime
import json
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from practice.notices import Closure, SiteNotice
from tests.html import one, soup, text, texts

pytestmark = pytest.mark.django_db

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def at(*args):
    return datetime.datetime(*args, tzinfo=NEW_YORK)


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 600
    settings.SITE_PARTS_CACHE_SECONDS = 600


def banner(response):
    found = soup(response).select("section.site-notices li")
    return texts(found)


def clinic_node(response):
    data = json.loads(one(soup(response), 'script[type="application/ld+json"]').string)
    return next(node for node in data["@graph"] if node.get("@type") == "MedicalClinic")


class TestAClosureOnACachedPage:
    def test_it_appears_at_its_start_and_leaves_at_its_end(self, client, home, locations):
        stamford = locations["stamford"]
        with time_machine.travel(at(2026, 12, 23, 16, 0), tick=False) as clock:
            Closure.objects.create(
                location=stamford, first_day=datetime.date(2026, 12, 24), reason="Christmas Eve"
            )
            client.get(stamford.url)
            cached = client.get(stamford.url)
            assert cached["X-Page-Cache"] == "hit"
            assert banner(cached) == []
            # Varnish in front is told to keep it no later than the closure's start.
            assert "s-maxage=600" in cached["Cache-Control"]

            clock.move_to(at(2026, 12, 23, 23, 55))
            assert banner(client.get(stamford.url)) == []
            clock.move_to(at(2026, 12, 24, 0, 0, 1))
            during = client.get(stamford.url)
            assert during["X-Page-Cache"] == "miss"
            assert banner(during) == [
                "Stamford, CT is closed on Thursday, December 24: Christmas Eve"
            ]
            assert client.get(stamford.url)["X-Page-Cache"] == "hit"

            clock.move_to(at(2026, 12, 25, 0, 0, 1))
            after = client.get(stamford.url)
            assert after["X-Page-Cache"] == "miss"
            assert banner(after) == []
            assert "Christmas Eve" not in text(soup(after))

    def test_the_last_render_before_an_edge_is_kept_only_until_it(self, client, home, locations):
        stamford = locations["stamford"]
        with time_machine.travel(at(2026, 12, 23, 23, 59, 30), tick=False):
            Closure.objects.create(
                location=stamford, first_day=datetime.date(2026, 12, 24), reason="Christmas Eve"
            )
            response = client.get(stamford.url)
        assert "s-maxage=30" in response["Cache-Control"]

    def test_one_clinics_closure_shows_on_its_page_only(self, client, home, locations):
        with time_machine.travel(at(2026, 12, 24, 9, 0), tick=False):
            Closure.objects.create(
                location=locations["stamford"],
                first_day=datetime.date(2026, 12, 24),
                reason="Christmas Eve",
            )
            assert banner(client.get(locations["stamford"].url))
            assert banner(client.get(locations["virtual"].url)) == []
            assert banner(client.get(home.url)) == []

    def test_a_closure_of_every_clinic_shows_on_every_page(self, client, home, locations):
        with time_machine.travel(at(2027, 1, 25, 7, 0), tick=False):
            Closure.objects.create(
                first_day=datetime.date(2027, 1, 25),
                last_day=datetime.date(2027, 1, 26),
                reason="Snow: the roads are unsafe",
            )
            expected = [
                "All our clinics are closed from Monday, January 25 to Tuesday, January 26: "
                "Snow: the roads are unsafe"
            ]
            for page in (home, locations["stamford"], locations["virtual"]):
                assert banner(client.get(page.url)) == expected


class TestTheClinicsHours:
    def test_list_the_closures_ahead_and_carry_them_in_json_ld(self, client, home, locations):
        stamford = locations["stamford"]
        with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False):
            Closure.objects.create(
                location=stamford, first_day=datetime.date(2026, 12, 24), reason="Christmas Eve"
            )
            Closure.objects.create(
                first_day=datetime.date(2026, 12, 31),
                last_day=datetime.date(2027, 1, 1),
                reason="New Year",
            )
            Closure.objects.create(first_day=datetime.date(2026, 11, 26), reason="Thanksgiving")
            response = client.get(stamford.url)
        hours = one(soup(response), '[aria-labelledby="hours-heading"]')
        assert texts(hours.select(".hours__closures li")) == [
            "Thursday, December 24: Christmas Eve",
            "Thursday, December 31 to Friday, January 1: New Year",
        ]
        assert clinic_node(response)["specialOpeningHoursSpecification"] == [
            {
                "@type": "OpeningHoursSpecification",
                "opens": "00:00",
                "closes": "00:00",
                "validFrom": "2026-12-24",
                "validThrough": "2026-12-24",
                "description": "Christmas Eve",
            },
            {
                "@type": "OpeningHoursSpecification",
                "opens": "00:00",
                "closes": "00:00",
                "validFrom": "2026-12-31",
                "validThrough": "2027-01-01",
                "description": "New Year",
            },
        ]

    def test_a_past_closure_is_gone_from_the_json_ld(self, client, home, locations):
        with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False):
            Closure.objects.create(first_day=datetime.date(2026, 11, 26), reason="Thanksgiving")
            node = clinic_node(client.get(locations["stamford"].url))
        assert "specialOpeningHoursSpecification" not in node


class TestASiteNotice:
    def test_shows_on_every_page_between_its_times(self, client, home, locations):
        with time_machine.travel(at(2026, 12, 3, 8, 0), tick=False) as clock:
            SiteNotice.objects.create(
                message="Our phone lines are down this morning: please email us.",
                starts_at=at(2026, 12, 3, 9, 0),
                ends_at=at(2026, 12, 3, 12, 30),
            )
            for page in (home, locations["virtual"]):
                client.get(page.url)
                assert banner(client.get(page.url)) == []
            clock.move_to(at(2026, 12, 3, 9, 0, 1))
            for page in (home, locations["virtual"]):
                assert banner(client.get(page.url)) == [
                    "Our phone lines are down this morning: please email us."
                ]
            clock.move_to(at(2026, 12, 3, 12, 30, 1))
            for page in (home, locations["virtual"]):
                assert banner(client.get(page.url)) == []

    def test_saving_one_purges_every_page(self, client, home, locations):
        client.get(home.url)
        assert client.get(home.url)["X-Page-Cache"] == "hit"
        SiteNotice.objects.create(
            message="Flu shots every Friday in December.",
            starts_at=datetime.datetime.now(tz=NEW_YORK) - datetime.timedelta(hours=1),
            ends_at=datetime.datetime.now(tz=NEW_YORK) + datetime.timedelta(days=1),
        )
        response = client.get(home.url)
        assert response["X-Page-Cache"] == "miss"
        assert banner(response) == ["Flu shots every Friday in December."]

    def test_an_end_before_its_start_is_refused(self):
        notice = SiteNotice(
            message="Closed", starts_at=at(2026, 12, 3, 12), ends_at=at(2026, 12, 3, 9)
        )
        with pytest.raises(ValidationError) as refused:
            notice.full_clean()
        assert "must end after it starts" in str(refused.value)

    def test_a_closures_last_day_before_its_first_is_refused(self):
        closure = Closure(
            first_day=datetime.date(2026, 12, 24),
            last_day=datetime.date(2026, 12, 23),
            reason="Holiday",
        )
        with pytest.raises(ValidationError) as refused:
            closure.full_clean()
        assert "can't be before the first" in str(refused.value)
