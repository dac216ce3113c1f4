"""Where editors meet the review dates (the dashboard panel, the page explorer's column), and
the admin views that keep translations to their own review: approving a machine
translation, sending a translation to review, the workflow's actions, bulk "Publish"
and wagtail-localize's "Sync translated pages".

The explorer lists a clinical section's pages with a "Next review due" column:
Wagtail 8 has no hook that adds a column to the explorer, but lets a
`PageViewSet` registered for a page type customise the listing of the
parent pages that allow only that type as children (since Wagtail 7.4). So
each clinical page type gets a `PageViewSet` whose explorer listing is
Wagtail's own with one more column; its other views are Wagtail's defaults.
"""

import contextlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from wagtail.admin import messages
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.pages.bulk_actions.publish import PublishBulkAction
from wagtail.admin.views.pages.listing import ExplorableIndexView
from wagtail.admin.views.pages.workflow import WorkflowActionView
from wagtail.admin.viewsets.pages import PageViewSet
from wagtail.coreutils import find_available_slug
from wagtail.log_actions import log
from wagtail.models import Page
from wagtail_localize.machine_translators import get_machine_translator
from wagtail_localize.views.edit_translation import apply_machine_translation
from wagtail_localize.views.update_translations import UpdateTranslationsView

from reviews.clinical import ClinicalReviewMixin
from reviews.due import DUE_STATES, State, due_counts, review_settings, state_of
from reviews.governance import clinical_page_models, is_clinical
from reviews.reports import report_url
from reviews.translations import (
    APPROVED_ACTION,
    REFUSED_ACTION,
    may_approve,
    out_of_date,
    refusal_message,
    synced_translation,
    unapproved_machine_segments,
)


class ClinicalReviewPanel(Component):
    """Dashboard: how many clinical pages are never reviewed, overdue and due soon."""

    name = "clinical_review_due"
    order = 60
    template_name = "reviews/admin/dashboard_panel.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context):
        counts = due_counts(self.request.user, self.request)
        return {
            "rows": [
                {"state": state, "count": counts[state], "url": report_url(state.value)}
                for state in DUE_STATES
            ],
            "total": sum(counts.values()),
            "report_url": report_url(),
            "due_soon_days": review_settings(self.request).due_soon_days,
        }


class NextReviewDueColumn(Column):
    """The page's next review due date, tagged when never reviewed, overdue or due soon,
    and a translation tagged when its source changed since its review (reviews.translations)."""

    cell_template_name = "reviews/admin/next_review_due_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        days = review_settings(parent_context.get("request")).due_soon_days
        state = state_of(
            instance.last_reviewed, instance.next_review_due, timezone.localdate(), days
        )
        context["state"] = state
        context["state_label"] = state.label if state != State.CURRENT else ""
        context["urgent"] = state == State.OVERDUE
        context["source_changed"] = self.stale_translations(parent_context).get(instance.pk)
        return context

    def stale_translations(self, parent_context):
        """The listing's out-of-date translations, worked out once for all its rows."""
        table = parent_context["table"]
        if not hasattr(table, "stale_translations"):
            table.stale_translations = out_of_date(list(table.data))
        return table.stale_translations


def explorer_columns():
    """Wagtail's explorer columns, with "Next review due" before the status."""
    columns = list(ExplorableIndexView.base_columns)
    at = next(i for i, column in enumerate(columns) if column.name == "status")
    columns.insert(at, NextReviewDueColumn("next_review_due", label="Next review due", width="16%"))
    return columns


def refused_for_machine_translation(request, page):
    """Says why a page with machine-translated passages no person approved is not published,
    as its editor says it (`wagtail_hooks`), and records the refusal; False when none waits."""
    waiting = unapproved_machine_segments(page).count()
    if not waiting:
        return False
    log(page, REFUSED_ACTION, user=request.user, data={"segments": waiting})
    messages.error(
        request,
        refusal_message(waiting),
        buttons=[
            messages.button(
                reverse("reviews_approve_translation", args=(page.pk,)), "Approve the translation"
            )
        ],
    )
    return True


class MedicalReviewActionView(WorkflowActionView):
    """Wagtail's workflow action (the dashboard's "Awaiting your review" and the editor's
    review buttons), saying why "Approve" is refused on a machine translation.

    `MedicalReviewTask.get_actions` offers no "Approve" while machine-translated
    passages wait for a person's approval, and Wagtail answers an approval it
    did not offer (a dashboard opened before the machine translated the page, or
    a second tab) with its generic "you do not have permission"; this says
    what is waiting and links "Approve the translation".
    """

    def dispatch(self, request, *args, **kwargs):
        if (
            self.action_name == "approve"
            and self.object.workflow_in_progress
            and refused_for_machine_translation(request, self.object)
        ):
            if request.headers.get("x-requested-with") == "XMLHttpRequest":
                # The dashboard's modal: it follows "redirect", where the message shows.
                return self.render_modal_json(
                    request, {"step": "success", "redirect": self.redirect_url}
                )
            return redirect(self.redirect_url)
        return super().dispatch(request, *args, **kwargs)


