from django import template
from wagtail.models import Site

from practice import navigation

register = template.Library()


@register.inclusion_tag("components/main_menu.html", takes_context=True)
def main_menu(context):
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    menu = navigation.build_main_menu(site, request, context.get("page")) if site else []
    return {"menu": menu}


@register.inclusion_tag("components/breadcrumb.html", takes_context=True)
def breadcrumb(context):
    request = context.get("request")
    page = context.get("page")
    site = Site.find_for_request(request) if request else None
    return {"crumbs": navigation.breadcrumbs(page, site, request)}
