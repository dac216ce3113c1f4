"""Receivers: stamp a clinical page when the medical review approves it, keep its
reading grade on every publish, and govern each new clinical section."""

from django.db.models.signals import post_save
from wagtail.signals import page_published, workflow_approved

from reviews.governance import is_clinical, is_clinical_section
from reviews.models import linked_team_member


def stamp_on_approval(sender, instance, user, **kwargs):
    """The approving reviewer's team member page becomes the page's reviewer, dated today."""
    from reviews.stamps import stamp_review

    page = instance.content_object.specific
    if not is_clinical(page):
        return
    member = linked_team_member(user)
    if member is not None:  # the task offers no approval to unlinked reviewers
        stamp_review(page, member, user)


def grade_on_publish(sender, instance, **kwargs):
    from reviews.stamps import store_reading_grade

    if is_clinical(instance):
        store_reading_grade(instance.specific)


def govern_new_section(sender, instance, created, raw=False, **kwargs):
    from reviews.governance import govern_section

    if created and not raw and is_clinical_section(instance):
        govern_section(instance)


workflow_approved.connect(stamp_on_approval, dispatch_uid="reviews.stamp_on_approval")
page_published.connect(grade_on_publish, dispatch_uid="reviews.grade_on_publish")
post_save.connect(govern_new_section, dispatch_uid="reviews.govern_new_section")
