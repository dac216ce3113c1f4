"""Clinical pages: what makes a page one, who may publish it, and its editor's panels.

A clinical page type (procedures, conditions, any later one) subclasses
`ClinicalReviewMixin`; its section's index subclasses `ClinicalSectionMixin`.
`reviews.governance.clinical_page_models()` finds every clinical page type
through the mixin, so declaring it is all a new page type needs: the medical
review workflow, the due report, the reminders, the readability panel, search
("clinical" results) and the structured data (MedicalWebPage) follow.

The classes are abstract: their fields live on each clinical page's own table,
in that app's migrations, and moving them here (from `practice.models`) needed
no migration.
"""

from django import forms
from django.apps import apps
from django.db import models
from django.utils.functional import cached_property
from wagtail.admin.panels import FieldPanel, HelpPanel, MultiFieldPanel
from wagtail.models import PagePermissionTester
from wagtail_localize.fields import BaseTranslatableField

from pagecache.pages import kept_with_page
from practice import structured_data as schema
from practice.images import PatientPageForm
from practice.structured_data import MEDICAL_WEB_PAGE

TEAM_MEMBER_PAGE = "team.TeamMemberPage"


class ClinicalPageForm(PatientPageForm):
    """The editor's form of a clinical page.

    Adds "No clinical change", which a reviewer ticks when publishing a fix
    that needs no new medical review (a typo): the review dates stay, and the
    page's history says so. The `reviews` app reads it after the publish.
    """

    no_clinical_change = forms.BooleanField(
        label="No clinical change",
        required=False,
        help_text="Tick when publishing a correction that does not change the medical "
        "content: the review dates stay as they are. Otherwise publishing records "
        "your review.",
    )


class ClinicalPagePermissionTester(PagePermissionTester):
    """Publishing a clinical page needs publish permission granted on its own section.

    A publish permission on the home page or the root covers the whole tree in
    Wagtail; for clinical pages it counts only when it is granted on the
    section's index (e.g. /procedures/) or below. So "Editors" may publish the
    home, about and location pages but only submit clinical pages, and a
    practice changes who may publish them in Settings › Groups, as usual.
    """

    def __init__(self, user, page, section_depth):
        super().__init__(user, page)
        if self.user.is_active and not self.user.is_superuser and "publish" in self.permissions:
            granted_in_section = any(
                perm.permission.codename == "publish_page"
                and perm.page.depth >= section_depth
                and self.page.path.startswith(perm.page.path)
                for perm in self.permission_policy.get_cached_permissions_for_user(user)
            )
            if not granted_in_section:
                self.permissions.discard("publish")


class ClinicalSectionMixin:
    """For the index of a clinical section: only who may publish its pages may create and publish one."""

    def permissions_for_user(self, user):
        return ClinicalPagePermissionTester(user, self, section_depth=self.depth)


# What a byline shows of a person (name, credentials, link) and the JSON-LD's
# Person or Physician: a clinical page loads no more of them.
BYLINE_FIELDS = (
    "title",
    "url_path",
    "path",
    "depth",
    "live",
    "name",
    "credentials",
    "is_physician",
)


# What a medical review stamps on a page, and the reading grade of its own text.
# Each language's page is its own clinical page, reviewed on its own: these are
# never copied to a translation when it is made, nor synchronised from its
# source when the source changes.
REVIEW_STAMP_FIELDS = ("reviewer", "last_reviewed", "next_review_due", "reading_grade")


class OwnToEachTranslation(BaseTranslatableField):
    """A field wagtail-localize neither translates nor synchronises: each translation keeps its own.

    wagtail-localize synchronises every non-text field from the source page
    (`SynchronizedField`, even with `overridable=False`, which only stops a
    translator changing it), so a Spanish page would otherwise show the
    English page's reviewer and review dates as its own.
    """

    def __repr__(self):
        return f"<OwnToEachTranslation {self.field_name}>"


