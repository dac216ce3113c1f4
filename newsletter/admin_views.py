"""The issue's Sending screen in the admin: a test to oneself, the send, its progress and history.

Anyone who may edit the issue sees the screen and may send themselves a test
(the latest draft, at once, to their own account's address). Sending to the
subscribers needs the "Can send newsletter issues to all subscribers"
permission (Settings › Groups; the Editors group has it) and a published
issue without unpublished changes, so an issue marked for medical review is
sent only after a reviewer approved it. The issue is sent once, from any of
its language versions (its wagtail-localize translations): each reader gets
the version in their language, and the screen says which, per language.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.log_actions import log

from newsletter import issues
from newsletter.models import Delivery, IssueSendRecord, NewsletterIssuePage

SEND_PERMISSION = "newsletter.send_issue"


def sending_url(issue):
    return reverse("newsletter_issue_sending", args=(issue.pk,))


class IssueSendingView(WagtailAdminTemplateMixin, View):
    template_name = "newsletter/admin/sending.html"
    header_icon = "mail"

    def dispatch(self, request, page_id):
        self.issue = get_object_or_404(NewsletterIssuePage, pk=page_id)
        if not self.issue.permissions_for_user(request.user).can_edit():
            raise PermissionDenied
        return super().dispatch(request, page_id)

    def get_page_title(self):
        return f"Sending: {self.issue.title}"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse("wagtailadmin_pages:edit", args=(self.issue.pk,)),
                "label": self.issue.title,
            },
            {"url": "", "label": "Sending"},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            issue=self.issue,
            progress=issues.progress(self.issue),
            to_send=issues.recipients_to_queue(self.issue).count(),
            readers_by_language=issues.readers_by_language(self.issue),
            may_send=user.has_perm(SEND_PERMISSION),
            not_ready=issues.missing_for_sending(self.issue),
            user_email=user.email,
            failed=issues.deliveries_of(self.issue)
            .filter(state=Delivery.FAILED)
            .select_related("subscriber")
            .order_by("pk")[:200],
            history=IssueSendRecord.objects.filter(issue=self.issue).select_related("by")[:50],
            edit_url=reverse("wagtailadmin_pages:edit", args=(self.issue.pk,)),
        )
        return context

    def get(self, request, page_id):
        return self.render_to_response(self.get_context_data())

    def post(self, request, page_id):
        action = request.POST.get("action")
        if action == "test":
            self.send_test(request)
        elif action == "send":
            self.send_to_subscribers(request)
        return redirect(sending_url(self.issue))

    def send_test(self, request):
        if not request.user.email:
            messages.error(request, "Your account has no email address: add one in your account.")
            return
        try:
            issues.send_test(self.issue, request.user)
        except Exception as error:  # noqa: BLE001 - told to the editor, logged by type
            messages.error(
                request,
                f"The test could not be sent ({issues.error_summary(error)}). "
                "Check the email settings, or try again.",
            )
            return
        log(self.issue, "newsletter.send_test", user=request.user)
        messages.success(request, f"A test of the latest draft was sent to {request.user.email}.")

    def send_to_subscribers(self, request):
        if not request.user.has_perm(SEND_PERMISSION):
            raise PermissionDenied
        not_ready = issues.missing_for_sending(self.issue)
        if not_ready:
            messages.error(request, not_ready)
            return
        count = issues.queue_issue(self.issue, request.user)
        log(self.issue, "newsletter.send", user=request.user, data={"recipients": count})
        if count:
            messages.success(
                request,
                f"The issue is queued for {count} confirmed subscriber{'' if count == 1 else 's'}.",
            )
        else:
            messages.warning(request, "Every confirmed subscriber already has this issue.")
