"""Menus and breadcrumbs, built from the page tree.

The main menu is two levels of live, public pages marked "Show in menus",
fetched in one query for the pages and one for view restrictions, however
many pages the site has, and kept in the shared cache until they change. Links to a section of the site (the request form,
the conditions) are found in the same pages, never typed as paths. A page class may set `menu_label` to name its section
differently in the menu; none does, so patients meet one word for a section
(its page's title) in the menu, the breadcrumb and the search results. A
section page whose class sets `menu_children_a_to_z` has its pages listed by
title, as its own page and the request form list them; others keep the tree's
order, which editors choose.
"""

from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext
from wagtail.models import Page, PageViewRestriction

from pagecache import versions


@dataclass
class MenuItem:
    title: str
    url: str
    slug: str
    children: list["MenuItem"] = field(default_factory=list)
    active: bool = False


def public(queryset, request=None):
    """`queryset` without pages behind a view restriction (login, password, groups).

    Like Wagtail's `.public()`, but the restrictions are read once per request
    however many listings a page shows, and kept in the shared cache until a
    restriction changes (saving or deleting one bumps the site version).
    """
    paths = getattr(request, "_restricted_page_paths", None)
    if paths is None:
        paths = restricted_paths()
        if request is not None:
            request._restricted_page_paths = paths
    private = Q()
    for path in paths:
        private |= Q(path__startswith=path)
    return queryset.exclude(private) if paths else queryset


def restricted_paths():
    """The tree paths of the pages with a view restriction (their subtrees are private)."""
    return versions.per_site_version(
        "restricted-paths",
        "all",
        lambda: list(PageViewRestriction.objects.values_list("page__path", flat=True)),
    )


def at_most(queryset, limit=None):
    """The first `limit` items (MENU_CHILDREN_LIMIT by default), and whether there are more.

    A listing on a page stays as long as a menu section however large the
    site grows; the page then links to the section's own page for the rest.
    """
    if limit is None:
        limit = getattr(settings, "MENU_CHILDREN_LIMIT", 25)
    if not limit:
        return list(queryset), False
    items = list(queryset[: limit + 1])
    return items[:limit], len(items) > limit


def _label(page):
    # A section's own menu name ("Services") is English; a translation's menu says its title.
    if translation.get_language() != settings.LANGUAGE_CODE:
        return page.title
    return getattr(page.specific_class, "menu_label", None) or page.title


class PageLink(NamedTuple):
    """A page as a listing of links shows it."""

    pk: int
    title: str
    url: str


def page_links(pages, request=None):
    return [PageLink(page.pk, page.title, page.get_url(request)) for page in pages]


def children_links(model, parent_path, depth, site_id, request=None, limit=None):
    """The live, public pages of `model` below the page at `parent_path`, A to Z, as links.

    At most `limit` (all when None). Titles and publishing are what the menus
    show too: kept in the shared cache until the site changes.
    """

    def build():
        pages = public(
            model.objects.live()
            .filter(path__startswith=parent_path, depth=depth)
            .order_by("title")
            .only("title", "url_path", "path", "depth"),
            request,
        )
        return page_links(pages[:limit] if limit else pages, request)

    name = f"children:{model._meta.label}:{parent_path}:{limit}"
    return versions.per_site_version(name, site_id, build)


@dataclass(frozen=True)
class OutlineEntry:
    """A page of the site's first two levels, as menus and section links need it."""

    path: str
    depth: int
    url: str
    slug: str
    label: str
    model_label: str
    show_in_menus: bool


