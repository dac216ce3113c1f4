"""Email each reviewer their clinical pages that are overdue or fall due soon.

Run it daily from cron (see README, "Scheduled jobs"). For every live clinical
page that is overdue or falls due within `due_soon_days` (Settings › Clinical
review, per site), the page's reviewer (the team member page's linked admin
account) gets one email per run listing each such page's title, due date and
absolute admin edit link (from WAGTAILADMIN_BASE_URL): no page text.

Each page is reminded once per due date (`ReviewReminder`, unique on page and
due date), so running it again the same day, or every day, sends nothing
new; a page reviewed again has a new due date and is reminded again when that
one nears. A reviewer with no linked account or no email address is named in
the output and nothing is recorded, so they are reminded once it is fixed.

Pages with a due date but no reviewer (their team member page was deleted,
or a superuser cleared it) go to the people who can review them: the active
members of the groups of the active medical review task(s) ("Medical
reviewers") who have an email address. Never-reviewed pages have no due date
and are not reminded: the "Clinical review due" report lists them first.
"""

from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.core.management.base import BaseCommand
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from wagtail.models import Page, Site

from reviews.due import DATE_FORMAT, State, clinical_pages, reviewers
from reviews.models import ClinicalReviewSettings, MedicalReviewTask, ReviewReminder


def admin_edit_link(page):
    path = reverse("wagtailadmin_pages:edit", args=(page.pk,))
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def medical_reviewer_accounts():
    """Active accounts with an email in the groups that approve the medical review task."""
    groups = MedicalReviewTask.objects.filter(active=True).values("groups")
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__in=groups)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def titles(pages):
    return "; ".join(page.title for page in pages)


class Recipient:
    def __init__(self, user, member=None):
        self.user = user
        self.member = member
        self.own = []  # (page, member) of pages this person reviews
        self.unassigned = []  # pages with no reviewer

    @property
    def pages(self):
        return [page for page, _ in self.own] + self.unassigned

    @property
    def name(self):
        if self.member is not None:
            return self.member.name
        return self.user.get_full_name() or self.user.get_username()


class Command(BaseCommand):
    help = (
        "Email reviewers the clinical pages of theirs that are overdue or fall due soon: "
        "titles and admin links only, once per page and due date."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say who would be emailed; send nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        self.today = timezone.localdate()
        pages, windows = self.due_pages()
        if not pages:
            self.stdout.write(
                f"No clinical page is overdue or falls due within {windows} days: nothing to send."
            )
            return
        reminded_before = set(
            ReviewReminder.objects.filter(page__in=[page.pk for page in pages]).values_list(
                "page_id", "due_on"
            )
        )
        already = [page for page in pages if (page.pk, page.review_due) in reminded_before]
        pending = [page for page in pages if (page.pk, page.review_due) not in reminded_before]
        if already:
            self.stdout.write(
                f"Already reminded for the same due date: {len(already)} page(s) "
                f"({titles(already)})."
            )

        emails = 0
        reminded = set()
        for recipient in self.recipients(pending).values():
            who = f"{recipient.name} ({recipient.user.get_username()})"
            if dry_run:
                self.stdout.write(f"Would email {who}: {titles(recipient.pages)}.")
            else:
                try:
                    self.send(recipient)
                except Exception as error:  # noqa: BLE001 - reported; not recorded, so retried
                    self.stderr.write(
                        f"Could not email {who}: {type(error).__name__}. Not recorded: "
                        "the next run tries again."
                    )
                    continue
                self.stdout.write(f"Emailed {who}: {len(recipient.pages)} page(s).")
                for page, member in recipient.own:
                    self.record(page, member)
                for page in recipient.unassigned:
                    self.record(page, None)
            emails += 1
            reminded.update(page.pk for page in recipient.pages)

        verb = "Would send" if dry_run else "Sent"
        self.stdout.write(
            f"{verb} {emails} reminder email(s) about {len(reminded)} page(s); "
            f"{len(pending) - len(reminded)} page(s) could not be reminded; "
            f"{len(already)} already reminded."
        )

    def due_pages(self):
        """Live clinical pages overdue or due soon, by each site's window (a page counted once).

        Returns the pages and the windows used, in days ("30" or "30/14" for two sites).
        """
        found = {}
        windows = []
        for site in Site.objects.select_related("root_page").order_by("-is_default_site", "pk"):
            window = ClinicalReviewSettings.for_site(site).due_soon_days
            if str(window) not in windows:
                windows.append(str(window))
            in_site = Page.objects.descendant_of(site.root_page, inclusive=True)
            due = clinical_pages(self.today, window, pages=in_site).filter(
                review_state__in=[State.OVERDUE, State.DUE_SOON]
            )
            for page in due.order_by("review_due", "title", "pk"):
                found.setdefault(page.pk, page)
        return list(found.values()), "/".join(windows) or "0"

    def recipients(self, pages):
        """Whom to email about which pages; who cannot be emailed is said in the output."""
        by_reviewer = defaultdict(list)
        for page in pages:
            by_reviewer[page.review_reviewer_id].append(page)
        unassigned = by_reviewer.pop(None, [])
        members = reviewers().select_related("user").in_bulk(list(by_reviewer))

        recipients = {}
        for member_id, member_pages in by_reviewer.items():
            member = members.get(member_id)
            user = member.user if member else None
            if member is None:
                unassigned.extend(member_pages)  # reviewer page gone since the query: as none
            elif user is None:
                self.stdout.write(
                    f"Not sent: {member.display_name} has no linked admin account "
                    f"({len(member_pages)} page(s): {titles(member_pages)}). A superuser links "
                    "it in “Admin account” on their team member page."
                )
            elif not user.is_active or not user.email:
                reason = "is inactive" if not user.is_active else "has no email address"
                self.stdout.write(
                    f"Not sent: {member.display_name}'s account ({user.get_username()}) {reason} "
                    f"({len(member_pages)} page(s): {titles(member_pages)})."
                )
            else:
                recipient = recipients.setdefault(user.pk, Recipient(user, member))
                recipient.member = member
                recipient.own.extend((page, member) for page in member_pages)

        if unassigned:
            accounts = list(medical_reviewer_accounts())
            line = f"No reviewer: {len(unassigned)} page(s) ({titles(unassigned)})"
            if not accounts:
                self.stdout.write(
                    f"{line}: not sent, no medical reviewer has an active account with an email."
                )
            else:
                self.stdout.write(f"{line}: for the medical reviewers ({len(accounts)} of them).")
                for user in accounts:
                    recipient = recipients.setdefault(user.pk, Recipient(user))
                    recipient.unassigned.extend(unassigned)
        return recipients

    def line(self, page):
        due = date_format(page.review_due, DATE_FORMAT)
        when = f"overdue since {due}" if page.review_due < self.today else f"due {due}"
        return {"title": page.title, "when": when, "url": admin_edit_link(page)}

    def send(self, recipient):
        own = [self.line(page) for page, _ in recipient.own]
        unassigned = [self.line(page) for page in recipient.unassigned]
        body = render_to_string(
            "reviews/email/review_reminder.txt",
            {"name": recipient.name, "own": own, "unassigned": unassigned},
        )
        count = len(own) + len(unassigned)
        subject = f"Medical review due: {count} clinical page{'s' if count != 1 else ''}"
        send_mail(subject, body, None, [recipient.user.email])

    def record(self, page, member):
        # get_or_create: a page without a reviewer is in each medical reviewer's email.
        ReviewReminder.objects.get_or_create(
            page_id=page.pk, due_on=page.review_due, defaults={"reviewer": member}
        )
