"""When pages change, forget their cached copies: in the app's cache and in the HTTP cache in front.

The rules, by what changed:
- a page's content only: that page and the pages that show its summary (its
  index, the home page's features and locations, and what its type names in
  `pages_showing_summary()`, e.g. a procedure's conditions and locations);
- anything the menus or every page show (a title, a slug, "show in menus",
  a page published for the first time, unpublished, moved, reordered,
  deleted or made private) or any site setting: every page, and the menu and
  footer kept for every page (`versions.per_site_version`); in the HTTP
  cache, a BAN of each site's host, so a moved or renamed page's old address
  (and its descendants') is forgotten too.

Deleting a page or lifting a view restriction counts as a change of the
menus. Every purge is recorded with the change and delivered after its
commit (`pagecache.versions`, `pagecache.frontend`).

Purges that take a page away from the public (unpublished, deleted, moved,
renamed, made private) are "withdrawing": no copy from before is served
anywhere, and Varnish is BANned at once. The others refresh: a previous copy
may be served while one request rebuilds it, and Varnish, whose copies stay
fresh only a few seconds (deploy/varnish.vcl), takes the change by
revalidating instead of dropping every page of the site at once.
"""

import logging

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from pagecache import frontend, versions
from pagecache.pages import CachedPageMixin

logger = logging.getLogger(__name__)

# What the menus, breadcrumbs and listings read from every page.
MENU_FIELDS = ("title", "slug", "show_in_menus", "live", "url_path", "seo_title")


def _paths(pages):
    paths = set()
    for page in pages:
        parts = page.get_url_parts()
        if parts:
            paths.add(parts[2])
    return paths


def _full_urls(pages):
    return [url for url in (page.get_full_url() for page in pages) if url]


def _site_root_urls():
    return [root_url for _id, _path, root_url, _language in Site.get_site_root_paths() if root_url]


def _old_full_urls(url_path_before, url_path_after, page_path):
    """The public addresses the page at `page_path` and its descendants had before a move or rename."""
    before = []
    descendants = Page.objects.filter(path__startswith=page_path).values_list("url_path", flat=True)
    for url_path in descendants:
        old = url_path_before + url_path[len(url_path_after) :]
        for _id, root_path, root_url, _language in Site.get_site_root_paths():
            if root_url and old.startswith(root_path):
                before.append(root_url + "/" + old[len(root_path) :])
    return before


def purge_pages(pages):
    pages = [page for page in pages if page is not None]
    versions.purge_paths(_paths(pages))
    frontend.purge_after_commit(urls=_full_urls(pages))


def purge_site(old_urls=(), withdrawn=False):
    """Every page and every kept part; in the HTTP cache, each site's whole host (old addresses too).

    `withdrawn`: a page left the public site; nothing from before may be served.
    """
    versions.purge_everything(withdrawn=withdrawn)
    frontend.purge_after_commit(
        urls=old_urls,
        whole_sites=_site_root_urls(),
        refresh_only=not withdrawn,
        every_live_page=lambda: _full_urls(
            Page.objects.live().exclude(depth=1).specific(defer=True)
        ),
    )


def dependents(page):
    """The pages that show `page`'s summary or name, besides itself."""
    page = page.specific
    shown_on = [page.get_parent()]
    site = page.get_site()
    if site is not None:
        # The home page of the page's own language: a Spanish page is listed on the Spanish home.
        root = site.root_page
        shown_on.append(root.get_translation_or_none(page.locale_id) or root)
    if isinstance(page, CachedPageMixin):
        shown_on.extend(page.pages_showing_summary())
    return shown_on


# --- receivers -----------------------------------------------------------------------


def remember_before_save(sender, instance, raw=False, update_fields=None, **kwargs):
    """What a page's publishing compares with: its menu fields and where it was listed."""
    if raw or not isinstance(instance, Page) or instance.pk is None:
        return
    instance._menu_fields_before = Page.objects.filter(pk=instance.pk).values(*MENU_FIELDS).first()
    if update_fields is None and isinstance(instance, CachedPageMixin):
        # A whole save (publishing): the pages that listed it before the change.
        # A procedure that stops naming a condition must still purge that page.
        saved = type(instance).objects.only("pk").filter(pk=instance.pk).first()
        instance._shown_on_before = saved.pages_showing_summary() if saved else []


