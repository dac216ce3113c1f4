"""Writing the review stamps and the reading grade onto a clinical page.

Publishing restores a page's fields from the revision being published, so a
stamp written only on the live row would be lost at the next publish (Wagtail
restores every field from the revision). The stamps are written to the live row and to the
published revision and any newer draft, which every later edit starts from.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from wagtail.log_actions import log

from reviews import readability
from reviews.models import ClinicalReviewSettings


def write_through(page, **values):
    """Set fields on the live page row and in the revisions an editor will start from."""
    type(page).objects.filter(pk=page.pk).update(**values)
    for name, value in values.items():
        setattr(page, name, value)
    # As Wagtail stores them in a revision: "reviewer": 12, "last_reviewed": "2026-11-28".
    encoded = json.loads(
        json.dumps(
            {name.removesuffix("_id"): value for name, value in values.items()},
            cls=DjangoJSONEncoder,
        )
    )
    revisions = page.revisions.all()
    if page.live_revision_id:
        revisions = revisions.filter(pk__gte=page.live_revision_id)
    for revision in revisions:
        revision.content.update(encoded)
        revision.save(update_fields=["content"])


def stamp_review(page, member, user, reviewed_on=None):
    """Record that `member` reviewed `page` today: reviewer, dates, and the history entry."""
    settings = ClinicalReviewSettings.for_site(page.get_site())
    reviewed_on = reviewed_on or timezone.localdate()
    due = settings.next_review_due(reviewed_on, page.review_interval_months)
    write_through(page, reviewer_id=member.pk, last_reviewed=reviewed_on, next_review_due=due)
    log(
        page,
        "reviews.stamp",
        user=user,
        data={
            "reviewer": member.display_name,
            "last_reviewed": reviewed_on.isoformat(),
            "next_review_due": due.isoformat(),
        },
    )


def store_reading_grade(page):
    """Keep the published text's overall reading grade for the review report."""
    grade = readability.overall_grade(page)
    write_through(page, reading_grade=grade)
