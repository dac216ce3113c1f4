"""Media: videos, press articles, podcasts and talks, and the page that lists them.

An item is a snippet (Snippets › Media items): it belongs to no place in the
tree, and the Media page (or any later page) lists or embeds it. A video is
shown as its stored thumbnail and a play button; the player is loaded from
youtube-nocookie.com or Vimeo with dnt=1 only after the patient clicks
(static/js/video.js), so the page makes no third-party request before then.
"""

from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.images import get_image_model, get_image_model_string
from wagtail.models import Page
from wagtail.search import index

from pagecache.pages import UncachedPageMixin
from practice.models import SEOMixin
from practice.structured_data import text
from press import video


class MediaItem(index.Indexed, models.Model):
    class Kind(models.TextChoices):
        VIDEO = "video", "Video"
        ARTICLE = "article", "Press article"
        PODCAST = "podcast", "Podcast"
        TALK = "talk", "Talk"

    # Video and audio need a text alternative (WCAG 1.2.1 and 1.2.2).
    NEEDS_TRANSCRIPT = {Kind.VIDEO, Kind.PODCAST}

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.VIDEO)
    title = models.CharField(max_length=200)
    date = models.DateField()
    outlet = models.CharField(
        max_length=120, blank=True, help_text="Channel, publication or event."
    )
    url = models.URLField("URL", max_length=500)
    thumbnail = models.ForeignKey(
        get_image_model_string(),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Left empty for a YouTube video, it is fetched once from YouTube when you save.",
    )
    summary = models.TextField(blank=True)
    transcript = RichTextField(
        blank=True,
        features=["h3", "bold", "italic", "ol", "ul", "link"],
        help_text="Required for a video or a podcast.",
    )
    captions_url = models.URLField("Captions link", max_length=500, blank=True)

    panels = [
        FieldPanel("kind"),
        FieldPanel("title"),
        FieldPanel("date"),
        FieldPanel("outlet"),
        FieldPanel("url"),
        FieldPanel("thumbnail"),
        FieldPanel("summary"),
        FieldPanel("transcript"),
        FieldPanel("captions_url"),
    ]

    search_fields = [index.SearchField("title"), index.SearchField("outlet")]

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = "media item"

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        errors = {}
        needs = self.kind in self.NEEDS_TRANSCRIPT or (
            self.kind == self.Kind.TALK and self.embed_url
        )
        if needs and not text(self.transcript).strip():
            errors["transcript"] = (
                "Add a transcript before publishing: patients who cannot hear or see "
                "the recording read it instead (WCAG 1.2.1 and 1.2.2)."
            )
        if self.kind == self.Kind.VIDEO and not self.embed_url:
            errors["url"] = "Give the address of a YouTube or Vimeo video."
        if errors:
            raise ValidationError(errors)
        if self.thumbnail_id is None and video.youtube_id(self.url):
            self.fetch_thumbnail()

    def fetch_thumbnail(self):
        """Store YouTube's thumbnail in Wagtail images, once; a clear message if it fails."""
        try:
            title, image_file = video.fetch_youtube_thumbnail(self.url)
        except video.ThumbnailError as error:
            raise ValidationError({"thumbnail": str(error)}) from error
        self.thumbnail = get_image_model().objects.create(
            title=title or self.title, file=image_file
        )

    @property
    def embed_url(self):
        return video.embed_url(self.url)

    @property
    def is_video(self):
        return bool(self.embed_url)

    def structured_data(self, root_url):
        if not self.is_video:
            return None
        node = {
            "@type": "VideoObject",
            "name": self.title,
            "uploadDate": self.date.isoformat(),
            "embedUrl": self.embed_url.split("?")[0],
            "url": self.url,
            "description": self.summary or self.title,
        }
        if self.thumbnail:
            rendition = self.thumbnail.get_rendition("width-800")
            node["thumbnailUrl"] = root_url.rstrip("/") + rendition.url
        if self.transcript:
            node["transcript"] = text(self.transcript)
        return node


class MediaPage(UncachedPageMixin, SEOMixin, Page):  # noqa: DJ008 (Page's __str__ is the title)
    """The physician's videos, press and podcasts, newest first, filterable by kind.

    Uncached for now: its listing changes with snippets, which the page cache
    does not purge on, and its response carries its own CSP frame-src.
    """

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]

    max_count = 1
    subpage_types = []

    search_fields = Page.search_fields + [index.SearchField("intro")]

    def selected_kind(self, request):
        kind = request.GET.get("kind", "")
        return kind if kind in MediaItem.Kind.values else ""

    def items(self, request):
        # Read once per request: the listing and its JSON-LD show the same items.
        if not hasattr(request, "_media_items"):
            items = MediaItem.objects.select_related("thumbnail")
            if kind := self.selected_kind(request):
                items = items.filter(kind=kind)
            request._media_items = list(items)
        return request._media_items

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["items"] = self.items(request)
        context["kinds"] = MediaItem.Kind.choices
        context["selected_kind"] = self.selected_kind(request)
        return context

    def structured_data(self, request, root_url, url):
        videos = [node for item in self.items(request) if (node := item.structured_data(root_url))]
        if not videos:
            return None
        return {"@type": "ItemList", "@id": f"{url}#media", "itemListElement": videos}

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        # Frames only from the privacy-enhanced players, and only on this page.
        response._csp_replace = {"frame-src": video.FRAME_HOSTS}
        return response
