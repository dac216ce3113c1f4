"""The newsletter in the admin: subscribers (list, filter, search, export) and each issue's Sending screen."""

import django_filters
from django import forms
from django.conf import settings
from django.contrib.auth.models import Permission
from django.urls import path
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.admin.views.generic.models import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import Button

from newsletter.admin_views import IssueSendingView, sending_url
from newsletter.models import NewsletterIssuePage, NewsletterSubscriber
from practice.spreadsheets import csv_safe


class SubscriberFilterSet(WagtailFilterSet):
    confirmed = django_filters.ChoiceFilter(
        label="Confirmed",
        choices=[("yes", "Confirmed"), ("no", "Pending (not confirmed yet)")],
        empty_label="All",
        method="filter_confirmed",
        widget=forms.RadioSelect,
    )

    language = django_filters.ChoiceFilter(
        label="Language",
        choices=settings.LANGUAGES,
        empty_label="All",
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
        "language",
        "confirmed_at",
        "consented_at",
        "created_at",
    ]
    list_export = [
        "email",
        "is_confirmed",
        "language",
        "confirmed_at",
        "consented_at",
        "created_at",
    ]
    export_headings = {"is_confirmed": "Confirmed"}
    export_filename = "newsletter-subscribers"
    search_fields = ["email"]
    inspect_view_enabled = True
    form_fields = ["email", "language", "consented_at", "confirmed_at"]


@hooks.register("register_admin_viewset")
def register_newsletter_viewset():
    return NewsletterSubscriberViewSet("newsletter_subscribers")


@hooks.register("register_admin_urls")
def register_issue_sending_urls():
    return [
        path(
            "newsletter/issues/<int:page_id>/sending/",
            IssueSendingView.as_view(),
            name="newsletter_issue_sending",
        )
    ]


def sending_button(page, user, priority):
    if page.specific_class is NewsletterIssuePage and page.permissions_for_user(user).can_edit():
        yield Button("Sending", sending_url(page), icon_name="mail", priority=priority)


@hooks.register("register_page_header_buttons")
def issue_header_buttons(page, user, view_name, next_url=None):
    yield from sending_button(page, user, priority=12)


@hooks.register("register_page_listing_more_buttons")
def issue_listing_buttons(page, user, next_url=None):
    yield from sending_button(page, user, priority=3)


@hooks.register("register_permissions")
def register_send_permission():
    """ "Can send newsletter issues to all subscribers", in Settings › Groups."""
    return Permission.objects.filter(content_type__app_label="newsletter", codename="send_issue")


@hooks.register("register_log_actions")
def register_newsletter_log_actions(actions):
    actions.register_action("newsletter.send_test", "Send a test", "Sent a test of the issue")
    actions.register_action(
        "newsletter.send", "Send to subscribers", "Queued the issue for its subscribers"
    )
