"""A page type that says nothing to the page cache is an error, not a stale page."""

from django.core import checks
from wagtail.models import get_page_models

from pagecache.pages import CachedPageMixin, UncachedPageMixin


@checks.register()
def every_page_type_declares_its_cache_contract(app_configs, **kwargs):
    errors = []
    for model in get_page_models():
        if model._meta.app_label == "wagtailcore" or model._meta.abstract:
            continue
        if not issubclass(model, CachedPageMixin | UncachedPageMixin):
            errors.append(
                checks.Error(
                    f"{model._meta.label} does not say whether the page cache may serve it.",
                    hint="Add pagecache.pages.CachedPageMixin (and declare what it lists: "
                    "pages_showing_summary, kept_with_page) or UncachedPageMixin.",
                    obj=model,
                    id="pagecache.E001",
                )
            )
    return errors
