"""Which URLs the site gate audits: one live page of every page type, plus extras.

The page list comes from the page tree, so a new page type is audited as soon
as the demo content has a live page of it, without editing the gate.
"""

import re
from dataclasses import dataclass, field

# Page types whose Lighthouse performance score must reach the threshold.
PERFORMANCE_PAGE_TYPES = ("practice.HomePage", "procedures.ProcedurePage")
FORM_PAGE_TYPE = "appointments.AppointmentRequestPage"
# Audited again in each of the site's other languages (/es/...): what a patient
# reading Spanish goes through, from the home page to the thank-you page, and
# every page type with words of its own (a clinic, Plan Your Visit, a standard
# page, the nondiscrimination notice). Section indexes are audited in English
# only: the same template, a list of titles.
TRANSLATED_PAGE_TYPES = (
    "practice.HomePage",
    "procedures.ProcedurePage",
    "conditions.ConditionPage",
    "locations.LocationPage",
    "locations.PlanYourVisitPage",
    "practice.StandardPage",
    "practice.NondiscriminationNoticePage",
    FORM_PAGE_TYPE,
)
NONSENSE_QUERY = "zqxjvwkpfh"
STOPWORDS = {"about", "their", "there", "which", "would", "these", "those", "other", "practice"}


@dataclass
class Target:
    """One URL the gates run against."""

    name: str  # short, unique, file-name safe: used in the table and report file names
    path: str  # path on the audited server, with query string
    page_type: str = ""  # app_label.ModelName for pages from the tree
    method: str = "GET"  # GET, or "POST-EMPTY" (the form posted empty, to show its errors)
    expect_status: int = 200
    lighthouse: bool = True  # Lighthouse can only load a GET that answers 200
    performance: bool = False  # performance >= threshold required (best of three runs)
    expect_link: str = ""  # a search must list this page (its path must be linked in <main>)
    noindex_ok: bool = False  # meant to carry robots noindex: Lighthouse's is-crawlable excused
    notes: list[str] = field(default_factory=list)


def slugify_name(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "page"


def page_type_label(page):
    return page.specific_class._meta.label


def discover_pages():
    """[(page type label, path, title)]: the first live public page of each type, in tree order."""
    return _first_of_each_type()


def discover_translated_pages():
    """[(language, page type label, path, title)]: TRANSLATED_PAGE_TYPES in the other languages.

    The first live public page of each of those types in each language but the
    site's first (whose pages `discover_pages` finds first, in tree order).
    """
    from django.conf import settings

    found = []
    for language, _name in settings.LANGUAGES:
        if language == settings.LANGUAGE_CODE:
            continue
        found += [
            (language, label, path, title)
            for label, path, title in _first_of_each_type(language)
            if label in TRANSLATED_PAGE_TYPES
        ]
    return found


def _first_of_each_type(language=None):
    from wagtail.models import Page

    first_of_type = {}
    rows = Page.objects.live().public().filter(depth__gt=1)
    if language is not None:
        rows = rows.filter(locale__language_code=language)
    rows = rows.order_by("path").values_list("pk", "content_type_id")
    for pk, content_type_id in rows:
        first_of_type.setdefault(content_type_id, pk)
    found = []
    for page in Page.objects.filter(pk__in=first_of_type.values()).order_by("path").specific():
        parts = page.get_url_parts()
        if parts is None:  # not under any site: not reachable
            continue
        found.append((page_type_label(page), parts[2], page.title))
    return found


def pick_search_term(pages):
    """(word, path): a word from the title of the deepest page, which a search must find."""
    for _label, path, title in sorted(pages, key=lambda p: (-p[1].count("/"), p[1])):
        word = pick_search_word([title])
        if word:
            return word, path
    return None, None


def pick_search_word(texts):
    """A word from the pages' titles that a search should find (first word of 5+ letters)."""
    for text in texts:
        for word in re.findall(r"[A-Za-z]{5,}", text or ""):
            if word.lower() not in STOPWORDS:
                return word.lower()
    return None


def build_targets(pages, search_available, search_path="/search/", translated=()):
    """Targets for the discovered pages plus the fixed extras.

    `pages` is discover_pages()'s list, `translated` discover_translated_pages()'s
    (named after their language: "es-home", "es-procedure"...). Each form page,
    when present, is also posted empty; the thank-you pages are added by the
    runner once a real submission reached them; the 404 is always there.
    """
    targets = []
    names = set()
    for language, label, path, _title in [("", *page) for page in pages] + list(translated):
        name = slugify_name(label.split(".")[-1].removesuffix("Page") or label)
        if language:
            name = f"{language}-{name}"
        while name in names:
            name += "-x"
        names.add(name)
        targets.append(
            Target(
                name=name,
                path=path,
                page_type=label,
                # The performance thresholds are the English pages' (the same templates).
                performance=not language and label in PERFORMANCE_PAGE_TYPES,
            )
        )
    if search_available:
        word, found = pick_search_term(pages)
        if word:
            targets.append(
                Target(
                    name="search-results",
                    path=f"{search_path}?q={word}",
                    expect_link=found,
                    noindex_ok=True,
                )
            )
        targets.append(
            Target(name="search-empty", path=f"{search_path}?q={NONSENSE_QUERY}", noindex_ok=True)
        )
    for language, form in form_pages(pages, translated):
        targets.append(
            Target(
                name=f"{language}-form-errors" if language else "form-errors",
                path=form,
                page_type=FORM_PAGE_TYPE,
                method="POST-EMPTY",
                lighthouse=False,
                notes=["Lighthouse cannot audit the response to a POST"],
            )
        )
    targets.append(
        Target(
            name="not-found",
            path="/no-such-page/",
            expect_status=404,
            lighthouse=False,
            notes=["Lighthouse refuses to audit a 404 document"],
        )
    )
    return targets


def form_pages(pages, translated=()):
    """[(language, path)] of the form pages: "" for the site's first language, then the others."""
    first = [("", path) for label, path, _t in pages if label == FORM_PAGE_TYPE][:1]
    others = {}
    for language, label, path, _title in translated:
        if label == FORM_PAGE_TYPE:
            others.setdefault(language, path)
    return first + list(others.items())


def form_path(targets):
    return next(
        (t.path for t in targets if t.page_type == FORM_PAGE_TYPE and t.method == "GET"), None
    )


def form_paths(targets):
    """[(name of its thank-you target, form path)]: "thanks", then "es-thanks"..."""
    found = []
    for t in targets:
        if t.page_type == FORM_PAGE_TYPE and t.method == "GET":
            prefix = t.name.removesuffix("appointmentrequest")
            found.append((f"{prefix}thanks", t.path))
    return found
