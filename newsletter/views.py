"""The footer's sign-up form posts here."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from newsletter.forms import NewsletterSignupForm
from newsletter.models import NewsletterSubscriber


# No CSRF token: the form sits in the footer of every page, and a token would
# make every page uncacheable. A forged sign-up could only add an address the
# sender already knows, which anyone can do by filling in the form.
@csrf_exempt
def newsletter_signup(request):
    if request.method != "POST":
        return render(request, "newsletter/signup.html", {"newsletter_form": None})
    form = NewsletterSignupForm(request.POST)
    if not form.is_valid():
        return render(request, "newsletter/signup.html", {"newsletter_form": form}, status=400)
    email = form.cleaned_data["email"]
    # Signing up twice is no error: get_or_create also settles two posts racing.
    NewsletterSubscriber.objects.get_or_create(
        email=email, defaults={"consented_at": timezone.now()}
    )
    return render(request, "newsletter/thanks.html")
