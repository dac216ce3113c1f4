"""Media page and items (issue 21, items 4-6): click-to-play video without tracking."""

import datetime
import io
import json

import pytest
import responses
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from PIL import Image

from press import video
from press.models import MediaItem, MediaPage
from tests.factories import ImageFactory

URL = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
THUMB = "https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg"


def jpeg():
    out = io.BytesIO()
    Image.new("RGB", (48, 36), "navy").save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def media_page(home):
    page = MediaPage(title="Media", slug="media")
    home.add_child(instance=page)
    return page


def item(**kwargs):
    fields = {
        "kind": MediaItem.Kind.VIDEO,
        "title": "Migraine explained",
        "date": datetime.date(2026, 5, 1),
        "url": URL,
        "transcript": "<p>Hello, I am the doctor.</p>",
        "thumbnail": ImageFactory(),
    }
    fields.update(kwargs)
    return MediaItem.objects.create(**fields)


def test_lists_newest_first_and_filters_by_kind(client, media_page):
    item(title="Older video", date=datetime.date(2025, 1, 1))
    item(title="Newer article", kind="article", url="https://news.example/a", transcript="")
    soup = BeautifulSoup(client.get(media_page.url).content, "html.parser")
    assert [h.get_text() for h in soup.select(".media-item__title")] == [
        "Newer article",
        "Older video",
    ]
    soup = BeautifulSoup(client.get(media_page.url, {"kind": "article"}).content, "html.parser")
    assert [h.get_text() for h in soup.select(".media-item__title")] == ["Newer article"]


def test_a_video_needs_a_transcript(db):
    with pytest.raises(ValidationError) as error:
        MediaItem(kind="video", title="T", date=datetime.date(2026, 1, 1), url=URL).full_clean()
    assert "WCAG 1.2.1" in str(error.value.message_dict["transcript"])


@responses.activate
def test_youtube_thumbnail_fetched_once_from_a_recorded_response(db):
    responses.get(video.OEMBED, json={"title": "Migraine explained", "thumbnail_url": THUMB})
    responses.get(THUMB, body=jpeg(), content_type="image/jpeg")
    media = MediaItem(
        kind="video", title="T", date=datetime.date(2026, 1, 1), url=URL, transcript="<p>x</p>"
    )
    media.full_clean()
    media.save()
    assert media.thumbnail.width == 48
    media.full_clean()
    assert len(responses.calls) == 2


@responses.activate
def test_thumbnail_fetch_failure_is_a_clear_message(db):
    responses.get(video.OEMBED, status=404)
    media = MediaItem(
        kind="video", title="T", date=datetime.date(2026, 1, 1), url=URL, transcript="<p>x</p>"
    )
    with pytest.raises(ValidationError) as error:
        media.full_clean()
    assert "upload one instead" in str(error.value.message_dict["thumbnail"])


def test_no_iframe_or_third_party_url_before_the_click(client, media_page):
    item()
    soup = BeautifulSoup(client.get(media_page.url).content, "html.parser")
    assert not soup.find("iframe")
    sources = [tag.get("src", "") for tag in soup.find_all(src=True)]
    assert sources and not any(src.startswith(("http://", "https://", "//")) for src in sources)
    assert soup.select_one("a.video__play")["href"] == URL


def test_csp_allows_only_privacy_enhanced_frames_on_the_media_page(client, media_page, home):
    csp = client.get(media_page.url)["Content-Security-Policy"]
    frame_src = next(d for d in csp.split(";") if d.strip().startswith("frame-src"))
    assert frame_src.split()[1:] == ["https://www.youtube-nocookie.com", "https://player.vimeo.com"]
    assert "youtube" not in client.get(home.url)["Content-Security-Policy"]


def test_video_object_json_ld_carries_the_transcript(client, media_page):
    item()
    soup = BeautifulSoup(client.get(media_page.url).content, "html.parser")
    graph = json.loads(soup.find("script", type="application/ld+json").string)["@graph"]
    videos = next(n for n in graph if n["@type"] == "ItemList")["itemListElement"]
    assert videos[0]["@type"] == "VideoObject"
    assert videos[0]["transcript"] == "Hello, I am the doctor."
    assert videos[0]["embedUrl"] == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"


def test_an_editor_adds_a_media_item(client, editor_user, home):
    from django.urls import reverse

    client.force_login(editor_user)
    response = client.post(
        reverse("wagtailsnippets_press_mediaitem:add"),
        {
            "kind": "article",
            "title": "Why headache diaries matter",
            "date": "2026-01-20",
            "outlet": "Community News",
            "url": "https://news.example/diaries",
            "summary": "",
            "captions_url": "",
        },
    )
    assert response.status_code == 302
    assert MediaItem.objects.get().title == "Why headache diaries matter"
