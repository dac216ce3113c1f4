from django import template
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from wagtail.models import Page, Site

from pagecache import versions
from practice import dates, language_access, languages, navigation, notices
from practice import structured_data as schema
from practice.phone import tel_uri

register = template.Library()

# The Open Graph picture: 1200x630 is what link previews expect.
SOCIAL_IMAGE_SPEC = "fill-1200x630"
DEFAULT_SOCIAL_IMAGE = "img/social-default.png"


def _crumbs(context):
    """The page's breadcrumb trail, computed once per request for the trail and the JSON-LD."""
    request = context.get("request")
    page = context.get("page")
    cache = getattr(request, "_practice_crumbs", None) if request else None
    if cache is not None and cache[0] == getattr(page, "pk", None):
        return cache[1]
    site = Site.find_for_request(request) if request else None
    if site is not None and page is not None and page.pk == site.root_page_id:
        crumbs = [
            {"title": gettext("Home"), "url": page.get_url(request)}
        ]  # the home page: no query
    elif (
        site is not None
        and page is not None
        and page.pk
        and not getattr(request, "is_preview", False)
    ):
        # Ancestors' titles: kept with the menus until the site changes.
        crumbs = versions.per_site_version(
            f"breadcrumbs:{page.pk}", site.pk, lambda: navigation.breadcrumbs(page, site, request)
        )
    else:
        crumbs = navigation.breadcrumbs(page, site, request)
    if request is not None:
        request._practice_crumbs = (getattr(page, "pk", None), crumbs)
    return crumbs


@register.simple_tag(takes_context=True)
def page_description(context):
    """What a page says of itself to search engines and link previews: its meta description,
    search description or summary, else the footer's blurb (in the page's language).

    Read with getattr: a page type without one of them (a section index has no
    summary) would otherwise make the template's lookup list every name of the page.
    """
    page = context.get("page")
    for name in ("meta_description", "search_description", "summary"):
        value = getattr(page, name, "") if page is not None else ""
        if value:
            return value
    try:
        return context["settings"]["practice"]["PracticeSettings"].footer_blurb_shown["text"]
    except (KeyError, TypeError, AttributeError):
        return ""


@register.filter
def link_lang(page):
    """The language a listed page is in when it is not the listing page's ("" if the same).

    Set on the few pages listed in another language (`in_language`); read
    here, not as `{{ item.link_lang }}`: where the attribute is missing, Django's
    template lookup lists every name a Wagtail page has (`dir()`) to tell a missing
    attribute from a broken property, a sixth of a procedure page's render.
    """
    return getattr(page, "link_lang", "")


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """The page's full address, or "" outside a routable page (with the request, Wagtail
    reads the sites' root paths once per request instead of from the cache each time)."""
    page = context.get("page")
    if not isinstance(page, Page):
        return ""
    return page.get_full_url(request=context.get("request")) or ""


@register.simple_tag(takes_context=True)
def main_menu(context):
    """The main menu's HTML, rendered once per change of the site for each place in the menu.

    Which items are marked current depends only on where the page sits in the
    menu's two levels, so pages below the same item share one rendering.
    """
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    page = context.get("page")

    def render():
        menu = navigation.build_main_menu(site, request, page) if site else []
        return render_to_string("components/main_menu.html", {"menu": menu})

    if site is None:
        return render()
    place = navigation.menu_place(site, page)
    return mark_safe(versions.per_site_version(f"menu-html:{place}", site.pk, render))


@register.simple_tag(takes_context=True)
def site_footer(context):
    """The footer's HTML: the same on every page, so rendered once per change of the site.

    Except after a sign-up that failed: the footer then shows the newsletter
    form's errors and what was typed.
    """
    template = context.template.engine.get_template("components/footer.html")
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    if site is None or context.get("newsletter_form") is not None:
        return template.render(context)
    year = timezone.localdate().year  # the copyright line's {% now "Y" %}
    return mark_safe(
        versions.per_site_version(f"footer-html:{year}", site.pk, lambda: template.render(context))
    )


@register.simple_tag(takes_context=True)
def footer_links(context, practice):
    """The footer's link columns: {"conditions": [(title, url, lang), ...], "services": [...]}."""
    columns = {"conditions": [], "services": []}
    if practice is not None and practice.pk:
        for column, title, url, lang in practice.footer_links_for(context.get("request")):
            columns.setdefault(column, []).append((title, url, lang))
    return columns


