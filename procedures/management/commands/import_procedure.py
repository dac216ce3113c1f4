"""Import one procedure page from a text capture of the practice's current site, as a draft."""

from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.text import slugify
from wagtail.log_actions import log
from wagtail.models import Page, Site

from procedures.importer import SECTION_FIELDS, ProcedureParseError, parse_procedure_text
from procedures.models import DEFAULT_RISKS_INTRO, ProcedureIndexPage, ProcedurePage


class Command(BaseCommand):
    help = (
        "Create a draft procedure page from a text capture of the practice's current site "
        "(never publishes). With --update, save a new draft revision of the existing page."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The text capture of one procedure page (UTF-8).")
        parser.add_argument(
            "--parent",
            default="/procedures/",
            help="URL path of the procedure index, relative to the default site "
            "(default: /procedures/).",
        )
        parser.add_argument(
            "--update",
            action="store_true",
            help="If the page already exists, replace its sections in a new draft revision.",
        )

    def handle(self, *args, file, parent, update=False, **options):
        parsed = self.parse(file)
        if not parsed.filled_sections:
            raise CommandError(
                f"{file}: found the title “{parsed.title}” but none of the procedure's "
                "question headings (“What is …?”, “How do you prepare for …?”, …); "
                "is this a procedure page?"
            )
        index = self.find_parent(parent)
        with transaction.atomic():
            existing = self.find_existing(index, parsed.title)
            if existing is not None and not update:
                raise CommandError(
                    f"“{existing.title}” already exists under {parent} (page {existing.id}): "
                    "nothing imported. Use --update to replace its sections in a new draft."
                )
            page = self.create(index, parsed) if existing is None else self.update(existing, parsed)
            # The old byline goes in the page's history as a note, never into the review stamps.
            log(page, "procedures.import", data={"byline": self.byline(parsed)})
        self.report(page, parsed, created=existing is None, parent=parent)

    # --- steps --------------------------------------------------------------------

    def parse(self, file):
        path = Path(file)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise CommandError(f"{file}: no such file.") from None
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{file}: cannot read it as UTF-8 text ({error}).") from None
        try:
            return parse_procedure_text(text)
        except ProcedureParseError as error:
            raise CommandError(f"{file}: {error} Nothing imported.") from None

    def find_parent(self, parent):
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        if site is None:
            raise CommandError("There is no default Site: create the site before importing.")
        components = [part for part in urlsplit(parent).path.split("/") if part]
        page = site.root_page
        for slug in components:
            child = page.get_children().filter(slug=slug).first()
            if child is None:
                raise CommandError(
                    f"No page at “{parent}” on the default site (no “{slug}” under “{page.title}”)."
                )
            page = child
        page = page.specific
        if not isinstance(page, ProcedureIndexPage):
            raise CommandError(
                f"“{parent}” is “{page.title}”, a {page.specific_class._meta.verbose_name}, "
                "not the procedure index: procedures can only be added under a procedure index."
            )
        return page

    def find_existing(self, index, title):
        slug = self.slug_for(title)
        matches = Page.objects.child_of(index).filter(
            Q(title__iexact=title) | Q(draft_title__iexact=title) | (Q(slug=slug) if slug else Q())
        )
        matches = list(matches.specific())
        if not matches:
            return None
        if len(matches) > 1:
            found = ", ".join(f"“{m.title}” (page {m.id})" for m in matches)
            raise CommandError(f"Several pages match “{title}”: {found}. Nothing imported.")
        page = matches[0]
        if not isinstance(page, ProcedurePage):
            raise CommandError(
                f"“{page.title}” (page {page.id}) exists but is not a procedure page. "
                "Nothing imported."
            )
        return page

    def slug_for(self, title):
        return slugify(title, allow_unicode=getattr(settings, "WAGTAIL_ALLOW_UNICODE_SLUGS", True))

    def set_sections(self, page, parsed):
        for name in SECTION_FIELDS:
            setattr(page, name, parsed.sections[name])
        page.risks_intro = parsed.risks_intro or DEFAULT_RISKS_INTRO

    def create(self, index, parsed):
        page = ProcedurePage(title=parsed.title, slug=self.slug_for(parsed.title), live=False)
        self.set_sections(page, parsed)
        index.add_child(instance=page)
        # clean=False as the admin does for drafts: sections required before
        # publishing may still be missing from the capture.
        page.save_revision(clean=False, log_action=True)
        return page

    def update(self, existing, parsed):
        # Start from the latest draft so other draft edits (summary, images…)
        # are kept. As in the admin's "Save draft": a page that is not live is
        # saved too; a live page only gets a new revision, so its published
        # content is untouched until an editor publishes.
        page = existing.get_latest_revision_as_object()
        self.set_sections(page, parsed)
        if not page.live:
            page.save()
        page.save_revision(clean=False, log_action=True)
        return page

    @staticmethod
    def byline(parsed):
        return [
            f"{label} {value}"
            for label, value in (
                ("By:", parsed.author),
                ("Reviewed by:", parsed.reviewer),
                ("Published:", parsed.published),
                ("Last reviewed:", parsed.last_reviewed),
            )
            if value
        ]

    # --- output --------------------------------------------------------------------

    def report(self, page, parsed, *, created, parent):
        write = self.stdout.write
        edit_url = reverse("wagtailadmin_pages:edit", args=[page.id])
        if created:
            write(self.style.SUCCESS(f"Created “{page.title}” under {parent}: saved as a draft."))
        else:
            live = " The live page is unchanged until an editor publishes." if page.live else ""
            write(
                self.style.SUCCESS(
                    f"Updated “{page.title}” under {parent}: new revision saved as a draft.{live}"
                )
            )
        write(f"Edit it: {edit_url}")
        write(f"Sections filled: {', '.join(parsed.filled_sections) or 'none'}")
        empty = parsed.empty_sections
        write(f"Sections empty: {', '.join(empty) or 'none'}")
        missing = [name for name in ProcedurePage.required_sections() if name in empty]
        if missing:
            write(
                self.style.WARNING(f"Required before publishing, still empty: {', '.join(missing)}")
            )
        if parsed.risks_intro:
            write(f"Risks lead-in: {parsed.risks_intro}")
        byline = self.byline(parsed)
        if byline:
            write(
                f"Byline in the capture (kept as a note in the page's history, not applied: "
                f"the medical review workflow stamps the reviewer): {'; '.join(byline)}"
            )
        if parsed.unplaced:
            write(self.style.WARNING("Could not place:"))
            for line in parsed.unplaced:
                write(f"  - {line}")
        else:
            write("Everything in the capture was placed or recognised as page furniture.")
        for note in parsed.notes:
            write(f"Note: {note}")
