import os
import re

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.views import defaults
from django.views.static import serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import index as sitemap_index
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from config import health
from practice import views
from practice.languages import TranslatedSitemap

handler500 = "practice.views.server_error"

# /sitemap.xml is an index of sections of at most 50,000 URLs each
# (/sitemap-pages.xml?p=2 ...), so it stays valid however large the site grows.
# Every language's pages, each with its hreflang alternates (practice.languages).
SITEMAPS = {"pages": TranslatedSitemap}

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemap_index, {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap"}),
    path("sitemap-<str:section>.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("healthz", health.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    # Browsers and crawlers ask for /favicon.ico whatever the page links to.
    path("favicon.ico", lambda request: redirect(static("favicon.svg"), permanent=True)),
]

# Uploaded images: served by Django in development, and by a production-like
# loopback server (`make check-site`) with DJANGO_SERVE_MEDIA=1. A real
# deployment serves media from S3 or the web server instead.
if (
    settings.DEBUG or os.environ.get("DJANGO_SERVE_MEDIA") == "1"
) and settings.MEDIA_URL.startswith("/"):
    urlpatterns += [
        re_path(
            rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]

# The branded error pages, previewable with debug on (debug shows Django's own instead).
if settings.DEBUG:
    urlpatterns += [
        path("_errors/404/", lambda request: defaults.page_not_found(request, None)),
        path("_errors/500/", views.server_error),
    ]

# Pages in English at their unprefixed URLs, and in Spanish under /es/
# (practice.middleware.URLLanguageMiddleware: the URL alone sets the language).
# The search too: /es/search/ searches the Spanish pages in Spanish (sitesearch.engine),
# and the newsletter's pages: /newsletter/ in English, /es/newsletter/ in Spanish.
urlpatterns += i18n_patterns(
    path("search/", include("sitesearch.urls")),
    path("newsletter/", include("newsletter.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
