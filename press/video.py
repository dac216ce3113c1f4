"""Video hosts: the id in an editor's URL, the privacy-enhanced player, and the thumbnail fetch.

The thumbnail is fetched once, when the editor saves an item without one, and
stored in Wagtail images; the public page never calls out to YouTube.
"""

import re
from io import BytesIO
from urllib.parse import urlparse

import requests
from django.core.files.images import ImageFile

YOUTUBE = re.compile(
    r"(?:youtu\.be/|youtube(?:-nocookie)?\.com/(?:watch\?(?:.*&)?v=|embed/|shorts/))([\w-]{11})"
)
VIMEO = re.compile(r"vimeo\.com/(?:video/)?(\d+)")
OEMBED = "https://www.youtube.com/oembed"
# The only hosts the page's CSP lets frame, and only on pages that embed one.
FRAME_HOSTS = ["https://www.youtube-nocookie.com", "https://player.vimeo.com"]
TIMEOUT = 10


class ThumbnailError(Exception):
    pass


def youtube_id(url):
    match = YOUTUBE.search(url or "")
    return match.group(1) if match else ""


def vimeo_id(url):
    match = VIMEO.search(url or "")
    return match.group(1) if match else ""


def embed_url(url):
    """The player's address, loaded only after the patient clicks play."""
    if video := youtube_id(url):
        return f"https://www.youtube-nocookie.com/embed/{video}?autoplay=1"
    if video := vimeo_id(url):
        return f"https://player.vimeo.com/video/{video}?dnt=1&autoplay=1"
    return ""


def fetch_youtube_thumbnail(url):
    """(title, ImageFile) of a YouTube video through its oEmbed endpoint; ThumbnailError if not."""
    if not youtube_id(url):
        raise ThumbnailError("This is not a YouTube video address.")
    try:
        response = requests.get(OEMBED, params={"url": url, "format": "json"}, timeout=TIMEOUT)
        response.raise_for_status()
        data = response.json()
        image = requests.get(data["thumbnail_url"], timeout=TIMEOUT)
        image.raise_for_status()
    except (requests.RequestException, ValueError, KeyError) as error:
        raise ThumbnailError(
            "The thumbnail could not be fetched from YouTube; upload one instead."
        ) from error
    name = urlparse(data["thumbnail_url"]).path.rsplit("/", 1)[-1] or "thumbnail.jpg"
    return data.get("title", ""), ImageFile(
        BytesIO(image.content), name=f"{youtube_id(url)}-{name}"
    )
