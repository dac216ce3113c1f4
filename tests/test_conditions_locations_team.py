"""What a patient sees on condition, location and team pages, and on the home page."""

import datetime
from urllib.parse import urlsplit

import pytest

from locations.models import OpeningHours
from tests import factories
from tests.html import labelled, links, one, soup, text, texts

pytestmark = pytest.mark.django_db


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

        treatments = labelled(soup(client.get(headache.url)), "treatments")
        assert text(one(treatments, "h2")) == "Treatments we offer for Headache"
        assert links(treatments) == [("Occipital Nerve Block", block.url)]

        treated = labelled(soup(client.get(block.url)), "conditions-treated")
        assert links(treated) == [("Headache", headache.url)]

    def test_a_draft_procedure_is_not_offered(self, client, condition_index, procedure_index):
        headache = factories.ConditionPageFactory(parent=condition_index, title="Headache")
        factories.ProcedurePageFactory(
            parent=procedure_index, title="Unpublished Block", conditions=[headache], live=False
        )
        html = soup(client.get(headache.url))
        assert "Unpublished Block" not in html.get_text()
        assert not html.select("#treatments")  # no empty "Treatments we offer" heading


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
    html = soup(client.get(page.url))
    # The emergency signs come straight after the first section; the lesser levels stay at the end.
    assert texts(one(html, "article").select("h2, h3")) == [
        "What is Neck Pain?",
        "Call 911 now if:",
        "What are the symptoms of Neck Pain?",
        "What causes Neck Pain?",
        "How is Neck Pain diagnosed?",
        "How is Neck Pain treated?",
        "When should you get help for Neck Pain?",
        "See a doctor soon if:",
        "Get urgent care today if:",
    ]
    emergency = labelled(html, "emergency-call-911")
    assert texts(emergency.select("li")) == ["Neck pain after a fall with weakness."]
    answers = {
        text(h2): texts(h2.find_parent("section").select("li"))
        for h2 in html.select("article section.section > h2")
    }
    assert answers["What are the symptoms of Neck Pain?"] == ["A stiff neck."]
    assert answers["What causes Neck Pain?"] == ["Poor posture."]
    assert answers["How is Neck Pain diagnosed?"] == ["An exam."]
    assert answers["How is Neck Pain treated?"] == ["Exercise."]
    # Each piece of advice sits under its own heading, least to most urgent.
    get_help = labelled(html, "get-help-heading")
    advice = {text(h3): texts(h3.find_parent("div").select("li")) for h3 in get_help.select("h3")}
    assert advice == {
        "See a doctor soon if:": ["Pain lasts weeks."],
        "Get urgent care today if:": ["Numb arm."],
    }


def test_questions_name_the_condition_as_a_sentence_does(client, condition_index, request_page):
    page = factories.ConditionPageFactory(
        parent=condition_index,
        title="Headache",
        slug="headache",
        name_in_questions="a headache",
        general_name="headaches",
        symptoms="<ul><li>Throbbing pain.</li></ul>",
        causes="<ul><li>Stress.</li></ul>",
        diagnosis="<ul><li>An exam.</li></ul>",
        treatment="<ul><li>Rest.</li></ul>",
        see_a_doctor="<ul><li>Headaches most days.</li></ul>",
        call_911="<ul><li>The worst headache of your life.</li></ul>",
    )
    html = soup(client.get(page.url))
    assert texts(html.select("h1")) == ["Headache"]
    assert texts(html.select("article section.section > h2")) == [
        "What is a headache?",
        "What are the symptoms of headaches?",
        "What causes headaches?",
        "How is a headache diagnosed?",
        "How is a headache treated?",
        "When should you get help for headaches?",
    ]
    assert texts(labelled(html, "on-this-page-heading").select("a")) == [
        "What is it?",
        "What are the symptoms?",
        "What causes it?",
        "How is it diagnosed?",
        "How is it treated?",
        "When should you get help?",
    ]
    # The request box before the first section; the emergency card straight after it.
    blocks = [
        "request-box" if block.name == "aside" else block["id"]
        for block in html.select("aside.side-cta, article section.section, section.care-levels")
    ]
    assert blocks[:4] == ["request-box", "overview", "emergency", "symptoms"]
    assert ("Request appointment", "/request-appointment/?condition=headache") in links(
        one(html, "aside.side-cta")
    )


def test_only_the_emergency_level_shows_no_get_help_section(client, condition_index):
    page = factories.ConditionPageFactory(
        parent=condition_index, call_911="<ul><li>Sudden weakness.</li></ul>"
    )
    html = soup(client.get(page.url))
    assert texts(labelled(html, "emergency-call-911").select("li")) == ["Sudden weakness."]
    assert not html.select("#get-help")