def clinical_page_viewsets():
    """One PageViewSet per clinical page type: its section's explorer listing, and its
    workflow actions (`MedicalReviewActionView`)."""
    return [
        PageViewSet(
            model=model,
            columns=explorer_columns(),
            workflow_action_view_class=MedicalReviewActionView,
        )
        for model in clinical_page_models()
    ]


class PublishRefusingMachineTranslation(PublishBulkAction):
    """The page explorer's bulk "Publish", which leaves out each page whose machine-translated
    passages no person approved (saying so, as its editor would) and publishes the others.

    Wagtail's own would call the clinical page's `publish`, which refuses it
    with an exception (`ClinicalReviewMixin.publish`): a server error, and
    nothing of the batch published. Registered in its place (same action type,
    after Wagtail's: `wagtail_hooks`).
    """

    def prepare_action(self, objects, objects_without_access):
        refused = {
            page.pk
            for page in objects
            if refused_for_machine_translation(self.request, page.specific)
        }
        self.refused_ids = set(refused)
        if self.cleaned_form.cleaned_data["include_descendants"]:
            for page in objects:
                for descendant in page.get_descendants().not_live().specific():
                    may_publish = descendant.permissions_for_user(self.request.user).can_publish()
                    if may_publish and refused_for_machine_translation(self.request, descendant):
                        self.refused_ids.add(descendant.pk)
        objects[:] = [page for page in objects if page.pk not in refused]
        if not objects:
            return redirect(self.next_url)
        return None

    def get_execution_context(self):
        return {**super().get_execution_context(), "refused_ids": self.refused_ids}

    @classmethod
    def execute_action(cls, objects, include_descendants=False, user=None, refused_ids=(), **kw):
        published, _ = super().execute_action(objects, include_descendants=False, user=user, **kw)
        children = 0
        if not include_descendants:
            return published, children
        # Wagtail's own publishing of the draft descendants, without the refused ones.
        for page in objects:
            for descendant in (
                page.get_descendants().not_live().defer_streamfields().specific().iterator()
            ):
                if descendant.pk in refused_ids:
                    continue
                if user is None or descendant.permissions_for_user(user).can_publish():
                    revision = descendant.get_latest_revision() or descendant.save_revision(
                        user=user
                    )
                    revision.publish(user=user)
                    children += 1
        return published, children


def approve_translation(request, page_id):
    """A translator or medical reviewer approves a page's machine translation: the
    passages as the machine wrote them, beside their source, then "Approve"."""
    page = get_object_or_404(Page, pk=page_id).specific
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    segments = unapproved_machine_segments(page).select_related("translation_of")
    edit_url = reverse("wagtailadmin_pages:edit", args=(page.pk,))
    allowed = may_approve(request.user)
    if request.method == "POST":
        if not allowed:
            raise PermissionDenied
        count = segments.count()
        if count:
            tools = sorted({segment.tool_name for segment in segments if segment.tool_name})
            log(
                page,
                APPROVED_ACTION,
                user=request.user,
                data={"segments": count, "machine_translators": tools},
            )
            messages.success(
                request, f"Machine translation of “{page.title}” approved: it may be published."
            )
        return redirect(edit_url)
    return TemplateResponse(
        request,
        "reviews/admin/approve_translation.html",
        {"page": page, "segments": segments, "may_approve": allowed, "edit_url": edit_url},
    )


def submit_translation(request, page_id):
    """Sends a synced translation to the medical review from wagtail-localize's editor,
    which has no such button: a revision made from its segments, and the workflow started."""
    page = get_object_or_404(Page, pk=page_id).specific
    translation = synced_translation(page)
    workflow = page.get_workflow()
    if (
        translation is None
        or workflow is None
        or not page.permissions_for_user(request.user).can_submit_for_moderation()
    ):
        raise PermissionDenied
    edit_url = reverse("wagtailadmin_pages:edit", args=(page.pk,))
    if page.workflow_in_progress:
        messages.warning(request, f"“{page.title}” is already in {workflow.name.lower()}.")
        return redirect(edit_url)
    if request.method == "POST":
        # Not wagtail-localize's save_target(publish=False): it writes the translation
        # onto the live page too (wagtail-localize issue 655), before any review. A
        # revision only, as Wagtail's "Submit" saves, which the approval publishes.
        draft = translation.source.get_ephemeral_translated_instance(
            translation.target_locale, fallback=True
        )
        draft.save_revision(user=request.user)
        page.refresh_from_db()
        workflow.start(page, request.user)
        messages.success(request, f"“{page.title}” sent to {workflow.name.lower()}.")
        return redirect(edit_url)
    return TemplateResponse(
        request,
        "reviews/admin/submit_translation.html",
        {"page": page, "workflow": workflow, "edit_url": edit_url},
    )


def is_clinical_model(model):
    return model is not None and issubclass(model, ClinicalReviewMixin)


