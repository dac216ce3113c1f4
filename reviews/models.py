"""Clinical governance: the medical review task, the practice's review settings,
and the reminders sent before a page falls due.

The review stamps themselves live on each clinical page
(`reviews.clinical.ClinicalReviewMixin`); this app sets them when a medical reviewer
approves a page (see `stamps.py` and `signals.py`).
"""

from dateutil.relativedelta import relativedelta
from django import forms
from django.apps import apps
from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.forms import TaskStateCommentForm
from wagtail.models import AbstractGroupApprovalTask

NOT_LINKED_MESSAGE = (
    "Your account is not linked to a team member page, so your approval could not "
    "stamp “Reviewed by”. Ask an administrator to open your page under About › "
    "Meet the team, choose your account in “Admin account”, and publish it; then "
    "approve again."
)


class ChangesRequestedForm(TaskStateCommentForm):
    """ "Request changes" says which: the editor is sent the comment."""

    comment = forms.CharField(
        label="What needs to change",
        widget=forms.Textarea({"rows": 3}),
        error_messages={"required": "Say what needs to change: the editor is sent this."},
    )


def linked_team_member(user):
    """The team member page an admin account is linked to, or None."""
    if user is None or not user.is_authenticated:
        return None
    # By name: team is a layer above reviews (its pages carry the byline).
    return apps.get_model("team", "TeamMemberPage").objects.filter(user=user).first()


class MedicalReviewTask(AbstractGroupApprovalTask):
    """Approval by a medical reviewer, whose account must be linked to their team member page.

    Approving publishes the page and stamps the reviewer, the review date and
    the next review due. A reviewer whose account is linked to no team member
    page is offered "Request changes" only, and told how to link it.
    "Request changes" needs a comment saying what to change.
    """

    def get_actions(self, obj, user):
        from reviews.translations import unapproved_machine_segments

        actions = super().get_actions(obj, user)
        if actions and (
            linked_team_member(user) is None or unapproved_machine_segments(obj).exists()
        ):
            # Unlinked: told how to link (wagtail_hooks). Machine-translated: approved
            # as a translation first (reviews.translations).
            return [action for action in actions if action[0] != "approve"]
        return actions

    def get_form_for_action(self, action):
        if action == "reject":
            return ChangesRequestedForm
        return super().get_form_for_action(action)

    @classmethod
    def get_description(cls):
        return (
            "Members of the chosen groups check the page for medical accuracy; "
            "approving publishes it and stamps the reviewer and review dates."
        )

    class Meta:
        verbose_name = "medical review task"
        verbose_name_plural = "medical review tasks"
        # Held by "Translators" and "Medical reviewers" (reviews.translations).
        permissions = [
            ("approve_machine_translation", "Can approve a machine translation for publishing")
        ]


@register_setting(icon="doc-full")
class ClinicalReviewSettings(BaseSiteSetting):
    """How often clinical pages are reviewed, and the reading level they aim for."""

    review_interval_months = models.PositiveSmallIntegerField(
        "review every (months)",
        default=12,
        help_text="After a review, the next one falls due this many months later. A page "
        "may set a shorter interval.",
    )
    due_soon_days = models.PositiveSmallIntegerField(
        "due soon within (days)",
        default=30,
        help_text="Pages due within this many days are listed as due soon and reminded.",
    )
    reading_grade_target = models.DecimalField(
        "target reading grade (English)",
        max_digits=3,
        decimal_places=1,
        default=8,
        help_text="English pages: the Flesch–Kincaid grade patients' text should not exceed "
        "(8 is about age 13-14). Sections above it are named in the editor.",
    )
    # Its own scale, not a grade: Spanish pages are scored by Szigriszt-Pazos (reviews.readability).
    spanish_reading_target = models.DecimalField(
        "target reading score (Spanish)",
        max_digits=4,
        decimal_places=1,
        default=55,
        help_text="Spanish pages: the Szigriszt-Pazos score (INFLESZ scale, 0 to 100, higher "
        "is easier) patients' text should reach. 55 to 65 is “normal” (secondary-school "
        "reading, about grade 8 in English); 65 or more is “bastante fácil”. Sections below "
        "it are named in the editor.",
    )

    panels = [
        FieldPanel("review_interval_months"),
        FieldPanel("due_soon_days"),
        FieldPanel("reading_grade_target"),
        FieldPanel("spanish_reading_target"),
    ]

    class Meta:
        verbose_name = "clinical review"

    def next_review_due(self, reviewed_on, page_interval_months=None):
        """The date a page reviewed on `reviewed_on` falls due (the shorter interval wins)."""
        months = self.review_interval_months
        if page_interval_months:
            months = min(months, page_interval_months)
        return reviewed_on + relativedelta(months=months)


class ReviewReminder(models.Model):
    """A reminder sent to a reviewer about one page and one due date: sent once, never twice."""

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField()
    reviewer = models.ForeignKey(
        "team.TeamMemberPage", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["page", "due_on"], name="one_reminder_per_due_date")
        ]

    def __str__(self):
        return f"Reminder for page {self.page_id} due {self.due_on}"
