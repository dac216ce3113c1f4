from django.apps import AppConfig


class LocationsConfig(AppConfig):
    name = "locations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from locations.models import InsurancePlan, reindex_pages_listing_plans

        def plan_changed(sender, raw=False, action="post_", **kwargs):
            if not raw and action.startswith("post_"):
                reindex_pages_listing_plans()

        post_save.connect(plan_changed, sender=InsurancePlan, weak=False)
        post_delete.connect(plan_changed, sender=InsurancePlan, weak=False)
        m2m_changed.connect(plan_changed, sender=InsurancePlan.locations.through, weak=False)
