"""Phone login on a county host: /account/login/ and /account/logout/."""

from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("consents/<str:purpose>/give/", views.consent_give_view, name="consent_give"),
    path("consents/<int:consent_id>/revoke/", views.consent_revoke_view, name="consent_revoke"),
]
