from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "practice"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wagtail import hooks

        from practice import cache_purge, page_cache
        from practice.task_results import TaskResultViewSet

        cache_purge.connect()
        hooks.register("register_admin_viewset", lambda: TaskResultViewSet("background_tasks"))
        # Wagtail pages may be shared from the cache; other views are not.
        hooks.register(
            "before_serve_page",
            lambda page, request, args, kwargs: page_cache.mark_cacheable(request),
        )
