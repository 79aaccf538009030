"""Public pages of a county host that belong to farmers: batch traceability."""

from django.urls import path

from farmers import views

app_name = "farmers"

urlpatterns = [
    path("trace/<str:code>/", views.trace_batch, name="trace"),
    path("trace/<str:code>/qr.png", views.trace_batch_qr, name="trace_qr"),
]