def test_related_conditions_link_to_each_other(client, condition_index):
    neck = factories.ConditionPageFactory(parent=condition_index, title="Neck Pain")
    headache = factories.ConditionPageFactory(
        parent=condition_index, title="Headache", related_conditions=[neck]
    )
    related = labelled(soup(client.get(headache.url)), "related-conditions")
    assert links(related) == [("Neck Pain", neck.url)]


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
        hours = labelled(soup(client.get(clinic.url)), "hours-heading")
        rows = [texts(row.select("th, td")) for row in one(hours, "table").select("tbody tr")]
        assert rows == [
            ["Monday", "8:30 AM – 5:00 PM"],
            ["Tuesday", "Closed"],
            ["Wednesday", "Closed"],
            ["Thursday", "Closed"],
            ["Friday", "9:00 AM – 1:00 PM"],
            ["Saturday", "Closed"],
            ["Sunday", "Closed"],
        ]
        assert "Closed on major holidays." in text(hours)

    def test_address_contact_and_a_plain_map_link(self, client, location_index):
        clinic = factories.LocationPageFactory(
            parent=location_index,
            street="100 Example Avenue, Suite 200",
            city="Stamford",
            state="CT",
            postal_code="06901",
            phone="(203) 555-0143",
        )
        html = soup(client.get(clinic.url))
        contact = one(html, ".location-contact")
        assert list(one(contact, "address").stripped_strings) == [
            "100 Example Avenue, Suite 200",
            "Stamford, CT 06901",
        ]
        assert texts(contact.select("li")) == [
            "Phone: (203) 555-0143",
            "Fax: (203) 555-0101",
            "Email: clinic@example.test",
        ]
        assert links(contact) == [
            (
                f"Open in a map ({clinic.title}, opens another site)",
                "https://www.google.com/maps/search/?api=1"
                "&query=100+Example+Avenue%2C+Suite+200%2C+Stamford%2C+CT+06901",
            ),
            ("(203) 555-0143", "tel:+12035550143"),
            ("clinic@example.test", "mailto:clinic@example.test"),
        ]
        # Nothing from another site is loaded: no frame, no external script, style or image.
        assert not html.select("iframe, embed, object")
        loaded = [el["src"] for el in html.select("[src]")]
        loaded += [el["href"] for el in html.select("link[href]") if "canonical" not in el["rel"]]
        loaded += [
            url.split()[0] for el in html.select("[srcset]") for url in el["srcset"].split(",")
        ]
        assert loaded  # the stylesheet and script at least
        assert [url for url in loaded if urlsplit(url).netloc] == []

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
        article = one(soup(client.get(virtual.url)), "article")
        assert not article.select("address")
        assert "Open in a map" not in text(article)
        headings = {text(h2): h2.find_parent("section") for h2 in article.select("section > h2")}
        assert texts(headings["How do video visits work?"].select("li")) == [
            "We send you a secure link."
        ]

    def test_lists_the_procedures_offered_there(self, client, location_index, procedure_index):
        brooklyn = factories.LocationPageFactory(parent=location_index, title="Brooklyn")
        stamford = factories.LocationPageFactory(parent=location_index, title="Stamford")
        botox = factories.ProcedurePageFactory(
            parent=procedure_index, title="Botox Injections", locations=[brooklyn, stamford]
        )
        factories.ProcedurePageFactory(
            parent=procedure_index, title="Lumbar Puncture", locations=[stamford]
        )
        offered = labelled(soup(client.get(brooklyn.url)), "procedures-here")
        assert links(offered) == [("Botox Injections", botox.url)]
        offered_at = labelled(soup(client.get(botox.url)), "offered-at")
        assert links(offered_at) == [("Brooklyn", brooklyn.url), ("Stamford", stamford.url)]


def test_team_member_profile_with_responsive_portrait(client, home):
    about = factories.StandardPageFactory(parent=home, title="About", slug="about")
    photo = factories.ImageFactory(
        title="Portrait",
        description="Portrait of Elie Sader",
        file__width=640,
        file__height=800,
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
    article = one(soup(client.get(member.url)), "article")
    picture = one(article, "picture")
    webp = one(picture, 'source[type="image/webp"]')
    assert [w.split()[1] for w in webp["srcset"].split(", ")] == ["160w", "320w"]
    img = one(picture, "img")
    assert (img["width"], img["height"], img["alt"]) == ("160", "200", "Portrait of Elie Sader")
    assert img["src"].endswith(".jpg")
    assert [w.split()[1] for w in img["srcset"].split(", ")] == ["160w", "320w"]
    qualifications = {
        text(h2): texts(h2.find_parent("section").select("li")) for h2 in article.select("h2")
    }
    assert qualifications == {
        "Specialties": ["Migraine", "Neck pain"],
        "Board certifications": ["Neurology"],
        "Education and training": ["Residency in Neurology"],
        "Languages": ["English", "French"],
    }


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

    html = soup(client.get("/"))
    featured = labelled(html, "featured-conditions")
    assert [(text(card.h3), text(card.p)) for card in featured.select(".card")] == [
        ("Headache", "Help for headaches.")
    ]
    assert "Not Featured Condition" not in text(one(html, "main"))
    assert texts(labelled(html, "featured-services").select(".card__title")) == ["Nerve Blocks"]
    assert ("(203) 555-0143", "tel:+12035550143") in links(labelled(html, "locations-heading"))
    assert ("Request appointment", "/request-appointment/") in links(one(html, "main"))


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
                parent=parent, photo=factories.ImageFactory()
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


def test_team_member_request_appointment_carries_that_physician(client, home):
    """Issue 21 item 12: the profile's button opens the form with this physician preselected
    (the form reads `?physician=<team member page id>`)."""
    about = factories.StandardPageFactory(parent=home, title="About", slug="about")
    form_page = factories.AppointmentRequestPageFactory(parent=home)
    member = factories.TeamMemberPageFactory(parent=about, name="Elie Sader", credentials="MD")
    button = one(soup(client.get(member.url)), "aside.cta a.button")
    assert button["href"] == f"{form_page.url}?physician={member.pk}"
