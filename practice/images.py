"""The site's images, and the rule that every picture a patient sees says what it shows.

`SiteImage` is Wagtail's image with one more field, "decorative"
(`WAGTAILIMAGES_IMAGE_MODEL`). A picture's alt text is its description, or
empty when it is marked decorative; never its title, which is an editor's
label ("IMG_2231", "Clinic front door v2"). Rich-text images carry their own
alt text, asked for by Wagtail's chooser ("Image is decorative" stores it
empty).

`PatientPageForm` is the base form of every public page type (`SEOMixin`):
publishing, scheduling or submitting a page whose pictures say nothing is
refused, naming each picture. Drafts still save.
"""

from django.db import models
from django.utils.text import capfirst
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.fields import RichTextField
from wagtail.images import get_image_model
from wagtail.images.models import AbstractImage, AbstractRendition, Image
from wagtail.rich_text.rewriters import FIND_EMBED_TAG, extract_attrs

# Image fields patients never see on the page itself (link previews on other sites).
IMAGES_PATIENTS_DO_NOT_SEE = {"social_image"}


class SiteImage(AbstractImage):
    """An image described for patients who cannot see it, or marked decorative."""

    description = models.CharField(
        "description",
        max_length=255,
        blank=True,
        default="",
        help_text="What a patient who cannot see the picture would miss, in a sentence: "
        "screen readers read it out instead of the picture. E.g. “The clinic's entrance "
        "on Example Avenue, with a ramp beside the door.”",
    )
    is_decorative = models.BooleanField(
        "decorative",
        default=False,
        help_text="Tick only for a picture that tells patients nothing (a texture, a "
        "flourish): screen readers then skip it, and it needs no description.",
    )

    admin_form_fields = (*Image.admin_form_fields, "is_decorative")

    class Meta(AbstractImage.Meta):
        verbose_name = "image"
        verbose_name_plural = "images"

    @property
    def default_alt_text(self):
        """The picture's alt text: its description, empty when decorative, None when neither.

        None leaves the `alt` attribute out of `{% image %}` and `{% picture %}`, so
        the editor's checks (and any accessibility checker) report the picture,
        and Wagtail's rich-text chooser asks for alt text instead of ticking
        "decorative" for it. Publishing a page with such a picture is refused.
        """
        if self.is_decorative:
            return ""
        return self.description.strip() or None

    @property
    def needs_description(self):
        return not self.is_decorative and not self.description.strip()


class SiteRendition(AbstractRendition):
    image = models.ForeignKey(SiteImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)


def undescribed_image_message(image):
    return (
        f"The image “{image.title}” has no description: patients who use a screen reader "
        "would not know what it shows. Describe it (Images › edit the image › Description), "
        "or mark it decorative, before publishing."
    )


def rich_text_image_message(title, label):
    return (
        f"The image “{title}” in “{label}” has no alt text: choose it again in the editor "
        "and describe it, or tick “Image is decorative”, before publishing."
    )


def rich_text_images_without_alt(html):
    """Ids of the images embedded in rich text (database format) that carry no alt attribute.

    Wagtail's chooser always stores one: the editor's words, or empty for an
    image marked decorative. Only pasted or imported rich text lacks it.
    """
    ids = []
    for match in FIND_EMBED_TAG.finditer(html or ""):
        attrs = extract_attrs(match.group(1))
        if attrs.get("embedtype") == "image" and "alt" not in attrs:
            ids.append(attrs.get("id"))
    return ids


class PatientPageForm(WagtailAdminPageForm):
    """The editor's form of every public page: its pictures must say what they show.

    On publish, schedule and submit for review (non-deferred validation), a
    chosen image without description or decorative mark, or a rich-text
    image without alt text, is refused with its name. Draft saves skip it.
    """

    def clean(self):
        cleaned_data = super().clean()
        if not self.is_deferred_validation:
            for name, message in self.image_problems(cleaned_data):
                self.add_error(name, message)
        return cleaned_data

    def image_problems(self, cleaned_data):
        model_fields = [
            field
            for field in self._meta.model._meta.get_fields()
            if field.name in self.fields and field.name in cleaned_data
        ]
        for field in model_fields:
            if (
                isinstance(field, models.ForeignKey)
                and issubclass(field.related_model, AbstractImage)
                and field.name not in IMAGES_PATIENTS_DO_NOT_SEE
            ):
                image = cleaned_data[field.name]
                if image is not None and image.needs_description:
                    yield field.name, undescribed_image_message(image)

        embedded = {
            field.name: rich_text_images_without_alt(cleaned_data[field.name])
            for field in model_fields
            if isinstance(field, RichTextField)
        }
        ids = {pk for pks in embedded.values() for pk in pks}
        if not ids:
            return
        titles = dict(
            get_image_model()
            .objects.filter(pk__in=[pk for pk in ids if str(pk).isdigit()])
            .values_list("pk", "title")
        )
        for name, pks in embedded.items():
            label = capfirst(self._meta.model._meta.get_field(name).verbose_name)
            found = {titles.get(int(pk)) for pk in pks if str(pk).isdigit()}
            for title in sorted(found - {None}):  # a deleted image shows nothing at all
                yield name, rich_text_image_message(title, label)
