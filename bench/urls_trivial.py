"""Bench only: the trivial view measured by bench/tenant_overhead.py, on every host.

It answers with the schema the connection is set to, without a query, so the load generator
can check that each response came from the right schema."""

from django.db import connection
from django.http import HttpResponse
from django.urls import path


def trivial(request):
    return HttpResponse(connection.schema_name, content_type="text/plain")


urlpatterns = [path("trivial/", trivial)]
