"""The site's languages: which page is whose translation, and how a patient goes between them.

English is at today's URLs and Spanish under /es/ (config/urls.py,
`practice.middleware.URLLanguageMiddleware`). A translation is a page of its
own in the Spanish tree, linked to its English source by Wagtail's
`translation_key` (wagtail-localize makes and updates it). What reads this:

- the language switcher on every page (components/language_switcher.html):
  the same page in the other language, or, when it is not translated yet, a
  note saying so in that language and a link to that language's home page;
- the `hreflang` alternates in the head and in the sitemap;
- `<html lang>` and the JSON-LD's `inLanguage` (the page's own language).

Which translations are live changes only with a first publish, an unpublish,
a move or a rename, each of which purges the whole site
(`pagecache.purge`): so a page's translations are kept with the menus.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.utils import translation
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Locale, Page, Site

from pagecache import versions
from practice.navigation import public

# Each language named in itself: a patient who reads only Spanish looks for "Español".
LANGUAGE_NAMES = {"en": "English", "es": "Español"}
# ... and as a sentence of that language names it ("la página de inicio en español").
LANGUAGE_IN_SENTENCE = {"en": "English", "es": "español"}


@dataclass(frozen=True)
class LanguageLink:
    """One language as the switcher offers it."""

    code: str
    name: str
    url: str  # the page's translation, or "" if it has none in this language
    home_url: str  # that language's home page
    current: bool
    # Written in the link's own language (translation.override): read by whoever
    # reads that language, whatever the page's.
    not_translated: str
    home_label: str


_locale_codes = {}


def _forget_locales(sender, **kwargs):
    _locale_codes.clear()


post_save.connect(_forget_locales, sender=Locale, dispatch_uid="practice.languages.locale_saved")
post_delete.connect(
    _forget_locales, sender=Locale, dispatch_uid="practice.languages.locale_deleted"
)


def locale_code(locale_id):
    """The language code of a locale, read once per process (locales are a handful of rows)."""
    if locale_id not in _locale_codes:
        _locale_codes.update(Locale.objects.values_list("pk", "language_code"))
    return _locale_codes.get(locale_id, settings.LANGUAGE_CODE)


def page_language(page):
    """The language a page is written in ("en", "es"); the URL's for anything else."""
    locale_id = getattr(page, "locale_id", None)
    if locale_id is None:
        return translation.get_language() or settings.LANGUAGE_CODE
    return locale_code(locale_id)


def _url_in(page, code, request):
    with translation.override(code):
        return page.get_url(request) or ""


def _translation_urls(page, request):
    """{language code: URL} of the live, public translations of `page`, itself included."""
    if page is None or getattr(page, "translation_key", None) is None:
        return {}
    # The view restrictions as the menus read them: once per request, kept in the cache.
    translations = public(
        Page.objects.live()
        .filter(translation_key=page.translation_key)
        .only("id", "url_path", "path", "depth", "locale_id", "translation_key"),
        request,
    )
    return {
        locale_code(found.locale_id): _url_in(found, locale_code(found.locale_id), request)
        for found in translations
    }


def _home_urls(site, request):
    """{language code: URL} of each language's live home page."""
    homes = (
        Page.objects.live()
        .filter(translation_key=site.root_page.translation_key)
        .only("id", "url_path", "path", "depth", "locale_id")
    )
    return {
        locale_code(home.locale_id): _url_in(home, locale_code(home.locale_id), request)
        for home in homes
    }


def translation_urls(page, request):
    """The page's translations by language, kept with the menus (see the module's note).

    Read once per request: the switcher and the hreflang links both ask.
    """
    memo = getattr(request, "_practice_translations", None)
    if memo is not None and memo[0] == getattr(page, "pk", None):
        return memo[1]
    site = Site.find_for_request(request) if request is not None else None
    if site is None or page is None or not page.pk or getattr(request, "is_preview", False):
        urls = _translation_urls(page, request)
    else:
        urls = versions.per_site_version(
            f"translations:{page.pk}", site.pk, lambda: _translation_urls(page, request)
        )
    if request is not None:
        request._practice_translations = (getattr(page, "pk", None), urls)
    return urls