def _read_outline(site, request):
    # The home page in the URL's language (/es/: the Spanish home), so a
    # Spanish page's menu lists the Spanish pages.
    root = localized_root(site)
    pages = public(
        Page.objects.live()
        .filter(path__startswith=root.path, depth__in=(root.depth + 1, root.depth + 2))
        .only(
            "id", "title", "slug", "url_path", "path", "depth", "content_type_id", "show_in_menus"
        )
        .order_by("path"),
        request,
    )
    pages = list(pages)
    top_length = (root.depth + 1) * Page.steplen
    by_title = {
        page.path
        for page in pages
        if page.depth == root.depth + 1
        and getattr(page.specific_class, "menu_children_a_to_z", False)
    }

    def place(page):
        # Each section, then its pages: by title under an A-to-Z section, else in tree order.
        section = page.path[:top_length]
        if page.depth == root.depth + 1:
            return (section, 0, "", page.path)
        # Plain code-point order: the order the database gives "More procedures" and the form.
        title = page.title if section in by_title else ""
        return (section, 1, title, page.path)

    return [
        OutlineEntry(
            path=page.path,
            depth=page.depth,
            url=page.get_url(request),
            slug=page.slug,
            label=_label(page),
            model_label=page.specific_class._meta.label,
            show_in_menus=page.show_in_menus,
        )
        for page in sorted(pages, key=place)
    ]


def localized_root(site):
    """The site's home page in the active language (itself in English, or when untranslated)."""
    root = site.root_page
    language = translation.get_language()
    if language == settings.LANGUAGE_CODE:
        return root  # no query: the site's root page is the English home page
    found = (
        Page.objects.live()
        .filter(translation_key=root.translation_key, locale__language_code=language)
        .first()
    )
    return found or root


def site_outline(site, request=None):
    """The live, public pages of the site's first two levels, in tree order (an A-to-Z
    section's pages by title).

    Read once per request, and kept in the shared cache until something menus
    show changes (`versions.per_site_version`): the main menu and the links
    to a section's page (`section_url`) both come from it.
    """
    cached = getattr(request, "_site_outline", None)
    if cached is not None and cached[0] == site.pk:
        return cached[1]
    outline = versions.per_site_version("outline", site.pk, lambda: _read_outline(site, request))
    if request is not None:
        request._site_outline = (site.pk, outline)
    return outline


def section_url(site, model_label, request=None):
    """The URL of the first top-level page of type `model_label` ("app.Model"), or "".

    A section not translated yet (the request form before its Spanish page is
    published) is linked in English rather than not at all.
    """
    depth = site.root_page.depth + 1
    for entry in site_outline(site, request):
        if entry.depth == depth and entry.model_label == model_label:
            return entry.url
    if translation.get_language() != settings.LANGUAGE_CODE:
        with translation.override(settings.LANGUAGE_CODE):
            return section_url(site, model_label)
    return ""


def menu_place(site, page):
    """What of `page`'s tree path decides the current items of the main menu ("" if none)."""
    path = getattr(page, "path", None) or ""
    return path[: (site.root_page.depth + 2) * Page.steplen]


def build_main_menu(site, request=None, current_page=None):
    root = site.root_page
    current_path = current_page.path if current_page else ""
    items = {}
    menu = []
    for entry in site_outline(site, request):
        if not entry.show_in_menus:
            continue
        item = MenuItem(
            title=entry.label,
            url=entry.url,
            slug=entry.slug,
            active=bool(current_path) and current_path.startswith(entry.path),
        )
        if entry.depth == root.depth + 1:
            items[entry.path] = item
            menu.append(item)
        else:
            parent = items.get(entry.path[: -Page.steplen])
            if parent is not None:  # children of a parent hidden from menus stay hidden
                parent.children.append(item)
    limit = getattr(settings, "MENU_CHILDREN_LIMIT", 25)
    for item in menu:
        if limit and len(item.children) > limit:
            # A section with hundreds of pages: the first ones, then its own page for all.
            item.children = item.children[:limit] + [
                MenuItem(title=f"All {item.title.lower()}", url=item.url, slug=f"{item.slug}-all")
            ]
    return menu


def breadcrumbs(page, site, request=None):
    """The ancestors a patient can go back to, from the home page down to `page`."""
    if site is None or page is None:
        return []
    root = site.root_page
    ancestors = (
        Page.objects.ancestor_of(page, inclusive=True)
        .filter(depth__gte=root.depth)
        .only("id", "title", "slug", "url_path", "path", "depth", "content_type_id")
        .order_by("depth")
    )
    return [
        {"title": gettext("Home") if p.depth == root.depth else p.title, "url": p.get_url(request)}
        for p in ancestors
    ]
