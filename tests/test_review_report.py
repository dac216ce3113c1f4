"""The "Clinical review due" report, its dashboard panel, and the explorer's "Next review due"
column, as editors, reviewers and the front desk meet them in the admin."""

import csv
import datetime
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from tests import factories
from tests.html import labelled, one, soup, text, texts

pytestmark = pytest.mark.django_db

REPORT = "reviews_clinical_review_due"


def today():
    return timezone.localdate()


def days(n):
    return today() + datetime.timedelta(days=n)


def shown(date):
    return date_format(date, "M j, Y")


def make_user(django_user_model, username, group):
    user = django_user_model.objects.create_user(
        username, email=f"{username}@example.test", password="pw-for-tests-only"
    )
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor(django_user_model, home):
    return make_user(django_user_model, "editor", "Editors")


@pytest.fixture
def medical_reviewer(django_user_model, home):
    return make_user(django_user_model, "reviewer", "Medical reviewers")


@pytest.fixture
def front_desk(django_user_model, home):
    return make_user(django_user_model, "desk", "Front desk")


@pytest.fixture
def nurse(physician):
    return factories.TeamMemberPageFactory(
        parent=physician.get_parent(), title="Nurse", slug="nurse", name="Pat Nurse"
    )


def procedure(parent, title, reviewer=None, last=None, due=None, **extra):
    return factories.ProcedurePageFactory(
        parent=parent,
        title=title,
        reviewer=reviewer,
        last_reviewed=last,
        next_review_due=due,
        **extra,
    )


@pytest.fixture
def pages(procedure_index, physician, nurse):
    """One page in each state, and one fresh page that is not due."""
    return {
        "overdue": procedure(
            procedure_index, "Lumbar Puncture", physician, days(-375), days(-10), reading_grade=9
        ),
        "due_soon": procedure(
            procedure_index, "Trigger Point Injection", nurse, days(-350), days(15)
        ),
        "never": procedure(procedure_index, "Botox for Migraine"),
        "fresh": procedure(procedure_index, "Nerve Ablation", physician, days(-30), days(335)),
    }


def report(client, user, **params):
    client.force_login(user)
    return client.get(reverse(REPORT), params)


def rows(response):
    """Each row of the report's table as {column heading: cell text}."""
    table = one(soup(response), "table.listing")
    headings = texts(table.select("thead th"))
    return [
        dict(zip(headings, texts(tr.select("td")), strict=True)) for tr in table.select("tbody tr")
    ]


def titles(response):
    return [row["Title"] for row in rows(response)]


def test_lists_never_reviewed_first_then_by_due_date_and_not_a_fresh_page(client, editor, pages):
    response = report(client, editor)

    assert response.status_code == 200
    assert titles(response) == ["Botox for Migraine", "Lumbar Puncture", "Trigger Point Injection"]
    never, overdue, due_soon = rows(response)
    assert never["State"] == "Never reviewed"
    assert overdue == {
        "Title": "Lumbar Puncture",
        "Reviewer": "Elie Sader, MD",
        "Last reviewed": shown(days(-375)),
        "Next review due": shown(days(-10)),
        "Reading level": "Grade 9.0",
        "State": "Overdue",
        "Translation": "",
    }
    assert due_soon["State"] == "Due soon"


def test_titles_link_to_the_editor(client, editor, pages):
    page = one(soup(report(client, editor)), "table tbody tr:nth-of-type(2) td a")

    assert text(page) == "Lumbar Puncture"
    assert page["href"] == reverse("wagtailadmin_pages:edit", args=(pages["overdue"].pk,))


def test_due_soon_follows_the_practices_window(client, editor, pages):
    from wagtail.models import Site

    from reviews.models import ClinicalReviewSettings

    settings = ClinicalReviewSettings.for_site(Site.objects.get(is_default_site=True))
    settings.due_soon_days = 10
    settings.save()

    assert "Trigger Point Injection" not in titles(report(client, editor))


def test_drafts_never_published_are_left_out(client, editor, pages, procedure_index):
    draft = procedure(procedure_index, "Unpublished Block", live=False)

    assert draft.title not in titles(report(client, editor))


