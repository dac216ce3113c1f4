"""Menus and breadcrumbs, built from the page tree.

The main menu is two levels of live, public pages marked "Show in menus",
fetched in one query for the pages and one for view restrictions, however
many pages the site has. Links to a section of the site (the request form,
the conditions) are found in the same pages, never typed as paths. A page class may set `menu_label` when the practice
names its section differently in the menu (Procedures are "Services").
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from wagtail.models import Page, PageViewRestriction


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
    however many listings a page shows.
    """
    paths = getattr(request, "_restricted_page_paths", None)
    if paths is None:
        paths = list(PageViewRestriction.objects.values_list("page__path", flat=True))
        if request is not None:
            request._restricted_page_paths = paths
    private = Q()
    for path in paths:
        private |= Q(path__startswith=path)
    return queryset.exclude(private) if paths else queryset


def _label(page):
    return getattr(page.specific_class, "menu_label", None) or page.title


def section_pages(site, request=None):
    """The live, public pages of the site's first two levels, in tree order, in one query.

    Read once per request: the main menu and the links to a section's page
    (`section_url`) both come from it.
    """
    cached = getattr(request, "_section_pages", None)
    if cached is not None and cached[0] == site.pk:
        return cached[1]
    root = site.root_page
    pages = list(
        public(
            Page.objects.live()
            .filter(path__startswith=root.path, depth__in=(root.depth + 1, root.depth + 2))
            .only(
                "id",
                "title",
                "slug",
                "url_path",
                "path",
                "depth",
                "content_type_id",
                "show_in_menus",
            )
            .order_by("path"),
            request,
        )
    )
    if request is not None:
        request._section_pages = (site.pk, pages)
    return pages


def section_url(site, model_label, request=None):
    """The URL of the first top-level page of type `model_label` ("app.Model"), or ""."""
    depth = site.root_page.depth + 1
    for page in section_pages(site, request):
        if page.depth == depth and page.specific_class._meta.label == model_label:
            return page.get_url(request)
    return ""


def build_main_menu(site, request=None, current_page=None):
    root = site.root_page
    current_path = current_page.path if current_page else ""
    items = {}
    menu = []
    for page in section_pages(site, request):
        if not page.show_in_menus:
            continue
        item = MenuItem(
            title=_label(page),
            url=page.get_url(request),
            slug=page.slug,
            active=bool(current_path) and current_path.startswith(page.path),
        )
        if page.depth == root.depth + 1:
            items[page.path] = item
            menu.append(item)
        else:
            parent = items.get(page.path[: -Page.steplen])
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
        {"title": "Home" if p.depth == root.depth else p.title, "url": p.get_url(request)}
        for p in ancestors
    ]
