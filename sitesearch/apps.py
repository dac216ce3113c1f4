from django.apps import AppConfig


class SiteSearchConfig(AppConfig):
    name = "sitesearch"
    verbose_name = "Site search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_migrate, post_save
        from wagtail.contrib.search_promotions.models import SearchPromotion

        from sitesearch import index
        from sitesearch.models import Synonym

        post_migrate.connect(index.build_if_empty, sender=self)
        # Suggestions are cached under the index's version: a synonym changes them too.
        post_save.connect(index.synonyms_changed, sender=Synonym)
        post_delete.connect(index.synonyms_changed, sender=Synonym)
        # Promoted results too (a query deleted deletes its promotions, one signal each).
        post_save.connect(index.promotions_changed, sender=SearchPromotion)
        post_delete.connect(index.promotions_changed, sender=SearchPromotion)
