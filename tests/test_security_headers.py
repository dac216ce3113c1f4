"""The security headers (django-csp, django-permissions-policy): one view may add a source."""

from csp.decorators import csp_replace
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory

from practice.middleware import PublicCSPMiddleware

YOUTUBE = "https://www.youtube-nocookie.com"


def directives(header):
    return dict(
        (part.split(" ", 1) + [""])[:2] for part in (p.strip() for p in header.split(";")) if part
    )


def serve(view, path="/video/"):
    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    middleware = PublicCSPMiddleware(view)
    middleware.process_request(request)
    return middleware.process_response(request, view(request))


def plain_view(request):
    return HttpResponse("<p>A page</p>")


@csp_replace({"frame-src": [YOUTUBE]})
def video_view(request):
    return HttpResponse("<iframe></iframe>")


def test_a_page_may_frame_nothing():
    policy = directives(serve(plain_view)["Content-Security-Policy"])

    assert policy["frame-src"] == "'none'"
    assert policy["script-src"] == "'self'"


def test_a_view_that_shows_a_video_may_frame_youtube_nocookie_only():
    policy = directives(serve(video_view)["Content-Security-Policy"])

    assert policy["frame-src"] == YOUTUBE
    # The rest of the policy stands.
    assert policy["script-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"


def test_the_admin_keeps_wagtails_own_policy():
    assert "Content-Security-Policy" not in serve(plain_view, path="/admin/pages/")
