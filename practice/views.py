"""Site-wide views: robots.txt and the error pages (the search is in `sitesearch`)."""

import logging

from django.http import HttpResponse, HttpResponseServerError
from django.template import loader
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from practice.models import PracticeSettings

logger = logging.getLogger(__name__)


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        "",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def server_error(request):
    """The 500 page in the site's layout, or a plain one if the layout itself fails."""
    try:
        return HttpResponseServerError(loader.render_to_string("500.html", request=request))
    except Exception:
        logger.exception("The 500 page could not be rendered in the site layout")
    try:
        phone = PracticeSettings.objects.values_list("phone", flat=True).first() or ""
    except Exception:  # the database may be what failed
        phone = ""
    return HttpResponseServerError(loader.render_to_string("500_plain.html", {"phone": phone}))