@register.simple_tag(takes_context=True)
def section_url(context, model_label):
    """The URL of the site's section page of a type, e.g. "appointments.AppointmentRequestPage"."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    return navigation.section_url(site, model_label, request) if site else ""


@register.filter(expects_localtime=True)
def local_date(value, style="long"):
    """A date in the page's language (practice.dates): "long", "short", "day" or "month"."""
    return dates.local_date(value, style)


@register.filter(expects_localtime=True)
def clock_time(value):
    """A time of day as the page's language writes it: "9:00 AM", "9:00 a. m."."""
    return dates.clock_time(value)


@register.filter
def tel_href(number):
    """A phone number as written on the site, as a tel: link ("" if it is none)."""
    return tel_uri(number)


@register.inclusion_tag("components/breadcrumb.html", takes_context=True)
def breadcrumb(context):
    return {"crumbs": _crumbs(context)}


@register.simple_tag(takes_context=True)
def structured_data(context):
    """The page's JSON-LD graph, for its one <script type="application/ld+json">."""
    page = context.get("page")
    if page is None or not hasattr(page, "get_url_parts"):
        return ""
    return schema.script(schema.page_graph(page, context.get("request"), _crumbs(context)))


@register.simple_tag(takes_context=True)
def social_image_url(context, page):
    """Absolute URL of the picture link previews show for `page`."""
    request = context.get("request")
    image = page.get_social_image() if hasattr(page, "get_social_image") else None
    url = image.get_rendition(SOCIAL_IMAGE_SPEC).url if image else static(DEFAULT_SOCIAL_IMAGE)
    if url.startswith(("http://", "https://")):
        return url
    parts = page.get_url_parts(request) if hasattr(page, "get_url_parts") else None
    if parts:
        return parts[1].rstrip("/") + url
    return request.build_absolute_uri(url) if request else url


@register.inclusion_tag("components/site_notices.html", takes_context=True)
def site_notices(context):
    """The notices and closures on now, at the top of the page (a clinic's closures on its page)."""
    page = context.get("page")
    return {
        "notices": notices.banners_for(
            context.get("request"),
            getattr(page, "pk", None),
            getattr(page, "translation_key", None),
        )
    }


@register.inclusion_tag("components/language_switcher.html", takes_context=True)
def language_switcher(context):
    """The other languages of the site: this page in each, or that language's home page."""
    page = context.get("page")
    page = page if hasattr(page, "translation_key") else None
    links = languages.language_links(page, context.get("request"))
    return {"languages": [link for link in links if not link.current]}


@register.simple_tag(takes_context=True)
def hreflang_alternates(context):
    """[(language, full URL)] of this page's translations, for <link rel="alternate">."""
    page = context.get("page")
    if not hasattr(page, "translation_key"):
        return []
    return languages.hreflang_alternates(page, context.get("request"))


@register.simple_tag(takes_context=True)
def page_language(context):
    """The language the page is written in, for <html lang>."""
    return languages.page_language(context.get("page"))


@register.simple_tag(takes_context=True)
def notice_links(context, practice):
    """The footer's policies and notices as [(label, url)], each in the page's language.

    The settings choose the English pages; a Spanish page's footer links their
    Spanish translations where they exist. The nondiscrimination notice brings
    the "Language assistance" link, to its taglines.
    """
    request = context.get("request")
    nondiscrimination = practice.nondiscrimination_page
    chosen = [
        (practice.accessibility_page, None),
        (practice.privacy_page, None),
        (practice.privacy_practices_page, gettext("Notice of Privacy Practices")),
        (practice.good_faith_estimate_page, gettext("Good Faith Estimate")),
        (nondiscrimination, gettext("Nondiscrimination notice")),
    ]
    shown = languages.in_language(page for page, _ in chosen)
    links = []
    for page, label in chosen:
        if page is None or not shown[page.pk].live:
            continue
        url = shown[page.pk].get_url(request)
        links.append((label or shown[page.pk].title, url))
        if page is nondiscrimination:
            links.append((gettext("Language assistance"), f"{url}#language-assistance"))
    return links


@register.inclusion_tag("components/language_assistance.html", takes_context=True)
def language_assistance(context):
    """The free language assistance taglines, each in its own language and direction."""
    from practice.models import PracticeSettings

    request = context.get("request")
    practice = PracticeSettings.for_request(request) if request is not None else None
    return {
        "taglines": language_access.taglines_for(request),
        "phone": getattr(practice, "phone", ""),
        "phone_href": getattr(practice, "phone_href", ""),
    }
