"""The newsletter subscribers in the admin: list, filter, search and export."""

import django_filters
from django import forms
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.admin.views.generic.models import IndexView
from wagtail.admin.viewsets.model import ModelViewSet

from newsletter.models import NewsletterSubscriber
from practice.spreadsheets import csv_safe


class SubscriberFilterSet(WagtailFilterSet):
    confirmed = django_filters.ChoiceFilter(
        label="Confirmed",
        choices=[("yes", "Confirmed"), ("no", "Pending (not confirmed yet)")],
        empty_label="All",
        method="filter_confirmed",
        widget=forms.RadioSelect,
    )

    class Meta:
        model = NewsletterSubscriber
        fields = []

    def filter_confirmed(self, queryset, name, value):
        return queryset.filter(confirmed_at__isnull=(value != "yes"))


class SubscriberIndexView(IndexView):
    custom_field_preprocess = {"email": {"csv": csv_safe}}


class NewsletterSubscriberViewSet(ModelViewSet):
    """Staff with the model's permissions list, search and export (CSV, XLSX) subscribers.

    Only confirmed subscribers may be sent a newsletter: filter by "Confirmed"
    before exporting a mailing list. Pending sign-ups are deleted by
    `purge_newsletter_pending`; a subscriber added by hand (consent given on
    paper) needs a confirmed time, or is purged like any pending sign-up.
    """

    model = NewsletterSubscriber
    icon = "mail"
    menu_label = "Newsletter"
    add_to_admin_menu = True
    menu_order = 300
    index_view_class = SubscriberIndexView
    filterset_class = SubscriberFilterSet
    list_display = [
        "email",
        BooleanColumn("is_confirmed", label="Confirmed"),
        "confirmed_at",
        "consented_at",
        "created_at",
    ]
    list_export = ["email", "is_confirmed", "confirmed_at", "consented_at", "created_at"]
    export_headings = {"is_confirmed": "Confirmed"}
    export_filename = "newsletter-subscribers"
    search_fields = ["email"]
    inspect_view_enabled = True
    form_fields = ["email", "consented_at", "confirmed_at"]


@hooks.register("register_admin_viewset")
def register_newsletter_viewset():
    return NewsletterSubscriberViewSet("newsletter_subscribers")