def test_condition_pages_are_listed_too(client, editor, home, pages, physician):
    conditions = factories.ConditionIndexPageFactory(parent=home, slug="conditions")
    factories.ConditionPageFactory(
        parent=conditions,
        title="Migraine",
        reviewer=physician,
        last_reviewed=days(-400),
        next_review_due=days(-35),
    )

    assert titles(report(client, editor))[:2] == ["Botox for Migraine", "Migraine"]


def test_filters_by_reviewer(client, editor, pages, physician, nurse):
    assert titles(report(client, editor, reviewer=physician.pk)) == ["Lumbar Puncture"]
    assert titles(report(client, editor, reviewer=nurse.pk)) == ["Trigger Point Injection"]


def test_filters_by_state(client, editor, pages):
    assert titles(report(client, editor, state="overdue")) == ["Lumbar Puncture"]
    assert titles(report(client, editor, state="due_soon")) == ["Trigger Point Injection"]
    assert titles(report(client, editor, state="never")) == ["Botox for Migraine"]


def test_results_only_view_serves_the_filtered_table(client, editor, pages):
    client.force_login(editor)
    response = client.get(reverse(f"{REPORT}_results"), {"state": "overdue"})

    assert response.status_code == 200
    assert titles(response) == ["Lumbar Puncture"]


def test_csv_export_has_the_rows(client, editor, pages):
    response = report(client, editor, export="csv")

    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode()
    header, *lines = list(csv.reader(io.StringIO(content)))
    assert header == [
        "Title",
        "Reviewer",
        "Last reviewed",
        "Next review due",
        "Reading level",
        "State",
        "Translation",
        "Edit in the admin",
    ]
    assert [line[0] for line in lines] == [
        "Botox for Migraine",
        "Lumbar Puncture",
        "Trigger Point Injection",
    ]
    overdue = lines[1]
    assert overdue[1:6] == [
        "Elie Sader, MD",
        days(-375).isoformat(),
        days(-10).isoformat(),
        "Grade 9.0",
        "Overdue",
    ]
    assert overdue[6] == ""  # an English page: no translation to be out of date
    assert overdue[7].endswith(reverse("wagtailadmin_pages:edit", args=(pages["overdue"].pk,)))


def test_csv_export_keeps_the_filter(client, editor, pages):
    response = report(client, editor, export="csv", state="due_soon")

    content = b"".join(response.streaming_content).decode()
    assert [line[0] for line in csv.reader(io.StringIO(content))][1:] == ["Trigger Point Injection"]


def test_xlsx_export_writes_dates_as_dates(client, editor, pages):
    response = report(client, editor, export="xlsx")

    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header, _, overdue, _ = list(sheet.iter_rows(values_only=True))
    assert header[3] == "Next review due"
    due = overdue[3]
    assert isinstance(due, datetime.date)
    assert (due.date() if isinstance(due, datetime.datetime) else due) == days(-10)


def test_front_desk_gets_403(client, front_desk, pages):
    for url in (reverse(REPORT), reverse(f"{REPORT}_results"), reverse(REPORT) + "?export=csv"):
        client.force_login(front_desk)
        response = client.get(url)
        assert response.status_code == 403, url


def test_editors_and_medical_reviewers_see_it(client, editor, medical_reviewer, pages):
    assert report(client, editor).status_code == 200
    assert report(client, medical_reviewer).status_code == 200


def test_a_user_sees_only_pages_they_may_edit(client, django_user_model, pages, procedure_index):
    from wagtail.models import GroupPagePermission

    other = factories.StandardPageFactory(parent=procedure_index.get_parent(), title="Other")
    group = Group.objects.create(name="Elsewhere")
    group.permissions.add(
        django_user_model._meta.apps.get_model("auth", "Permission").objects.get(
            codename="access_admin"
        )
    )
    GroupPagePermission.objects.create(group=group, page=other, permission_type="change")
    user = django_user_model.objects.create_user("elsewhere", password="pw-for-tests-only")
    user.groups.add(group)

    response = report(client, user)

    assert response.status_code == 200
    assert not soup(response).select("table.listing")


