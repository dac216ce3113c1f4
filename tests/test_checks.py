"""The site gate's own logic: URL discovery, report parsing, allow-list, budgets."""

import json

import pytest
from wagtail.models import PageViewRestriction

from checks import discovery, reports
from tests import factories

BASE = "http://127.0.0.1:8123"


# -- discovery ---------------------------------------------------------------------


@pytest.mark.django_db
def test_discovery_finds_one_live_public_page_per_type_in_tree_order(home, procedure_index):
    first = factories.ProcedurePageFactory(parent=procedure_index, slug="alpha-block")
    factories.ProcedurePageFactory(parent=procedure_index, slug="beta-block")
    draft = factories.StandardPageFactory(parent=home, slug="draft", live=False)
    factories.StandardPageFactory(parent=home, slug="about")

    pages = discovery.discover_pages()

    labels = [label for label, _path, _title in pages]
    assert labels == [
        "practice.HomePage",
        "procedures.ProcedureIndexPage",
        "procedures.ProcedurePage",
        "practice.StandardPage",
    ]
    paths = dict((label, path) for label, path, _title in pages)
    assert paths["practice.HomePage"] == "/"
    assert paths["procedures.ProcedurePage"] == first.url == "/procedures/alpha-block/"
    assert paths["practice.StandardPage"] == "/about/"  # the draft is not audited
    assert draft.url not in paths.values()


@pytest.mark.django_db
def test_discovery_skips_private_pages(home):
    private = factories.StandardPageFactory(parent=home, slug="staff-only")
    PageViewRestriction.objects.create(page=private, restriction_type="login")

    assert discovery.discover_pages() == [("practice.HomePage", "/", home.title)]


@pytest.mark.django_db
def test_new_page_type_is_covered_without_editing_the_gate(home):
    index = factories.LocationIndexPageFactory(parent=home, slug="locations")
    factories.LocationPageFactory(parent=index, slug="stamford")

    targets = discovery.build_targets(discovery.discover_pages(), search_available=False)

    assert {t.page_type for t in targets} >= {
        "locations.LocationIndexPage",
        "locations.LocationPage",
    }


def sample_pages():
    return [
        ("practice.HomePage", "/", "Demo Practice"),
        ("procedures.ProcedurePage", "/procedures/lumbar-puncture/", "Lumbar Puncture"),
        ("appointments.AppointmentRequestPage", "/request-appointment/", "Request"),
    ]


def test_build_targets_adds_the_extras():
    targets = discovery.build_targets(sample_pages(), search_available=True)
    by_name = {t.name: t for t in targets}

    assert by_name["home"].performance and by_name["procedure"].performance
    assert not by_name["appointmentrequest"].performance
    assert by_name["search-results"].path == "/search/?q=lumbar"
    assert by_name["search-results"].expect_link == "/procedures/lumbar-puncture/"
    assert by_name["search-empty"].path == f"/search/?q={discovery.NONSENSE_QUERY}"
    errors = by_name["form-errors"]
    assert (errors.path, errors.method, errors.lighthouse) == (
        "/request-appointment/",
        "POST-EMPTY",
        False,
    )
    assert (by_name["not-found"].expect_status, by_name["not-found"].lighthouse) == (404, False)
    assert discovery.form_path(targets) == "/request-appointment/"
    assert len(by_name) == len(targets)  # names are unique: they name report files


def test_build_targets_without_search_or_form():
    targets = discovery.build_targets(sample_pages()[:1], search_available=False)
    assert [t.name for t in targets] == ["home", "not-found"]
    assert discovery.form_path(targets) is None


def test_pick_search_word_skips_short_and_stop_words():
    assert discovery.pick_search_word(["About", "Lumbar Puncture"]) == "lumbar"
    assert discovery.pick_search_word(["A B", ""]) is None


# -- Nu validator -------------------------------------------------------------------


def test_parse_vnu_keeps_errors_only():
    text = json.dumps(
        {
            "messages": [
                {
                    "type": "error",
                    "url": "file:/r/html/home.html",
                    "lastLine": 12,
                    "message": "Stray end tag “div”.",
                    "extract": "</p></div>\n",
                },
                {"type": "info", "subType": "warning", "url": "file:/r/html/home.html"},
                {"type": "info", "url": "file:/r/html/about.html", "message": "fyi"},
                {"type": "non-document-error", "url": "file:/r/html/x.html", "message": "IO"},
            ]
        }
    )
    errors = reports.parse_vnu(text)
    assert errors == {
        "file:/r/html/home.html": ["line 12: Stray end tag “div”. [</p></div>]"],
        "file:/r/html/x.html": ["IO"],
    }
    assert reports.parse_vnu('{"messages": []}') == {}
    assert reports.parse_vnu("") == {}