def language_links(page, request):
    """Every language of the site, as the switcher shows it on `page`."""
    site = Site.find_for_request(request) if request is not None else None
    urls = translation_urls(page, request) if page is not None else {}
    homes = {}
    if site is not None and len(urls) < len(settings.LANGUAGES):
        # Only a page missing a language links that language's home page.
        homes = versions.per_site_version(
            "language-homes", site.pk, lambda: _home_urls(site, request)
        )
    current = page_language(page)
    links = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            links.append(
                LanguageLink(
                    code=code,
                    name=LANGUAGE_NAMES.get(code, _name),
                    url=urls.get(code, ""),
                    home_url=homes.get(code, ""),
                    current=code == current,
                    not_translated=translation.gettext("This page is not translated yet."),
                    home_label=translation.gettext("Go to the home page in %(language)s")
                    % {"language": LANGUAGE_IN_SENTENCE.get(code, _name)},
                )
            )
    return links


def hreflang_alternates(page, request):
    """[(language code, full URL)] of the page's translations, with "x-default" for English.

    Empty when the page is in one language only: an alternate names another
    language's copy, and a lone page has none.
    """
    urls = translation_urls(page, request)
    if len(urls) < 2:
        return []
    root_url = ""
    parts = page.get_url_parts(request)
    if parts:
        root_url = parts[1] or ""
    alternates = [(code, _absolute(url, root_url)) for code, url in sorted(urls.items())]
    if settings.LANGUAGE_CODE in urls:
        alternates.append(("x-default", _absolute(urls[settings.LANGUAGE_CODE], root_url)))
    return alternates


def _absolute(url, root_url):
    return url if url.startswith(("http://", "https://")) else root_url.rstrip("/") + url


class TranslatedSitemap(Sitemap):
    """Wagtail's sitemap, with every language's pages and each page's `hreflang` alternates.

    Wagtail's lists the pages below the site's root page only, and the Spanish
    pages are below the Spanish home page, the root page's translation.
    """

    def items(self):
        site = self.get_wagtail_site()
        roots = Page.objects.filter(translation_key=site.root_page.translation_key)
        below_a_root = Q()
        for root in roots.only("path"):
            below_a_root |= Q(path__startswith=root.path)
        return (
            Page.objects.live()
            .public()
            .filter(below_a_root)
            .order_by("path")
            .defer_streamfields()
            .specific()
        )

    def _urls(self, page, protocol, domain):
        urls = []
        last_mods = set()
        items = list(self.paginator.page(page).object_list)
        translations = {}
        keys = {item.translation_key for item in items}
        for found in (
            Page.objects.live()
            .public()
            .filter(translation_key__in=keys)
            .only("id", "url_path", "path", "depth", "locale_id", "translation_key")
        ):
            translations.setdefault(found.translation_key, []).append(found)
        for item in items:
            alternates = []
            copies = translations.get(item.translation_key, [])
            if len(copies) > 1:
                for copy in sorted(copies, key=lambda found: locale_code(found.locale_id)):
                    code = locale_code(copy.locale_id)
                    with translation.override(code):
                        location = copy.get_full_url(self.request)
                    alternates.append({"lang_code": code, "location": location})
                    if code == settings.LANGUAGE_CODE:
                        alternates.append({"lang_code": "x-default", "location": location})
            for url_info in item.get_sitemap_urls(self.request):
                if alternates:
                    url_info = {**url_info, "alternates": alternates}
                urls.append(url_info)
                last_mods.add(url_info.get("lastmod"))
        if last_mods and None not in last_mods:
            self.latest_lastmod = max(last_mods)
        return urls


def in_language(pages, language=None, request=None):
    """Each of `pages` as a reader of `language` (the URL's if not given) should find it.

    {pk of each page given: its live translation in `language`, or the page
    itself when it has none, marked with its own language (`link_lang`, which
    the templates read to set `lang`)}, in the order given. Lists whose pages
    editors chose in English (settings, a translation's copy of the source's
    relations) use it, so a Spanish page links the Spanish pages and says which
    ones are still English. One query, none when every page is in `language`
    already; with `request`, translations the visitor may not see are left out
    (view restrictions as the menus read them, once per request).
    """
    chosen = [page for page in pages if page is not None]
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    other = {page.translation_key for page in chosen if locale_code(page.locale_id) != language}
    translated = {}
    if other:
        found = Page.objects.live().filter(
            translation_key__in=other, locale__language_code=language
        )
        if request is not None:
            found = public(found, request)
        translated = {page.translation_key: page for page in found}
    shown = {}
    for page in chosen:
        if locale_code(page.locale_id) == language:
            shown[page.pk] = page
        elif page.translation_key in translated:
            shown[page.pk] = translated[page.translation_key]
        else:
            page.link_lang = locale_code(page.locale_id)
            shown[page.pk] = page
    return shown
