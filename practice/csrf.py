"""What a visitor sees when Django's CSRF check refuses a form: a page of the site, never the bare 403.

settings.CSRF_FAILURE_VIEW points here. The usual cause is harmless: the page
was open a long while, or the browser dropped the cookie the form's token goes
with. The answer says what happened, shows the practice's phone number and,
where an app has registered its form (`register`), shows that form again with
what was typed and a fresh token: nothing is stored until it is sent again.

`practice` imports no other app: an app registers a function taking the
refused request and returning a response (its form shown again) or None when
the request is not its form's. Apps register in their AppConfig.ready().
"""

from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.debug import sensitive_variables

_forms = []


def register(reshow):
    """Add `reshow(request) -> response or None` to the forms a refused post is offered back to."""
    if reshow not in _forms:
        _forms.append(reshow)
    return reshow


@sensitive_variables()
def csrf_failure(request, reason=""):
    """403, in the site's layout, with the form shown again when an app knows it."""
    request.sensitive_post_parameters = "__ALL__"
    response = None
    for reshow in _forms:
        response = reshow(request)
        if response is not None:
            break
    if response is None:
        response = TemplateResponse(request, "practice/csrf_failure.html", {})
    response.status_code = 403
    add_never_cache_headers(response)
    return response
