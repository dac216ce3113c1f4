"""Template tags for clinical pages' editor panels.

The readability panel of `reviews.clinical.ClinicalReviewMixin.review_panels`
is a HelpPanel whose template (reviews/admin/readability.html) loads this
library: `{% load review_tags %}{% reading_grades self.instance self.request %}`.
Wagtail's Checks panel shows the same verdict in place of its own readability
score on clinical pages (reviews/templates/wagtailadmin/shared/side_panels/checks.html).
"""

from decimal import Decimal

from django import template

from reviews import readability
from reviews.clinical import ClinicalReviewMixin
from reviews.due import review_settings

register = template.Library()


def _grade_number(value):
    """8 rather than 8.0, 8.5 as it is."""
    value = Decimal(str(value))
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


def _scale_and_target(page, request):
    """The page's language's scale and the practice's target on it (Settings › Clinical review)."""
    scale = readability.scale_for(page)
    return scale, _grade_number(scale.target_of(review_settings(request)))


@register.inclusion_tag("reviews/admin/reading_grades.html")
def reading_grades(page, request=None):
    """The reading level of the page as edited: overall, per section, and those off target."""
    scale, target = _scale_and_target(page, request)
    sections = readability.section_grades(page)
    return {
        "scale": scale,
        "explained": scale.explained.format(target=target),
        "target": target,
        "overall": readability.overall_grade(page),
        "stored": getattr(page, "reading_grade", None),
        "sections": sections,
        "above": readability.above_target(sections, target, scale),
        "verdict": readability.verdict(sections, target, scale),
    }


@register.simple_tag
def reading_level_verdict(page, request=None):
    """The Reading level verdict of a clinical page as edited; None for other pages."""
    if not isinstance(page, ClinicalReviewMixin):
        return None
    scale, target = _scale_and_target(page, request)
    return readability.verdict(readability.section_grades(page), target, scale)