# -- axe -------------------------------------------------------------------------------


def test_axe_blocking_filters_on_impact_and_wcag_tags():
    violations = [
        {
            "id": "color-contrast",
            "impact": "serious",
            "tags": ["cat.color", "wcag2aa", "wcag143"],
            "help": "Elements must meet minimum color contrast ratio thresholds",
            "nodes": [{"target": [".footer a"]}],
        },
        {"id": "region", "impact": "moderate", "tags": ["best-practice"], "nodes": []},
        {"id": "x-best", "impact": "critical", "tags": ["best-practice"], "nodes": []},
        {"id": "minor", "impact": "minor", "tags": ["wcag2a"], "nodes": []},
    ]
    found = reports.axe_blocking(violations)
    assert len(found) == 1
    assert found[0].startswith("color-contrast (serious)")
    assert ".footer a" in found[0]


# -- Lighthouse --------------------------------------------------------------------------


def lighthouse_report(perf=1.0, a11y=1.0, bp=1.0, seo=1.0, runtime_error=None):
    report = {
        "categories": {
            "performance": {"score": perf, "auditRefs": [{"id": "lcp", "weight": 25}]},
            "accessibility": {"score": a11y, "auditRefs": [{"id": "image-alt", "weight": 10}]},
            "best-practices": {
                "score": bp,
                "auditRefs": [{"id": "errors-in-console", "weight": 1}],
            },
            "seo": {
                "score": seo,
                "auditRefs": [{"id": "meta-description", "weight": 1}, {"id": "x", "weight": 0}],
            },
        },
        "audits": {
            "lcp": {"score": 1 if perf >= 0.95 else 0.5},
            "image-alt": {"score": 1 if a11y == 1 else 0},
            "errors-in-console": {"score": 1 if bp == 1 else 0},
            "meta-description": {"score": 1 if seo == 1 else 0},
            "x": {"score": 0},
        },
    }
    if runtime_error:
        report["runtimeError"] = {"code": runtime_error, "message": "..."}
    return report


def test_lighthouse_scores_and_runtime_error():
    report = lighthouse_report(perf=0.934)
    assert reports.lighthouse_scores(report)["performance"] == 93
    assert reports.lighthouse_runtime_error(report) is None
    assert reports.lighthouse_runtime_error(lighthouse_report(runtime_error="NO_NAVSTART")) == (
        "NO_NAVSTART"
    )
    assert reports.lighthouse_runtime_error({"runtimeError": {"code": "NO_ERROR"}}) is None


def test_lighthouse_all_hundred_passes():
    assert reports.lighthouse_failures([lighthouse_report()]) == []


def test_lighthouse_names_the_failing_audit():
    failures = reports.lighthouse_failures([lighthouse_report(seo=0.92)])
    assert len(failures) == 1
    assert failures[0].startswith("seo 92 < 100")
    assert "meta-description" in failures[0]
    assert "x" not in failures[0].split("failing audits: ")[1].split(", ")  # weight 0


def test_lighthouse_performance_is_best_of_runs():
    runs = [lighthouse_report(perf=0.81), lighthouse_report(perf=0.96), lighthouse_report(perf=0.9)]
    assert reports.lighthouse_failures(runs, performance=True) == []
    slow = [lighthouse_report(perf=0.81), lighthouse_report(perf=0.94)]
    (failure,) = reports.lighthouse_failures(slow, performance=True)
    assert failure.startswith("performance 94 < 95 (runs: [81, 94])")
    # Performance is only required where asked for.
    assert reports.lighthouse_failures(slow) == []


def test_lighthouse_runs_that_errored_do_not_count():
    runs = [lighthouse_report(perf=0.1, runtime_error="NO_NAVSTART"), lighthouse_report()]
    assert reports.lighthouse_failures(runs, performance=True) == []
    (failure,) = reports.lighthouse_failures([None, lighthouse_report(runtime_error="NO_FCP")])
    assert failure == "Lighthouse did not run: no report, NO_FCP"


# -- wapiti and its allow-list -------------------------------------------------------------


WAPITI_REPORT = {
    "vulnerabilities": {
        "Reflected Cross Site Scripting": [
            {
                "info": "XSS vulnerability found via injection in the parameter q",
                "path": "/search/",
                "method": "GET",
                "parameter": "q",
                "level": 2,
            }
        ],
        "Secure Flag cookie": [
            {
                "info": "Secure flag is not set in the cookie : csrftoken",
                "path": "/request-appointment/",
                "method": "GET",
                "level": 1,
            }
        ],
        "SQL Injection": [],
    },
    "anomalies": {"Internal Server Error": [{"info": "500", "path": "/search/", "method": "GET"}]},
    "infos": {"target": BASE + "/"},
}


