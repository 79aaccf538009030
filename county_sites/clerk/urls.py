"""The clerk's console on a county host."""

from django.urls import path

from county_sites.clerk import views

app_name = "clerk"

urlpatterns = [
    path("clerk/", views.console_home, name="console_home"),
    path("clerk/handover/", views.console_handover, name="console_handover"),
    path("clerk/till/", views.console_till, name="console_till"),
    path("clerk/till/close/", views.console_till_close, name="console_till_close"),
    path("clerk/till/handover/", views.console_till_handover, name="console_till_handover"),
    path("clerk/commissions/", views.console_commissions, name="console_commissions"),
]
