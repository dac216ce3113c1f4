"""Which URLs the site gate audits: one live page of every page type, plus extras.

The page list comes from the page tree, so a new page type is audited as soon
as the demo content has a live page of it, without editing the gate.
"""

import re
from dataclasses import dataclass, field

# Page types whose Lighthouse performance score must reach the threshold.
PERFORMANCE_PAGE_TYPES = ("practice.HomePage", "procedures.ProcedurePage")
FORM_PAGE_TYPE = "appointments.AppointmentRequestPage"
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
    from wagtail.models import Page

    first_of_type = {}
    rows = (
        Page.objects.live()
        .public()
        .filter(depth__gt=1)
        .order_by("path")
        .values_list("pk", "content_type_id")
    )
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


def build_targets(pages, search_available, search_path="/search/"):
    """Targets for the discovered pages plus the fixed extras.

    `pages` is discover_pages()'s list. The form page, when present, is also
    posted empty; the thank-you page is added by the runner once a real
    submission reached it; the 404 is always there.
    """
    targets = []
    names = set()
    for label, path, _title in pages:
        name = slugify_name(label.split(".")[-1].removesuffix("Page") or label)
        while name in names:
            name += "-x"
        names.add(name)
        targets.append(
            Target(
                name=name,
                path=path,
                page_type=label,
                performance=label in PERFORMANCE_PAGE_TYPES,
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
    form = next((path for label, path, _t in pages if label == FORM_PAGE_TYPE), None)
    if form:
        targets.append(
            Target(
                name="form-errors",
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


def form_path(targets):
    return next(
        (t.path for t in targets if t.page_type == FORM_PAGE_TYPE and t.method == "GET"), None
    )