def on_publish(sender, instance, **kwargs):
    before = getattr(instance, "_menu_fields_before", None)
    after = {name: getattr(instance, name) for name in MENU_FIELDS}
    if (
        before is None
        or not before["live"]
        or before != after
        or isinstance(instance.specific, CachedPageMixin)
        and instance.specific.purge_site_on_publish
    ):
        renamed = before is not None and before["url_path"] != instance.url_path
        purge_site(
            _old_full_urls(before["url_path"], instance.url_path, instance.path) if renamed else (),
            withdrawn=renamed,
        )
    else:
        shown_on_before = getattr(instance, "_shown_on_before", [])
        purge_pages([instance, *dependents(instance), *shown_on_before])


def on_unpublish(sender, instance=None, **kwargs):
    purge_site(withdrawn=True)


def on_move(sender, instance, url_path_before=None, url_path_after=None, **kwargs):
    """A moved page (and its descendants) leaves its old addresses: forget those too."""
    old = ()
    if url_path_before and url_path_after and url_path_before != url_path_after:
        old = _old_full_urls(url_path_before, url_path_after, instance.path)
    # Into a restricted section, or out of its old address: never served from before.
    purge_site(old, withdrawn=True)


def on_setting_saved(sender, instance, raw=False, **kwargs):
    # A page made private (or public again) leaves or joins the menus.
    if not raw and isinstance(instance, BaseSiteSetting | Site | PageViewRestriction):
        purge_site(withdrawn=isinstance(instance, PageViewRestriction | Site))


def on_model_changed(sender, instance, raw=False, **kwargs):
    """A model shown on many pages (insurance plans, closures, notices) says so with
    `purge_site_on_change = True`: saving or deleting one purges every page.
    A model shown on a few pages (a publication) names them in `pages_showing_it()`:
    saving one purges those."""
    if raw:
        return
    if getattr(instance, "purge_site_on_change", False):
        purge_site()
    elif hasattr(instance, "pages_showing_it"):
        purge_pages(instance.pages_showing_it())


def on_model_deleting(sender, instance, **kwargs):
    # Before the delete: the pages it is linked to are still known.
    if hasattr(instance, "pages_showing_it"):
        purge_pages(instance.pages_showing_it())


def on_m2m_changed(sender, instance, action, **kwargs):
    if action.startswith("post_"):
        on_model_changed(sender, instance)
    elif action in ("pre_remove", "pre_clear") and hasattr(instance, "pages_showing_it"):
        # The pages it leaves, while it still names them.
        purge_pages(instance.pages_showing_it())


def connect():
    pre_save.connect(remember_before_save, dispatch_uid="pagecache.remember")
    page_published.connect(on_publish, dispatch_uid="pagecache.publish")
    page_unpublished.connect(on_unpublish, dispatch_uid="pagecache.unpublish")
    post_page_move.connect(on_move, dispatch_uid="pagecache.move")
    post_delete.connect(on_page_deleted, dispatch_uid="pagecache.delete")
    post_save.connect(on_setting_saved, dispatch_uid="pagecache.setting")
    post_save.connect(on_model_changed, dispatch_uid="pagecache.model-saved")
    post_delete.connect(on_model_changed, dispatch_uid="pagecache.model-deleted")
    pre_delete.connect(on_model_deleting, dispatch_uid="pagecache.model-deleting")
    m2m_changed.connect(on_m2m_changed, dispatch_uid="pagecache.model-m2m")


def on_page_deleted(sender, instance, **kwargs):
    # A deleted page leaves the menus and its address; a restriction lifted changes them too.
    if isinstance(instance, Page) and instance.live:
        purge_site(withdrawn=True)
    elif isinstance(instance, PageViewRestriction):
        purge_site()  # a page made public again: nothing is taken away
