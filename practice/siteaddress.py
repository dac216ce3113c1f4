"""The default Site's hostname and port from settings.SITE_URL, so canonical links, og:url,
the sitemap and the printed sheet never say http://localhost/."""

from urllib.parse import urlsplit

from django.conf import settings

WAGTAIL_DEFAULT = ("localhost", 80)


def give_the_site_its_address(**kwargs):
    from wagtail.models import Site

    if not settings.SITE_URL:
        return
    address = urlsplit(settings.SITE_URL)
    if not address.hostname:
        return
    port = address.port or (443 if address.scheme == "https" else 80)
    for site in Site.objects.filter(hostname=WAGTAIL_DEFAULT[0], port=WAGTAIL_DEFAULT[1]):
        site.hostname, site.port = address.hostname, port
        site.save(update_fields=["hostname", "port"])