class ClinicalReviewMixin(models.Model):
    """Who wrote a clinical page, who reviewed it, and when.

    Provides `author`, `reviewer` (team members), `last_reviewed`,
    `next_review_due`, an optional shorter review interval and the reading
    grade stored on publish; the panels that show them; and the byline the
    page shows. The review stamps are set by the medical review workflow (the
    `reviews` app), never typed: only superusers may correct them.
    """

    author = models.ForeignKey(
        TEAM_MEMBER_PAGE, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewer = models.ForeignKey(
        TEAM_MEMBER_PAGE,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The clinician who checked this page for medical accuracy.",
    )
    last_reviewed = models.DateField(null=True, blank=True)
    next_review_due = models.DateField(null=True, blank=True)
    review_interval_months = models.PositiveSmallIntegerField(
        "review again within (months)",
        null=True,
        blank=True,
        help_text="Leave empty for the practice's review interval (Settings › Clinical "
        "review). Set a shorter one for content that changes quickly.",
    )
    reading_grade = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        editable=False,
        help_text="Flesch–Kincaid grade of the patient-facing text, stored on publish.",
    )

    review_panels = [
        MultiFieldPanel(
            [
                FieldPanel("author"),
                HelpPanel(template="reviews/admin/review_status.html"),
                FieldPanel("review_interval_months"),
                # Stamped by the workflow; a superuser may correct them.
                FieldPanel("reviewer", permission="superuser"),
                FieldPanel("last_reviewed", permission="superuser"),
                FieldPanel("next_review_due", permission="superuser"),
                FieldPanel("no_clinical_change"),
            ],
            heading="Authorship and medical review",
        ),
        # The reading grade of each section as edited (reviews.templatetags.review_tags).
        HelpPanel(template="reviews/admin/readability.html", heading="Reading level"),
    ]
    base_form_class = ClinicalPageForm

    # A translation starts unreviewed (Wagtail's copy for translation, and
    # "Copy page", leave these empty) and wagtail-localize's sync leaves them alone.
    exclude_fields_in_copy = list(REVIEW_STAMP_FIELDS)
    override_translatable_fields = [OwnToEachTranslation(name) for name in REVIEW_STAMP_FIELDS]

    class Meta:
        abstract = True

    def publish(self, revision, *args, **kwargs):
        """Refuses a translation whose machine-translated segments no person has approved.

        The editors' views refuse it first with a message (`reviews.wagtail_hooks`);
        this stops every other way (bulk actions, wagtail-localize's sync with publish).
        """
        from reviews.translations import MachineTranslationNotApproved, unapproved_machine_segments

        if self.pk is not None and unapproved_machine_segments(self).exists():
            raise MachineTranslationNotApproved(f"Page {self.pk}: machine translation not approved")
        return super().publish(revision, *args, **kwargs)

    def permissions_for_user(self, user):
        if self.depth is None:
            # Not in the tree yet (the admin's "add page" form): publishing it is
            # decided by its section's index (ClinicalSectionMixin).
            return super().permissions_for_user(user)
        return ClinicalPagePermissionTester(user, self, section_depth=self.depth - 1)

    @cached_property
    def byline(self):
        """Author and reviewer, fetched together (often the same person)."""
        ids = {self.author_id, self.reviewer_id} - {None}
        people = (
            apps.get_model(TEAM_MEMBER_PAGE).objects.only(*BYLINE_FIELDS).in_bulk(ids)
            if ids
            else {}
        )
        return {"author": people.get(self.author_id), "reviewer": people.get(self.reviewer_id)}

    # JSON-LD (practice.structured_data): a MedicalWebPage, with its review.
    schema_page_type = MEDICAL_WEB_PAGE

    def schema_review(self, root_url, request=None):
        """The web page's review properties: when, by whom, and when it is due again."""
        review = {}
        if self.last_reviewed:
            review["lastReviewed"] = self.last_reviewed.isoformat()
        reviewer = self.byline["reviewer"]
        if reviewer is not None:
            review["reviewedBy"] = schema.person(reviewer, root_url, request)
        if self.next_review_due:
            # schema.org has no "next review" date: the due date goes in as text.
            review["disambiguatingDescription"] = (
                f"Next review due {self.next_review_due.isoformat()}."
            )
        return review

    @kept_with_page("byline")
    def kept_byline(self, request):
        return self.byline

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Kept with the page's cached parts: a team member's publishing purges every page.
        self.__dict__["byline"] = self.kept_byline(request)
        return context
