from django.apps import AppConfig


class PageCacheConfig(AppConfig):
    """The page cache: anonymous page views and parts of pages kept in the shared cache,
    forgotten by the page tree's purge rules (`pagecache.purge`)."""

    name = "pagecache"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wagtail import hooks

        from pagecache import middleware, purge

        purge.connect()
        # Wagtail pages may be shared from the cache; other views are not.
        hooks.register(
            "before_serve_page",
            lambda page, request, args, kwargs: middleware.mark_cacheable(request),
        )
