"""The newsletter subscribers in the admin: list, search and export."""

from wagtail import hooks
from wagtail.admin.views.generic.models import IndexView
from wagtail.admin.viewsets.model import ModelViewSet

from newsletter.models import NewsletterSubscriber
from practice.spreadsheets import csv_safe


class SubscriberIndexView(IndexView):
    custom_field_preprocess = {"email": {"csv": csv_safe}}


class NewsletterSubscriberViewSet(ModelViewSet):
    """Staff with the model's permissions list, search and export (CSV, XLSX) subscribers."""

    model = NewsletterSubscriber
    icon = "mail"
    menu_label = "Newsletter"
    add_to_admin_menu = True
    menu_order = 300
    index_view_class = SubscriberIndexView
    list_display = ["email", "consented_at", "created_at"]
    list_export = ["email", "consented_at", "created_at"]
    export_filename = "newsletter-subscribers"
    search_fields = ["email"]
    inspect_view_enabled = True
    form_fields = ["email", "consented_at"]


@hooks.register("register_admin_viewset")
def register_newsletter_viewset():
    return NewsletterSubscriberViewSet("newsletter_subscribers")