class SyncTranslationsView(UpdateTranslationsView):
    """wagtail-localize's "Sync translated pages", keeping each translated page to its own review.

    Replaces wagtail-localize's view at its own URL (registered before it:
    `wagtail_hooks.register_sync_translations_url`). wagtail-localize's sync
    without "Publish immediately" updates the source's segments and leaves the
    translated page without a trace of them, and its only save of a translated
    page (`Translation.save_target`) writes the new content onto the page's
    row, which is the live page (wagtail-localize issue 655); with "Publish
    immediately" it publishes every translation, a clinical one without its
    medical review and whoever ticks it. Here the synced content of a live
    translated page is a draft revision: the live page is unchanged and marked
    as having unpublished changes, and its "Translation out of date" flag stays
    until a medical review of the Spanish text (`reviews.translations`). With
    "Publish immediately", a clinical translation is sent to the medical review
    instead (its approval publishes it); any other translated page is
    published only by a user who may publish it and once no machine-translated
    passage waits for approval.
    """

    def get_form(self):
        form = super().get_form()
        if is_clinical_model(self.object.specific_content_type.model_class()):
            form.fields["publish_translations"].help_text = (
                "A clinical page is not published by a sync: each translation's synced text "
                "is sent to the medical review, and published when a medical reviewer "
                "approves it. Unticked, it is saved as a draft."
            )
        return form

    @transaction.atomic
    def form_valid(self, form):
        self.object.update_from_db()
        translations = self.object.translations.filter(enabled=True).select_related(
            "source", "target_locale"
        )
        if form.cleaned_data.get("use_machine_translation"):
            machine_translator = get_machine_translator()
            for translation in translations:
                apply_machine_translation(translation.id, self.request.user, machine_translator)

        publish = form.cleaned_data["publish_translations"]
        is_page = isinstance(self.object.get_source_instance(), Page)
        for translation in translations:
            if is_page:
                self.sync_page(translation, publish)
            elif publish:  # a snippet: as wagtail-localize does
                with contextlib.suppress(ValidationError):
                    translation.save_target(user=self.request.user, publish=True)

        self.components.save(
            self.object, sources_and_translations={self.object: list(translations)}
        )
        messages.success(self.request, self.get_success_message())
        return redirect(self.get_success_url() or self.get_default_success_url())

    def sync_page(self, translation, publish):
        source, locale, user = translation.source, translation.target_locale, self.request.user
        try:
            page = source.get_translated_instance(locale)
        except Page.DoesNotExist:
            page = None
        try:
            if page is None or not page.live:
                # No patient reads it: wagtail-localize's own save (page and revision) is a draft.
                translation.save_target(user=user, publish=False)
            else:
                draft = source.get_ephemeral_translated_instance(locale, fallback=True)
                draft.slug = find_available_slug(
                    draft.get_parent(), slugify(draft.slug), ignore_page_id=draft.pk
                )
                # A revision only: save_revision writes the row's draft bookkeeping
                # (latest revision, unpublished changes, draft title), not its content.
                draft.save_revision(user=user)
                source.update_target_view_restrictions(locale)
        except ValidationError:
            messages.warning(
                self.request,
                f"“{self.object.object_repr}” in {locale.get_display_name()} was not synced: "
                "its translation does not validate. Open it in the translation editor.",
            )
            return
        page = source.get_translated_instance(locale)
        if publish:
            self.publish_or_review(page)
        elif page.live:
            messages.info(
                self.request,
                f"“{page.title}” ({locale.get_display_name()}): the synced text is a draft; "
                "the published page is unchanged until it is published.",
            )

    def publish_or_review(self, page):
        """ "Publish immediately", for one translated page: what it may do to that page."""
        user = self.request.user
        where = f"“{page.title}” ({page.locale.get_display_name()})"
        if is_clinical(page):
            self.send_to_medical_review(page, where)
            return
        if refused_for_machine_translation(self.request, page):
            return
        if not page.permissions_for_user(user).can_publish():
            messages.warning(
                self.request,
                f"{where}: saved as a draft, not published: you may not publish this page.",
            )
            return
        page.get_latest_revision().publish(user=user)

    def send_to_medical_review(self, page, where):
        """A clinical translation is published by its own medical review, never by a sync."""
        user = self.request.user
        workflow = page.get_workflow()
        if page.workflow_in_progress:
            messages.info(
                self.request,
                f"{where} is in {page.current_workflow_state.workflow.name.lower()}: the synced "
                "draft is published when a medical reviewer approves it.",
            )
        elif workflow is not None and page.permissions_for_user(user).can_submit_for_moderation():
            workflow.start(page, user)
            messages.info(
                self.request,
                f"{where}: not published; the synced draft is sent to "
                f"{workflow.name.lower()}, and published when a medical reviewer approves it.",
            )
        else:
            messages.warning(
                self.request,
                f"{where}: saved as a draft, not published: a clinical page is published "
                "by its medical review. Send it to the medical reviewers from its editor.",
            )