def menu_item_names(client, user):
    """The names of every item in the admin's sidebar menu, submenus included."""
    client.force_login(user)
    props = one(soup(client.get(reverse("wagtailadmin_home"))), "script#wagtail-sidebar-props")
    names = []

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("name"), str):
                names.append(node["name"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(props.string))
    return names


def test_reports_menu_offers_the_report_to_editors_only(client, editor, front_desk, pages):
    assert "clinical-review-due" in menu_item_names(client, editor)
    assert "clinical-review-due" not in menu_item_names(client, front_desk)


def dashboard_panel(client, user):
    client.force_login(user)
    page = soup(client.get(reverse("wagtailadmin_home")))
    return page.select('[aria-labelledby="clinical-review-panel-title"]')


def test_dashboard_panel_counts_and_links_to_the_filtered_report(client, editor, pages):
    panel = one(dashboard_panel(client, editor)[0], "ul")

    counts = {li["data-state"]: text(li) for li in panel.select("li")}
    assert counts == {"never": "1 never reviewed", "overdue": "1 overdue", "due_soon": "1 due soon"}
    overdue = one(panel, 'li[data-state="overdue"] a')
    assert overdue["href"] == reverse(REPORT) + "?state=overdue"
    assert titles(client.get(overdue["href"])) == ["Lumbar Puncture"]


def test_dashboard_panel_when_nothing_is_due(client, editor, procedure_index, physician):
    procedure(procedure_index, "Nerve Ablation", physician, days(-30), days(335))

    panel = labelled(
        soup(dashboard_panel(client, editor)[0].decode()), "clinical-review-panel-title"
    )

    assert "Every clinical page is reviewed" in text(panel)


def test_no_dashboard_panel_for_the_front_desk(client, front_desk, pages):
    assert dashboard_panel(client, front_desk) == []


def test_explorer_lists_the_next_review_due(client, editor, pages, procedure_index):
    client.force_login(editor)
    response = client.get(reverse("wagtailadmin_explore", args=(procedure_index.pk,)))

    assert response.status_code == 200
    table = one(soup(response), "table.listing")
    headings = texts(table.select("thead th"))  # the title's heading also counts the pages
    column = headings.index("Next review due")
    cells = {
        text(one(tr, "td.title a span")): tr.select("td")[column] for tr in table.select("tbody tr")
    }
    overdue = cells["Lumbar Puncture"]
    assert one(overdue, "time")["datetime"] == days(-10).isoformat()
    assert text(overdue) == f"{shown(days(-10))} Overdue"
    assert text(cells["Nerve Ablation"]) == shown(days(335))
    assert text(cells["Botox for Migraine"]) == "Never reviewed"
    assert text(cells["Trigger Point Injection"]) == f"{shown(days(15))} Due soon"


def test_a_spanish_pages_reading_level_is_its_inflesz_score_not_a_grade(
    client, editor, home, procedure_index, physician, pages
):
    """Spanish pages are scored on the INFLESZ scale (higher is easier): 62 is "normal"."""
    from wagtail.models import Locale

    spanish = Locale.objects.get(language_code="es")
    home.copy_for_translation(spanish).save_revision().publish()
    index_es = procedure_index.copy_for_translation(spanish)
    index_es.save_revision().publish()
    procedure(index_es, "Punción lumbar", physician, days(-375), days(-5), reading_grade=62)
    procedure(
        index_es, "Bloqueo nervioso", physician, days(-360), days(10), reading_grade=Decimal("48.3")
    )

    listed = {row["Title"]: row["Reading level"] for row in rows(report(client, editor))}
    assert listed["Punción lumbar"] == "INFLESZ 62.0 (normal)"
    assert listed["Bloqueo nervioso"] == "INFLESZ 48.3 (algo difícil)"
    assert listed["Lumbar Puncture"] == "Grade 9.0"

    content = b"".join(report(client, editor, export="csv").streaming_content).decode()
    exported = {line[0]: line[4] for line in csv.reader(io.StringIO(content))}
    assert exported["Punción lumbar"] == "INFLESZ 62.0 (normal)"
    assert exported["Lumbar Puncture"] == "Grade 9.0"
