from django.apps import AppConfig


class PageCacheConfig(AppConfig):
    """The page cache: anonymous page views and parts of pages kept in the shared cache,
    forgotten by the page tree's purge rules (`pagecache.purge`)."""

    name = "pagecache"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wagtail import hooks

        from pagecache import checks, middleware, purge  # noqa: F401 (checks registers)
        from pagecache.pages import CachedPageMixin

        purge.connect()

        # Pages whose type declares it may be shared from the cache; other views are not.
        def mark_cacheable(page, request, args, kwargs):
            if isinstance(page, CachedPageMixin):
                middleware.mark_cacheable(request)

        hooks.register("before_serve_page", mark_cacheable)
