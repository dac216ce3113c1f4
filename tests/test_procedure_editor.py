"""The procedure editor: an editor ticks the conditions a procedure treats and the clinics
that offer it (checkboxes, not a multi-select that needs Ctrl-click), and saving keeps them."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from wagtail.models import Locale
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from procedures.sections import SECTION_FIELDS
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def more_conditions(condition):
    index = condition.get_parent()
    return [
        condition,
        factories.ConditionPageFactory(parent=index, title="Neck Pain", slug="neck-pain"),
        factories.ConditionPageFactory(parent=index, title="Low Back Pain", slug="low-back-pain"),
    ]


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=(page.id,))


def choices(soup, name):
    """{label: checked} of the checkboxes named `name`."""
    boxes = soup.select(f"input[type=checkbox][name={name}]")
    return {
        soup.find("label", attrs={"for": box["id"]}).get_text(strip=True): box.has_attr("checked")
        for box in boxes
    }


def save_draft(client, page, **lists):
    page = page.get_latest_revision_as_object()
    data = {
        "title": page.title,
        "slug": page.slug,
        "summary": page.summary,
        "kind": page.kind,
        "risks_intro": page.risks_intro,
        "review_interval_months": "",
        "comments": inline_formset([]),
        **{name: rich_text(getattr(page, name)) for name in SECTION_FIELDS},
    }
    data = nested_form_data(data)
    data.update(lists)  # several values under one name, as ticked boxes post them
    return client.post(edit_url(page), data)


def test_conditions_and_locations_are_ticked_and_saving_keeps_them(
    client, editor_user, procedure, more_conditions, locations
):
    client.force_login(editor_user)
    soup = BeautifulSoup(client.get(edit_url(procedure)).content, "html.parser")

    assert not soup.select("select[multiple]"), "no field asks for Ctrl-click"
    assert choices(soup, "conditions") == {
        "Headache": False,
        "Neck Pain": False,
        "Low Back Pain": False,
    }
    assert choices(soup, "locations") == {"Stamford, CT": False, "Virtual Appointment": False}

    headache, neck_pain, _ = more_conditions
    response = save_draft(
        client,
        procedure,
        conditions=[str(headache.pk), str(neck_pain.pk)],
        locations=[str(locations["virtual"].pk)],
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    soup = BeautifulSoup(client.get(edit_url(procedure)).content, "html.parser")
    assert choices(soup, "conditions") == {
        "Headache": True,
        "Neck Pain": True,
        "Low Back Pain": False,
    }
    assert choices(soup, "locations") == {"Stamford, CT": False, "Virtual Appointment": True}
    procedure.refresh_from_db()
    draft = procedure.get_latest_revision_as_object()
    assert {page.title for page in draft.conditions.all()} == {"Headache", "Neck Pain"}
    assert [page.title for page in draft.locations.all()] == ["Virtual Appointment"]


def test_only_pages_in_the_procedures_language_are_offered(
    client, editor_user, procedure, condition, locations
):
    spanish = Locale.objects.get(language_code="es")
    translated = condition.copy_for_translation(spanish, copy_parents=True)
    translated.title = "Dolor de cabeza"
    translated.save_revision().publish()
    client.force_login(editor_user)
    soup = BeautifulSoup(client.get(edit_url(procedure)).content, "html.parser")
    assert choices(soup, "conditions") == {"Headache": False}
    assert choices(soup, "locations") == {"Stamford, CT": False, "Virtual Appointment": False}
