"""The newsletter: its subscribers (double opt-in), its issues (pages), and their deliveries."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.http import HttpResponse
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page, PagePermissionTester, Workflow
from wagtail.search import index

from pagecache.pages import CachedPageMixin
from practice.models import IndexPage, SEOMixin


class SubscriberQuerySet(models.QuerySet):
    def confirmed(self):
        """The only addresses a newsletter may go to."""
        return self.filter(confirmed_at__isnull=False)

    def pending(self):
        return self.filter(confirmed_at__isnull=True)


class NewsletterSubscriber(models.Model):
    """Someone who asked for the newsletter, when they agreed, and when they confirmed.

    A row is pending (no `confirmed_at`) until the address's owner follows the
    link emailed to it; only confirmed subscribers are sent newsletters, and
    pending rows are deleted after NEWSLETTER_PENDING_DAYS by
    `purge_newsletter_pending`. Unsubscribing deletes the row: nothing is kept
    about a former reader. `language` is the sign-up page's: a pending row
    takes the language of its latest sign-up (the one the link confirms); a
    confirmed subscriber's stays as it was (anyone can type an address in the
    form), so to change it they unsubscribe and sign up on the other language's
    page.
    """

    email = models.EmailField(unique=True)
    consented_at = models.DateTimeField(
        help_text=(
            "When the subscriber ticked the consent box on the sign-up form "
            "(the latest time, while the address is still unconfirmed)."
        )
    )
    confirmed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the subscriber confirmed the address by the emailed link.",
    )
    language = models.CharField(
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=(
            "The language of the page the subscriber signed up on: their emails, and the "
            "links in them, are in it (an issue's translation in it where there is one)."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "newsletter subscriber"

    def __str__(self):
        return self.email

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None


# --- Newsletter issues: the archive, the issue pages, and who each was sent to ---

ISSUE_FEATURES = ["h2", "h3", "bold", "italic", "link", "ul", "ol", "image", "hr"]
# The workflow the `reviews` app attaches to clinical sections (reviews.governance).
MEDICAL_REVIEW_WORKFLOW = "Medical review"


class NewsletterIndexPage(IndexPage):  # noqa: DJ008 (Page's __str__ is the title)
    """The archive: every published issue, newest first, as public pages.

    Publishing an issue purges this page (an issue's parent is always purged
    with it: pagecache.purge), so a new issue shows in the list at once.
    """

    parent_page_types = ["practice.HomePage"]
    subpage_types = ["newsletter.NewsletterIssuePage"]
    listing_model = "newsletter.NewsletterIssuePage"
    template = "newsletter/newsletter_index_page.html"

    class Meta:
        verbose_name = "newsletter archive"

    def listing_queryset(self, pages):
        return pages.order_by("-first_published_at", "-pk")


class ReviewedIssuePermissionTester(PagePermissionTester):
    """An issue marked for medical review is published by its reviewers' approval only.

    Editors keep every other right (edit, save drafts, submit); only members
    of the review tasks' groups (and superusers) keep "publish", as on
    clinical pages.
    """

    def __init__(self, user, page, reviewer_group_ids):
        super().__init__(user, page)
        if (
            self.user.is_active
            and not self.user.is_superuser
            and not self.user.groups.filter(pk__in=reviewer_group_ids).exists()
        ):
            self.permissions.discard("publish")


class NewsletterIssuePage(CachedPageMixin, SEOMixin, Page):  # noqa: DJ008 (Page's __str__ is the title)
    """One newsletter issue: written and previewed here, emailed to confirmed subscribers.

    The title is the email's subject. "Preview › As email" shows the email as
    a subscriber gets it; the page's "Sending" screen (in the page's header
    menu) sends a test to the editor and, once the issue is published, sends
    it to every confirmed subscriber (newsletter.sending). An issue with
    clinical advice can be marked for medical review: it then goes through the
    "Medical review" workflow before it can be published, and so before it can
    be sent.
    """

    summary = models.TextField(
        max_length=300,
        help_text="One or two sentences: shown under the subject in mail programs, "
        "at the top of the email and on the archive.",
    )
    body = RichTextField(features=ISSUE_FEATURES)
    medical_review = models.BooleanField(
        "Needs medical review",
        default=False,
        help_text="Tick when the issue gives clinical or health advice, then save the draft: "
        "it is submitted to the Medical review workflow, and a medical reviewer's approval "
        "publishes it. Only then can it be sent.",
    )
    noindex = models.BooleanField(
        "Hide from search engines",
        default=False,
        help_text="The issue stays in the archive; search engines are asked not to list it.",
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("body"),
        MultiFieldPanel([FieldPanel("medical_review")], heading="Medical review"),
    ]
    promote_panels = SEOMixin.promote_panels + [FieldPanel("noindex")]

    parent_page_types = ["newsletter.NewsletterIndexPage"]
    subpage_types = []

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
    ]

    template = "newsletter/newsletter_issue_page.html"
    card_template = "newsletter/issue_card.html"
    preview_modes = [("", "Web page"), ("email", "As email")]

    class Meta:
        verbose_name = "newsletter issue"

    # The medical review, decided per issue.
    def medical_review_workflow(self):
        return Workflow.objects.filter(name=MEDICAL_REVIEW_WORKFLOW, active=True).first()

    def get_workflow(self):
        if self.medical_review:
            workflow = self.medical_review_workflow()
            if workflow is not None:
                return workflow
        return super().get_workflow()

    @property
    def has_workflow(self):
        return self.get_workflow() is not None

    def permissions_for_user(self, user):
        workflow = self.medical_review_workflow() if self.medical_review else None
        if workflow is None:
            return super().permissions_for_user(user)
        group_ids = [
            group.pk
            for task in workflow.tasks.all()
            for group in getattr(task.specific, "groups", Group.objects.none()).all()
        ]
        return ReviewedIssuePermissionTester(user, self, group_ids)

    def serve_preview(self, request, mode_name):
        if mode_name == "email":
            from newsletter import issues

            email = issues.render_issue(self, issues.preview_recipient(issues.issue_language(self)))
            return HttpResponse(email.html)
        return super().serve_preview(request, mode_name)


@register_setting(icon="mail")
class NewsletterSettings(BaseSiteSetting):
    """What every issue's email says about who sends it (CAN-SPAM) and why the reader gets it."""

    from_name = models.CharField(
        max_length=120,
        blank=True,
        help_text="The sender's name in mail programs. Empty: the practice's name.",
    )
    postal_address = models.TextField(
        help_text="The practice's postal address, printed at the foot of every issue "
        "(the US CAN-SPAM Act requires one). Issues cannot be sent without it.",
        blank=True,
    )

    panels = [FieldPanel("from_name"), FieldPanel("postal_address")]

    class Meta:
        verbose_name = "newsletter"