def test_wapiti_findings_are_flattened():
    findings = reports.wapiti_findings(WAPITI_REPORT)
    assert [(f["section"], f["category"]) for f in findings] == [
        ("vulnerabilities", "Reflected Cross Site Scripting"),
        ("vulnerabilities", "Secure Flag cookie"),
        ("anomalies", "Internal Server Error"),
    ]


def test_allowlist_matches_category_info_and_path(tmp_path):
    path = tmp_path / "allow.toml"
    path.write_text(
        """
[[allow]]
category = "Secure Flag cookie"
info = "cookie : (csrftoken|sessionid)$"
reason = "plain-HTTP loopback server; production sets Secure"

[[allow]]
category = "Internal Server Error"
path = "^/elsewhere/"
reason = "only there"
"""
    )
    entries = reports.load_allowlist(path)
    failures, allowed = reports.wapiti_failures(WAPITI_REPORT, entries)
    assert allowed == [
        "Secure Flag cookie: Secure flag is not set in the cookie : csrftoken "
        "(GET /request-appointment/)"
    ]
    assert [line.split(":")[0] for line in failures] == [
        "Reflected Cross Site Scripting",
        "Internal Server Error",  # the path does not match the entry
    ]


def test_allowlist_entry_needs_a_reason(tmp_path):
    path = tmp_path / "allow.toml"
    path.write_text('[[allow]]\ncategory = "Content Security Policy Configuration"\n')
    with pytest.raises(ValueError, match="reason"):
        reports.load_allowlist(path)


def test_repository_allowlist_is_valid_and_never_allows_injections():
    from checks.site_gate import ALLOWLIST

    entries = reports.load_allowlist(ALLOWLIST)
    forbidden = (
        "Cross Site Scripting",
        "SQL",
        "Command execution",
        "Path Traversal",
        "Open Redirect",
        "CRLF",
    )
    for entry in entries:
        assert not any(word.lower() in entry["category"].lower() for word in forbidden), entry


# -- budgets and links -----------------------------------------------------------------------


GOOD_PAGE = """<!DOCTYPE html><html lang="en"><head><title>t</title>
<link rel="stylesheet" href="/static/css/site.css">
<link rel="icon" href="/static/favicon.svg">
<script src="/static/js/site.js" defer></script>
<script type="application/ld+json">{"@type": "Physician"}</script>
</head><body>
<a href="/procedures/">Services</a> <a href="/about/#team">Team</a> <a href="#main">Skip</a>
<a href="tel:+12035550142">Call</a> <a href="mailto:x@example.test">Mail</a>
<a href="https://www.youtube.com/@example">YouTube</a>
<img src="/media/images/a.jpg" srcset="/media/images/a.jpg 1x, /media/images/b.jpg 2x"
     width="400" height="300" alt="">
</body></html>"""


def test_good_page_is_within_budget():
    assert reports.html_budget_failures(GOOD_PAGE, BASE + "/") == []


def test_budget_failures_are_precise():
    page = """<html><head>
<script src="/static/js/blocking.js"></script><script>var x = 1;</script>
<script type="module" src="/static/js/m.js"></script><script async src="/a.js"></script>
<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Lato">
</head><body><img src="https://tracker.example/pixel.gif" width="1" height="1" alt="">
<img src="/media/x.jpg" alt="x" width="10"><iframe src="https://maps.example/embed"></iframe>
</body></html>"""
    failures = reports.html_budget_failures(page, BASE + "/p/", size=70_000)
    assert failures == [
        "HTML is 70000 bytes (budget 61440)",
        "render-blocking <script> in <head>: /static/js/blocking.js",
        "render-blocking <script> in <head>: inline script",
        "third-party stylesheet: https://fonts.googleapis.com/css?family=Lato",
        "third-party img: https://tracker.example/pixel.gif",
        "third-party iframe: https://maps.example/embed",
        "<img src='/media/x.jpg'> has no height",
    ]


def test_asset_budgets():
    assert reports.asset_budget_failures(29 * 1024, 19 * 1024) == []
    assert reports.asset_budget_failures(30 * 1024, 20 * 1024) == [
        "CSS is 30720 bytes (budget 30720)",
        "JavaScript is 20480 bytes (budget 20480)",
    ]


