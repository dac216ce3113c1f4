"""schema.org JSON-LD built from the pages' own fields; editors never type any of it.

Each page type that describes a thing (a procedure, a condition, a clinic, a
person) has a `structured_data(request, root_url)` method returning its node;
`page_graph` adds the web page around it (MedicalWebPage with the review
dates on clinical pages) and the breadcrumb trail, as one graph for the
page's one script tag. No FAQ or HowTo markup: search engines dropped it.
"""

import json

from django.utils.safestring import mark_safe

from practice import languages

# Rich text as plain text: schema.text(...) and schema.items(...) in the page types.
from practice.text import items  # noqa: F401
from practice.text import plain_text as text  # noqa: F401

CONTEXT = "https://schema.org"
# The web page type of a clinical page, which then declares `schema_review(root_url, request)`.
MEDICAL_WEB_PAGE = "MedicalWebPage"


def absolute(url, root_url):
    if not url or url.startswith(("http://", "https://")):
        return url
    return root_url.rstrip("/") + url


def person(member, root_url, request=None):
    """A team member as a reference from another node (author, reviewer)."""
    # With the request, Wagtail reads the sites' root paths once per request, not from the cache.
    url = absolute(member.get_url(request), root_url) if member.live else None
    node = {
        "@type": "Physician" if member.is_physician else "Person",
        "name": member.display_name,
    }
    if url:
        node["@id"] = f"{url}#person"
        node["url"] = url
    return node


def breadcrumb_list(crumbs, url, root_url):
    return {
        "@type": "BreadcrumbList",
        "@id": f"{url}#breadcrumb",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": crumb["title"],
                "item": absolute(crumb["url"], root_url),
            }
            for position, crumb in enumerate(crumbs, start=1)
        ],
    }


def page_graph(page, request, crumbs):
    """The JSON-LD graph of one page: the thing it is about, the web page, the breadcrumb."""
    _, root_url, path = page.get_url_parts(request) or (None, "", "")
    url = absolute(path, root_url)
    nodes = []
    about = None
    builder = getattr(page, "structured_data", None)
    if builder is not None:
        about = builder(request, root_url, url)
        if about:
            nodes.append(about)
    # A clinical page declares itself one (reviews.clinical.ClinicalReviewMixin):
    # a MedicalWebPage about its subject, with its review (`schema_review`).
    clinical = page_type_for(page) == MEDICAL_WEB_PAGE
    web_page = {
        "@type": page_type_for(page),
        "@id": url,
        "url": url,
        "name": page.seo_title or page.title,
        "inLanguage": languages.page_language(page),
    }
    description = getattr(page, "meta_description", "") or page.search_description
    if description:
        web_page["description"] = description
    if about and about.get("@id"):
        web_page["mainEntity" if not clinical else "about"] = {"@id": about["@id"]}
    if clinical:
        web_page.update(page.schema_review(root_url, request))
    if page.last_published_at:
        web_page["dateModified"] = page.last_published_at.date().isoformat()
    if len(crumbs) > 1:
        web_page["breadcrumb"] = {"@id": f"{url}#breadcrumb"}
        nodes.append(breadcrumb_list(crumbs, url, root_url))
    nodes.insert(0, web_page)
    return {"@context": CONTEXT, "@graph": nodes}


def page_type_for(page):
    return getattr(page, "schema_page_type", "WebPage")


def script(graph):
    """The graph as the body of a <script type="application/ld+json"> tag, safe in HTML."""
    data = json.dumps(graph, ensure_ascii=False, separators=(",", ":"))
    # "</script>" or "<!--" inside a string must not end the script element.
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(data)  # noqa: S308 - escaped above for a script element