class Delivery(models.Model):
    """One issue to one subscriber: queued, then sent or failed, never twice.

    A row per issue and subscriber (unique), made when the issue is sent. The
    sender claims a queued row (state "sending") before handing the message to
    the mail server and marks it sent after, so a worker that dies mid-send is
    resumed from the rows still queued (and the one it was sending). When a
    subscriber unsubscribes, their rows stay (without the address) so the
    issue's counts do not change.
    """

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"
    STATES = [
        (QUEUED, "Queued"),
        (SENDING, "Sending"),
        (SENT, "Sent"),
        (FAILED, "Failed"),
        (SKIPPED, "Unsubscribed before sending"),
    ]

    issue = models.ForeignKey(
        NewsletterIssuePage, on_delete=models.CASCADE, related_name="deliveries"
    )
    subscriber = models.ForeignKey(
        NewsletterSubscriber, null=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    state = models.CharField(max_length=10, choices=STATES, default=QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)
    queued_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issue", "subscriber"], name="one_delivery_per_reader")
        ]
        indexes = [models.Index(fields=["issue", "state", "next_attempt_at"])]
        permissions = [("send_issue", "Can send newsletter issues to all subscribers")]
        verbose_name = "newsletter delivery"
        verbose_name_plural = "newsletter deliveries"

    def __str__(self):
        return f"{self.issue_id}/{self.subscriber_id}: {self.state}"


class IssueSendRecord(models.Model):
    """The issue's sending history: each test sent and each send to subscribers, by whom."""

    TEST = "test"
    SUBSCRIBERS = "subscribers"

    issue = models.ForeignKey(
        NewsletterIssuePage, on_delete=models.CASCADE, related_name="send_records"
    )
    kind = models.CharField(
        max_length=12, choices=[(TEST, "Test to self"), (SUBSCRIBERS, "To subscribers")]
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    recipients = models.PositiveIntegerField(
        help_text="Deliveries queued (to subscribers), or 1 (a test)."
    )

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.issue_id} at {self.at}"
