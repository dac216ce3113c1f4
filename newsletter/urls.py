from django.urls import path

from newsletter import views

app_name = "newsletter"

urlpatterns = [
    path("", views.newsletter_signup, name="signup"),
    path("thanks/", views.thanks, name="thanks"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