def test_internal_links_and_admin_links():
    links = reports.internal_links(
        GOOD_PAGE.replace("</body>", '<a href="/admin/pages/3/">Edit</a></body>'), BASE + "/x/"
    )
    assert links == [BASE + "/about/", BASE + "/admin/pages/3/", BASE + "/procedures/"]
    assert reports.admin_links(links) == [BASE + "/admin/pages/3/"]


def test_resource_urls_are_absolute():
    found = reports.resource_urls(GOOD_PAGE, BASE + "/x/")
    assert found["stylesheet"] == [BASE + "/static/css/site.css"]
    assert found["script"] == [BASE + "/static/js/site.js"]
    assert found["link"] == [BASE + "/static/favicon.svg"]
    assert found["img"] == [BASE + "/media/images/a.jpg"] * 2 + [BASE + "/media/images/b.jpg"]


def test_noindex_pages_are_excused_is_crawlable_only():
    report = lighthouse_report(seo=0.63)
    report["categories"]["seo"]["auditRefs"].append({"id": "is-crawlable", "weight": 4.6})
    report["audits"]["meta-description"]["score"] = 1
    report["audits"]["is-crawlable"] = {"score": 0}
    assert reports.lighthouse_failures([report], noindex_ok=True) == []
    (failure,) = reports.lighthouse_failures([report])
    assert failure.endswith("failing audits: is-crawlable")
    report["audits"]["meta-description"]["score"] = 0  # another SEO audit fails: no excuse
    assert reports.lighthouse_failures([report], noindex_ok=True)


def test_has_noindex():
    assert reports.has_noindex('<head><meta name="robots" content="noindex"></head>')
    assert reports.has_noindex('<meta name="ROBOTS" content="noindex, follow">')
    assert not reports.has_noindex('<meta name="description" content="noindex">')
    assert not reports.has_noindex(GOOD_PAGE)


def test_pick_search_term_prefers_the_deepest_page():
    assert discovery.pick_search_term(sample_pages()) == ("lumbar", "/procedures/lumbar-puncture/")
    assert discovery.pick_search_term([("practice.HomePage", "/", "Home")]) == (None, None)


def test_main_links_to():
    html = '<nav><a href="/procedures/x/">x</a></nav><main><a href="/conditions/y/">y</a></main>'
    assert reports.main_links_to(html, "/conditions/y/")
    assert not reports.main_links_to(html, "/procedures/x/")  # the menu does not count


def test_the_spanish_pages_and_form_are_audited_beside_the_english_ones():
    translated = [
        ("es", "practice.HomePage", "/es/", "Inicio"),
        ("es", "procedures.ProcedurePage", "/es/procedimientos/puncion-lumbar/", "Punción"),
        ("es", "appointments.AppointmentRequestPage", "/es/solicitar-cita/", "Pida una cita"),
    ]
    targets = discovery.build_targets(sample_pages(), search_available=False, translated=translated)
    by_name = {t.name: t for t in targets}

    assert by_name["es-home"].path == "/es/"
    assert by_name["es-procedure"].path == "/es/procedimientos/puncion-lumbar/"
    assert by_name["home"].path == "/"  # the English pages keep their names
    errors = by_name["es-form-errors"]
    assert (errors.path, errors.method) == ("/es/solicitar-cita/", "POST-EMPTY")
    # Each form is submitted for real, and its thank-you page audited under its own name.
    assert discovery.form_paths(targets) == [
        ("thanks", "/request-appointment/"),
        ("es-thanks", "/es/solicitar-cita/"),
    ]


@pytest.mark.django_db
def test_discovery_finds_the_spanish_page_types(home, procedure_index):
    from wagtail.models import Locale

    procedure = factories.ProcedurePageFactory(parent=procedure_index, slug="alpha-block")
    spanish = Locale.objects.get(language_code="es")
    for page, slug in ((home, "inicio"), (procedure_index, "procedimientos"), (procedure, "alfa")):
        translated = page.copy_for_translation(spanish)
        translated.slug = slug
        translated.save()
        translated.save_revision().publish()

    found = discovery.discover_translated_pages()

    # The section index is audited in English only: the same template, no form or sections.
    assert [(language, label, path) for language, label, path, _title in found] == [
        ("es", "practice.HomePage", "/es/"),
        ("es", "procedures.ProcedurePage", "/es/procedimientos/alfa/"),
    ]
    assert [label for label, _path, _title in discovery.discover_pages()][:3] == [
        "practice.HomePage",
        "procedures.ProcedureIndexPage",
        "procedures.ProcedurePage",
    ]
