"""Translated pages under clinical governance: when a translation is out of date, and
when a machine translation still waits for a person's approval.

**Out of date.** A translation (a page in a language other than the default,
English) is out of date when its source page (the page with the same
`translation_key` in the default language) was published after the
translation's last medical review: the time of its latest "Medical review
recorded" history entry (`reviews.stamp`), or, without one, its "Last
reviewed" date (then a source published on a later day counts). A translation
never reviewed counts from its last publish. Not wagtail-localize's own sync
state: syncing the English text into the translation, or publishing that
sync, is not a review of the Spanish text, and must not clear the flag. Editors
see it in the explorer's "Next review due" column and in the Clinical review
due report; the public page never says it.

**Machine translation.** A segment wagtail-localize filled from a machine
translator (`StringTranslation.translation_type == "machine"`) and not retyped
by a person since keeps the page from being published until someone with
`reviews.approve_machine_translation` (the "Translators" and "Medical
reviewers" groups) approves the translation (`ApproveTranslationView`): the
approval is a history entry, and a machine segment changed after it needs a
new one. Every way an editor publishes checks it (`wagtail_hooks`), and a
clinical page's `publish` refuses it too.
"""

from django.db.models import Exists, Max, OuterRef
from django.utils import timezone
from wagtail.models import Locale, Page, PageLogEntry
from wagtail_localize.models import StringSegment, StringTranslation, Translation

APPROVE_PERMISSION = "reviews.approve_machine_translation"
APPROVED_ACTION = "reviews.translation_approved"
REFUSED_ACTION = "reviews.translation_publish_refused"
STAMP_ACTION = "reviews.stamp"


class MachineTranslationNotApproved(Exception):
    """Publishing a page whose machine-translated segments no person has approved yet."""


def _default_locale_id():
    return Locale.get_default().pk


def out_of_date(pages):
    """{page id: the source's last publish} for those of `pages` whose source changed since their review.

    `pages` are pages (or rows annotated by `reviews.due`) carrying `pk`,
    `translation_key`, `locale_id`, `last_published_at` and the last reviewed
    date (as `last_reviewed` or `review_last`). Three queries, whatever the number.
    """
    default = _default_locale_id()
    translations = [page for page in pages if page.locale_id != default]
    if not translations:
        return {}
    source_published = dict(
        Page.objects.filter(
            translation_key__in={page.translation_key for page in translations},
            locale_id=default,
            live=True,
        ).values_list("translation_key", "last_published_at")
    )
    reviewed_at = dict(
        PageLogEntry.objects.filter(
            page_id__in=[page.pk for page in translations], action=STAMP_ACTION
        )
        .values("page_id")
        .annotate(latest=Max("timestamp"))
        .values_list("page_id", "latest")
    )
    stale = {}
    for page in translations:
        changed = source_published.get(page.translation_key)
        if changed is None:
            continue
        last_reviewed = getattr(page, "review_last", None) or getattr(page, "last_reviewed", None)
        if page.pk in reviewed_at:
            is_stale = changed > reviewed_at[page.pk]
        elif last_reviewed is not None:
            is_stale = timezone.localdate(changed) > last_reviewed
        else:
            is_stale = page.last_published_at is not None and changed > page.last_published_at
        if is_stale:
            stale[page.pk] = changed
    return stale


def out_of_date_clinical_translations(pages):
    """The same, for every translation among the live clinical `pages` (a `reviews.due` queryset)."""
    rows = pages.exclude(locale_id=_default_locale_id()).only(
        "pk", "translation_key", "locale_id", "last_published_at"
    )
    return out_of_date(rows)


def unapproved_machine_segments(page):
    """The page's segments still as a machine translated them, since the last approval."""
    if page.locale_id == _default_locale_id():
        return StringTranslation.objects.none()
    current = StringSegment.objects.filter(
        source__object_id=page.translation_key,
        string_id=OuterRef("translation_of_id"),
        context_id=OuterRef("context_id"),
    )
    segments = StringTranslation.objects.filter(
        Exists(current),
        locale_id=page.locale_id,
        context__object_id=page.translation_key,
        translation_type=StringTranslation.TRANSLATION_TYPE_MACHINE,
    )
    approved = (
        PageLogEntry.objects.filter(page_id=page.pk, action=APPROVED_ACTION)
        .order_by("-timestamp")
        .values_list("timestamp", flat=True)
        .first()
    )
    if approved is not None:
        segments = segments.filter(updated_at__gt=approved)
    return segments


def may_approve(user):
    return user.is_active and user.has_perm(APPROVE_PERMISSION)


def refusal_message(count):
    return (
        f"Not published: {count} passage{'s' if count != 1 else ''} of this page "
        f"{'were' if count != 1 else 'was'} machine-translated and no translator or medical "
        "reviewer has approved the translation yet. A member of “Translators” or “Medical "
        "reviewers” checks it under “Approve the translation”, then it can be published."
    )


def synced_translation(page):
    """wagtail-localize's synced translation whose target is `page` (its editor replaces Wagtail's), or None."""
    if page.locale_id == _default_locale_id():
        return None
    return Translation.objects.filter(
        source__object_id=page.translation_key, target_locale_id=page.locale_id, enabled=True
    ).first()
