"""What a patient sees on condition, location and team pages, and on the home page."""

import datetime
import re

import pytest

from locations.models import OpeningHours
from tests import factories

pytestmark = pytest.mark.django_db


def section(html, heading_id):
    """The HTML of the <section> labelled by the heading with `heading_id`."""
    match = re.search(rf'<section[^>]*aria-labelledby="{heading_id}".*?</section>', html, re.S)
    assert match, f"no section {heading_id}"
    return match.group(0)


@pytest.fixture
def condition_index(home):
    return factories.ConditionIndexPageFactory(parent=home, slug="conditions")


@pytest.fixture
def location_index(home):
    return factories.LocationIndexPageFactory(parent=home, slug="locations")


class TestProcedureConditionRelation:
    def test_one_relation_shows_on_both_pages(self, client, condition_index, procedure_index):
        headache = factories.ConditionPageFactory(parent=condition_index, title="Headache")
        block = factories.ProcedurePageFactory(
            parent=procedure_index, title="Occipital Nerve Block", conditions=[headache]
        )
        factories.ProcedurePageFactory(parent=procedure_index, title="Knee Steroid Injection")

        condition_html = client.get(headache.url).content.decode()
        treatments = section(condition_html, "treatments")
        assert "Treatments we offer for Headache" in treatments
        assert f'href="{block.url}"' in treatments
        assert "Knee Steroid Injection" not in treatments

        procedure_html = client.get(block.url).content.decode()
        treated = section(procedure_html, "conditions-treated")
        assert f'href="{headache.url}">Headache<' in treated

    def test_a_draft_procedure_is_not_offered(self, client, condition_index, procedure_index):
        headache = factories.ConditionPageFactory(parent=condition_index, title="Headache")
        factories.ProcedurePageFactory(
            parent=procedure_index, title="Unpublished Block", conditions=[headache], live=False
        )
        html = client.get(headache.url).content.decode()
        assert "Unpublished Block" not in html
        assert 'id="treatments"' not in html  # no empty "Treatments we offer" heading


def test_condition_sections_follow_the_question_pattern(client, condition_index):
    page = factories.ConditionPageFactory(
        parent=condition_index,
        title="Neck Pain",
        symptoms="<ul><li>A stiff neck.</li></ul>",
        causes="<ul><li>Poor posture.</li></ul>",
        diagnosis="<ul><li>An exam.</li></ul>",
        treatment="<ul><li>Exercise.</li></ul>",
        see_a_doctor="<ul><li>Pain lasts weeks.</li></ul>",
        urgent_care="<ul><li>Numb arm.</li></ul>",
        call_911="<ul><li>Neck pain after a fall with weakness.</li></ul>",
    )
    html = client.get(page.url).content.decode()
    headings = [
        re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h[23][^>]*>(.*?)</h[23]>", html)
    ]
    expected = [
        "What is Neck Pain?",
        "What are the symptoms of Neck Pain?",
        "What causes Neck Pain?",
        "How is Neck Pain diagnosed?",
        "How is Neck Pain treated?",
        "When should you get help for Neck Pain?",
        "See a doctor soon if:",
        "Get urgent care today if:",
        "Call 911 now if:",
    ]
    assert [h for h in headings if h in expected] == expected
    assert "Neck pain after a fall with weakness." in section(html, "get-help-heading")


def test_related_conditions_link_to_each_other(client, condition_index):
    neck = factories.ConditionPageFactory(parent=condition_index, title="Neck Pain")
    headache = factories.ConditionPageFactory(
        parent=condition_index, title="Headache", related_conditions=[neck]
    )
    html = client.get(headache.url).content.decode()
    assert f'href="{neck.url}">Neck Pain<' in section(html, "related-conditions")


class TestLocationPage:
    def test_opening_hours_are_a_table_monday_to_sunday(self, client, location_index):
        clinic = factories.LocationPageFactory(
            parent=location_index, hours_note="Closed on major holidays."
        )
        factories.OpeningHoursFactory(
            location=clinic,
            weekday=OpeningHours.Weekday.MONDAY,
            opens=datetime.time(8, 30),
            closes=datetime.time(17),
        )
        factories.OpeningHoursFactory(
            location=clinic,
            weekday=OpeningHours.Weekday.FRIDAY,
            opens=datetime.time(9),
            closes=datetime.time(13),
        )
        html = client.get(clinic.url).content.decode()
        table = re.search(r'<table class="hours">.*?</table>', html, re.S).group(0)
        rows = [
            [
                re.sub(r"<[^>]+>", "", cell).strip()
                for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)
            ]
            for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)
        ][1:]
        assert rows == [
            ["Monday", "8:30 AM – 5:00 PM"],
            ["Tuesday", "Closed"],
            ["Wednesday", "Closed"],
            ["Thursday", "Closed"],
            ["Friday", "9:00 AM – 1:00 PM"],
            ["Saturday", "Closed"],
            ["Sunday", "Closed"],
        ]
        assert "Closed on major holidays." in html

    def test_address_contact_and_a_plain_map_link(self, client, location_index):
        clinic = factories.LocationPageFactory(
            parent=location_index,
            street="100 Example Avenue, Suite 200",
            city="Stamford",
            state="CT",
            postal_code="06901",
            phone="(203) 555-0143",
        )
        html = client.get(clinic.url).content.decode()
        assert "100 Example Avenue, Suite 200<br>Stamford, CT 06901" in html
        assert 'href="tel:+12035550143"' in html
        assert "Fax: (203) 555-0101" in html
        assert "https://www.google.com/maps/search/?api=1&amp;query=100+Example+Avenue" in html
        # Nothing from another site is loaded: no frame, no external script or style.
        assert "<iframe" not in html
        loaded = re.findall(
            r'<(?:script|link|img|source)[^>]+(?:src|href)="(https?://[^/"]+)', html
        )
        assert set(loaded) <= {"http://localhost"}  # only the canonical URL, on our own host

    def test_the_virtual_visit_has_no_address_but_video_instructions(self, client, location_index):
        virtual = factories.LocationPageFactory(
            parent=location_index,
            title="Virtual Appointment",
            street="",
            city="",
            state="",
            postal_code="",
            video_instructions="<ul><li>We send you a secure link.</li></ul>",
        )
        html = client.get(virtual.url).content.decode()
        assert "<address>" not in html
        assert "Open in a map" not in html
        assert "How do video visits work?" in html
        assert "We send you a secure link." in html

    def test_lists_the_procedures_offered_there(self, client, location_index, procedure_index):
        brooklyn = factories.LocationPageFactory(parent=location_index, title="Brooklyn")
        stamford = factories.LocationPageFactory(parent=location_index, title="Stamford")
        botox = factories.ProcedurePageFactory(
            parent=procedure_index, title="Botox Injections", locations=[brooklyn, stamford]
        )
        factories.ProcedurePageFactory(
            parent=procedure_index, title="Lumbar Puncture", locations=[stamford]
        )
        html = client.get(brooklyn.url).content.decode()
        offered = section(html, "procedures-here")
        assert f'href="{botox.url}">Botox Injections<' in offered
        assert "Lumbar Puncture" not in offered
        assert "Brooklyn" in section(client.get(botox.url).content.decode(), "offered-at")


