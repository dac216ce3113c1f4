"""Free language assistance: the taglines a practice posts in the languages its patients read.

Section 1557 of the Affordable Care Act (HHS's 2024 rule, 45 CFR 92.11)
asks a practice that takes Medicare or Medicaid to tell people, in at least
the 15 languages most spoken by people with limited English in its states,
that free language help is available. Each tagline is a snippet of its own
(Snippets › Language assistance taglines), in its own language and writing
direction: the page marks each one with `lang` and `dir`, so a screen reader
reads it in that language and Arabic, Urdu or Yiddish run right to left.

The practice's phone number is not typed into fifteen texts: `{phone}` in a
tagline is replaced with the number from Settings › Practice details, as a
link. Taglines are written once and checked by the practice's qualified
translator; until one has, "checked by translator" stays off and the admin
says so.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel
from wagtail.models import Site

from pagecache import versions

PHONE_PLACEHOLDER = "{phone}"

# A well-formed BCP 47 tag of the shapes a tagline needs: a language, then
# optionally a script and a region ("es", "zh-Hans", "pt-BR", "es-419").
BCP47_TAG = re.compile(r"^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$")
# Languages written right to left in their usual script (a tag naming another
# script, such as "ku-Latn", may be left to right).
RIGHT_TO_LEFT = {"ar", "arc", "ckb", "dv", "fa", "he", "ps", "sd", "ug", "ur", "yi"}


def validate_language_code(value):
    if not BCP47_TAG.match(value or ""):
        raise ValidationError(
            "Use a language code as browsers read it: two or three lower-case letters, then "
            "optionally a script and a region, e.g. “es”, “zh-Hans”, “ht”, “pt-BR”."
        )


class LanguageTagline(models.Model):
    """One language's sentence saying free language help is available, and how to ask."""

    class Direction(models.TextChoices):
        LEFT_TO_RIGHT = "ltr", "Left to right"
        RIGHT_TO_LEFT = "rtl", "Right to left (Arabic, Urdu, Yiddish…)"

    language = models.CharField(
        max_length=60, help_text="The language's name in English, for editors: “Spanish”."
    )
    language_code = models.CharField(
        max_length=35,
        unique=True,
        validators=[validate_language_code],
        help_text="How browsers and screen readers name the language (BCP 47): “es”, "
        "“zh-Hans” for simplified Chinese, “ht” for Haitian Creole, “yi”, “tl”.",
    )
    direction = models.CharField(
        "writing direction",
        max_length=3,
        choices=Direction.choices,
        default=Direction.LEFT_TO_RIGHT,
    )
    text = models.TextField(
        help_text=f"The tagline in that language. Write {PHONE_PLACEHOLDER} where the "
        "practice's phone number goes: it is shown from Settings › Practice details, as a link.",
    )
    checked_by_translator = models.BooleanField(
        "checked by translator",
        default=False,
        help_text="Tick once the practice's qualified translator has checked this text. "
        "The demo's taglines are not checked: have each one checked before the site goes live.",
    )
    sort_order = models.PositiveSmallIntegerField(
        "order", default=0, help_text="Taglines are listed from the lowest number."
    )

    panels = [
        HelpPanel(
            content="<p>Section 1557 asks for a tagline in each of the 15 languages most spoken "
            "by people with limited English in the practice's states. Have a qualified "
            "translator check each one; machine translation is not enough.</p>"
        ),
        FieldRowPanel([FieldPanel("language"), FieldPanel("language_code")]),
        FieldRowPanel([FieldPanel("direction"), FieldPanel("sort_order")]),
        FieldPanel("text"),
        FieldPanel("checked_by_translator"),
    ]

    # Every page's footer links the block, the notice and the request form show it.
    purge_site_on_change = True

    class Meta:
        ordering = ["sort_order", "language"]
        verbose_name = "language assistance tagline"

    def __str__(self):
        checked = "" if self.checked_by_translator else " (not checked by a translator yet)"
        return f"{self.language} ({self.language_code}){checked}"

    def clean(self):
        errors = {}
        primary, _, rest = (self.language_code or "").partition("-")
        script = rest.split("-")[0] if rest else ""
        if (
            primary in RIGHT_TO_LEFT
            and script not in ("Latn", "Cyrl")
            and self.direction != self.Direction.RIGHT_TO_LEFT
        ):
            errors["direction"] = f"“{self.language_code}” is written right to left."
        if self.text and self.text.count(PHONE_PLACEHOLDER) != 1:
            errors["text"] = (
                f"Write {PHONE_PLACEHOLDER} once, where the phone number goes, so patients "
                "know how to ask for help."
            )
        if errors:
            raise ValidationError(errors)


@dataclass(frozen=True)
class ShownTagline:
    """A tagline as the page shows it: the text before and after the phone number."""

    language_code: str
    direction: str
    before: str
    after: str


def taglines_for(request):
    """The taglines in their order, kept with the site's parts until one changes."""
    site = Site.find_for_request(request) if request is not None else None

    def build():
        shown = []
        for tagline in LanguageTagline.objects.all():
            before, _, after = tagline.text.partition(PHONE_PLACEHOLDER)
            shown.append(ShownTagline(tagline.language_code, tagline.direction, before, after))
        return shown

    if site is None:
        return build()
    return versions.per_site_version("language-taglines", site.pk, build)
