"""Bench only (bench/tenant_overhead.py): bench/settings_county.py with tenancy bypassed.

The county middleware is removed, so every request stays on the public schema and is routed by
ROOT_URLCONF to the same trivial view; everything else (middleware, database, gunicorn) is the
same as the county variant.
"""

from bench.settings_county import *  # noqa: F403
from bench.settings_county import MIDDLEWARE

MIDDLEWARE = [name for name in MIDDLEWARE if name != "hub.middleware.CountyMiddleware"]