def test_team_member_profile_with_responsive_portrait(client, home):
    about = factories.StandardPageFactory(parent=home, title="About", slug="about")
    photo = factories.wagtail_factories.ImageFactory(
        title="Portrait", file__width=640, file__height=800
    )
    member = factories.TeamMemberPageFactory(
        parent=about,
        name="Elie Sader",
        credentials="MD",
        photo=photo,
        specialties="Migraine\nNeck pain",
        board_certifications="Neurology",
        education="Residency in Neurology",
        languages="English\nFrench",
    )
    html = client.get(member.url).content.decode()
    picture = re.search(r"<picture>.*?</picture>", html, re.S).group(0)
    assert 'type="image/webp"' in picture
    assert re.search(r'srcset="[^"]+ 160w, [^"]+ 320w"', picture)
    img = re.search(r"<img [^>]+>", picture).group(0)
    assert 'width="160"' in img and 'height="200"' in img and ".jpg" in img
    assert 'alt="Portrait of Elie Sader"' in img
    for heading in ("Specialties", "Board certifications", "Education and training", "Languages"):
        assert f">{heading}</h2>" in html
    assert "<li>French</li>" in html


def test_home_page_features_conditions_services_and_locations(
    client, home, procedure_index, request_page
):
    conditions = factories.ConditionIndexPageFactory(parent=home, slug="conditions")
    locations = factories.LocationIndexPageFactory(parent=home, slug="locations")
    headache = factories.ConditionPageFactory(
        parent=conditions, title="Headache", search_description="Help for headaches."
    )
    factories.ConditionPageFactory(parent=conditions, title="Not Featured Condition")
    block = factories.ProcedurePageFactory(parent=procedure_index, title="Nerve Blocks")
    factories.LocationPageFactory(parent=locations, title="Stamford", phone="(203) 555-0143")
    factories.HomeFeaturedConditionFactory(home=home, page=headache)
    factories.HomeFeaturedServiceFactory(home=home, page=block)

    html = client.get("/").content.decode()
    assert "Help for headaches." in section(html, "featured-conditions")
    assert "Not Featured Condition" not in html.split("<footer")[0].split("</nav>", 1)[1]
    assert "Nerve Blocks" in section(html, "featured-services")
    assert 'href="tel:+12035550143"' in section(html, "locations-heading")
    assert 'href="/request-appointment/"' in html


@pytest.mark.parametrize(
    ("index_fixture", "make_child"),
    [
        (
            "condition_index",
            lambda parent, n: factories.ConditionPageFactory(parent=parent, title=f"Cond {n}"),
        ),
        (
            "location_index",
            lambda parent, n: factories.OpeningHoursFactory(
                location=factories.LocationPageFactory(parent=parent)
            ),
        ),
        (
            "team_index",
            lambda parent, n: factories.TeamMemberPageFactory(
                parent=parent, photo=factories.wagtail_factories.ImageFactory()
            ),
        ),
    ],
)
def test_index_pages_use_the_same_queries_however_many_children(
    request, client, index_fixture, make_child, django_assert_max_num_queries
):
    if index_fixture == "team_index":
        about = factories.StandardPageFactory(parent=request.getfixturevalue("home"))
        index = factories.TeamIndexPageFactory(parent=about, slug="team")
    else:
        index = request.getfixturevalue(index_fixture)
    for n in range(2):
        make_child(index, n)
    client.get(index.url)  # make the image renditions once
    with django_assert_max_num_queries(50) as few:
        client.get(index.url)
    queries_with_two = len(few)  # read now: the next request clears the query log
    for n in range(2, 12):
        make_child(index, n)
    client.get(index.url)
    with django_assert_max_num_queries(queries_with_two):
        response = client.get(index.url)
    assert response.status_code == 200
