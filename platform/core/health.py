"""The health endpoint for load balancers and monitors (issue 12, docs/adr/0021).

`GET /health/` on any host, the hub's or a county's, answers before the county middleware:
no host lookup, no session, no page cache, no HTTPS redirect (a balancer probes the app server
over plain HTTP). It runs django-health-check's probes of the database, the cache and Celery's
broker and says only `ok` (200) or `unavailable` (503), never which one failed or where it
lives: the public sees nothing of the insides. Province staff see each probe's result at
`/health/detail/` on the hub host (StaffHealthView, in config/urls_public.py).
"""

import asyncio

from asgiref.sync import async_to_sync
from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from health_check.checks import Cache, Database
from health_check.contrib.redis import Redis
from health_check.views import HealthCheckView
from redis.asyncio import Redis as RedisClient

HEALTH_PATH = "/health/"
# A probe that hangs must not hang the balancer's check past its own timeout.
PROBE_TIMEOUT_SECONDS = 2.0


def _broker_client() -> RedisClient:
    # Read at each probe: tests point the broker elsewhere, and so may an operator.
    return RedisClient.from_url(
        settings.CELERY_BROKER_URL,
        socket_timeout=PROBE_TIMEOUT_SECONDS,
        socket_connect_timeout=PROBE_TIMEOUT_SECONDS,
    )


CHECKS = (
    (Database, {"alias": "default"}),
    (Cache, {"alias": "default"}),
    # Celery's broker, not its workers: a web server is healthy while workers restart.
    (Redis, {"client_factory": _broker_client}),
)


class ProbeView(HealthCheckView):
    """The library's view (never-cache headers, no transaction), with our probes."""

    checks = CHECKS

    async def run_checks(self) -> list:
        with self.get_executor() as executor:
            return await asyncio.gather(
                *(check.get_result(executor) for check in self.get_checks())
            )


class PublicHealthView(ProbeView):
    async def get(self, request, *args, **kwargs):
        results = await self.run_checks()
        healthy = not any(result.error for result in results)
        return HttpResponse(
            "ok\n" if healthy else "unavailable\n",
            status=200 if healthy else 503,
            content_type="text/plain; charset=utf-8",
        )


class StaffHealthView(ProbeView):
    """Each probe and its result as JSON, for active province staff; 404 for anyone else."""

    async def get(self, request, *args, **kwargs):
        user = await request.auser()
        if not (user.is_active and user.is_staff):
            raise Http404
        results = await self.run_checks()
        healthy = not any(result.error for result in results)
        return JsonResponse(
            {
                "status": "ok" if healthy else "unavailable",
                "checks": {
                    repr(result.check): "OK" if not result.error else str(result.error)
                    for result in results
                },
            },
            status=200 if healthy else 503,
            json_dumps_params={"ensure_ascii": False},
        )


class HealthMiddleware:
    """First in MIDDLEWARE: answers HEALTH_PATH itself, on any host."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.view = async_to_sync(PublicHealthView.as_view())

    def __call__(self, request):
        if request.path_info == HEALTH_PATH:
            return self.view(request)
        return self.get_response(request)
