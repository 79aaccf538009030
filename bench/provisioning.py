"""How long it takes to provision counties, on a throwaway database of its own.

Measures, on a fresh database `fengshou_bench` (never the dev or test databases):

1. the time to create a county end to end (validation, schema, domain, Wagtail site, operator
   account) by cloning the template schema (`hub.services.county_create`, the product's way,
   TENANT_CREATION_FAKES_MIGRATIONS=True) and by running every migration (the same steps and
   services under TENANT_CREATION_FAKES_MIGRATIONS=False, but outside county_create's
   transaction, in which Wagtail's migrations cannot run). The two kinds alternate, so machine
   noise hits both; it prints each median, the schema step alone too, and clone / migrations
   (target <= 0.25; reference on 2 cores: 1.4 s vs 9-10 s).
2. the wall time of `manage.py migrate_schemas` (public + template + 30 counties) with nothing
   to apply, run as a fresh process as a deploy would (start-up included), after one untimed
   warm-up run: `--executor=multiprocessing` (TENANT_MULTIPROCESSING_MAX_PROCESSES, default 2)
   and the default sequential executor, alternating (reference, 20 counties: 4.8 s vs 7.1 s).

The database is created at the start and dropped at the end (`--keep` leaves it, with its
counties, for bench/tenant_overhead.py to reuse).

    .venv/bin/python -m bench.provisioning [--runs 5] [--counties 30] [--migrate-runs 2] [--keep]
"""

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import time

from bench.harness import ROOT, T0, database_drop, database_recreate, say

BENCH_DB = "fengshou_bench"
BENCH_ENV = {
    # Forced, not defaulted: this script must never touch the dev or test databases.
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{BENCH_DB}",
    "REDIS_URL": "redis://127.0.0.1:6379/13",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/13",
    "CELERY_RESULT_BACKEND": "redis://127.0.0.1:6379/13",
    "DEBUG": "0",
    "LOG_LEVEL": "WARNING",
}
os.environ.update(BENCH_ENV)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")


def county_by_migrations(*, code: str, slug: str, name: str, name_en: str, progress) -> None:
    """county_create's steps and services, minus its transaction.atomic: Wagtail's migrations
    cannot run inside one transaction ("pending trigger events"), so county_create itself
    only works by clone."""
    from django.test import override_settings
    from django_tenants.utils import tenant_context

    from accounts.services import user_create_county_operator
    from county_sites.storefront.services import county_site_setup
    from hub.models import County, CountyDomain
    from hub.services import county_domain_for, county_template_ensure
    from hub.validation import county_identity_check, schema_name_for

    domain_name = county_domain_for(slug)
    progress("check")
    county_identity_check(code=code, slug=slug, name=name, domain=domain_name)
    county_template_ensure(progress=progress)
    progress("schema")
    county = County(
        schema_name=schema_name_for(slug), code=code, slug=slug, name=name, name_en=name_en
    )
    county.full_clean()
    with override_settings(TENANT_CREATION_FAKES_MIGRATIONS=False):
        county.save(verbosity=0)
    progress("domain")
    domain = CountyDomain(domain=domain_name, tenant=county, is_primary=True)
    domain.full_clean()
    domain.save()
    with tenant_context(county):
        progress("site")
        county_site_setup(county=county, domain=domain_name)
        user_create_county_operator(username="operator", password=secrets.token_urlsafe(12))
    progress("done")


def county_timed(n: int, *, by_migrations: bool) -> tuple[float, float]:
    """(whole creation, schema step alone) in seconds."""
    from hub.services import county_create

    marks: list[float] = []

    def progress(_message: str) -> None:
        marks.append(time.perf_counter())

    kind = "migr" if by_migrations else "clone"
    identity = {"code": f"339{n:03d}", "slug": f"{kind}{n}", "name": f"基准县{n}"}
    start = time.perf_counter()
    if by_migrations:
        county_by_migrations(**identity, name_en=f"Bench {n}", progress=progress)
    else:
        county_create(**identity, name_en=f"Bench {n}", progress=progress)
    total = time.perf_counter() - start
    # The last four progress marks: schema, domain, site + operator, done.
    schema = marks[-3] - marks[-4]
    return total, schema


def migrate_schemas_timed(executor: str) -> float:
    command = [sys.executable, str(ROOT / "manage.py"), "migrate_schemas", "--noinput", "-v", "0"]
    if executor != "standard":
        command.append(f"--executor={executor}")
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=os.environ, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0 or "Applying" in done.stdout:
        sys.exit(f"migrate_schemas failed or applied something:\n{done.stdout}\n{done.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="counties of each kind to time")
    parser.add_argument("--counties", type=int, default=30, help="counties for migrate_schemas")
    parser.add_argument("--migrate-runs", type=int, default=2, help="runs of each executor")
    parser.add_argument("--keep", action="store_true", help=f"keep the {BENCH_DB} database")
    args = parser.parse_args()

    say(f"recreating database {BENCH_DB}")
    database_recreate(BENCH_DB)
    import django

    django.setup()
    from django.core.management import call_command

    from hub.models import County
    from hub.services import county_template_ensure

    try:
        say("migrating the public schema (migrate_schemas --shared)")
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
        start = time.perf_counter()
        county_template_ensure(progress=lambda message: say(f"  {message}"))
        say(f"template schema ready in {time.perf_counter() - start:.1f} s")

        say("warm-up county (clone, not timed)")
        n = 1
        county_timed(n, by_migrations=False)

        times: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
        for run in range(1, args.runs + 1):
            for by_migrations in (False, True) if run % 2 else (True, False):
                n += 1
                total, schema = county_timed(n, by_migrations=by_migrations)
                times[by_migrations].append((total, schema))
                kind = "migrations" if by_migrations else "clone     "
                say(f"run {run}/{args.runs}  {kind}  {total:6.2f} s (schema step {schema:.2f} s)")

        extra_clones: list[tuple[float, float]] = []
        while County.objects.counties().count() < args.counties:
            n += 1
            extra_clones.append(county_timed(n, by_migrations=False))
            if len(extra_clones) % 5 == 0:
                say(f"counties so far: {County.objects.counties().count()}/{args.counties}")
        schemas = County.objects.count() + 1  # + public
        counties = County.objects.counties().count()

        say("migrate_schemas warm-up run (not timed)")
        migrate_schemas_timed("standard")
        migrate_runs: dict[str, list[float]] = {"multiprocessing": [], "standard": []}
        for run in range(args.migrate_runs):
            executors = list(migrate_runs) if run % 2 == 0 else list(migrate_runs)[::-1]
            for executor in executors:
                elapsed = migrate_schemas_timed(executor)
                migrate_runs[executor].append(elapsed)
                say(f"migrate_schemas ({executor}), nothing to apply: {elapsed:.2f} s")
    finally:
        if args.keep:
            say(f"kept database {BENCH_DB}")
        else:
            say(f"dropping database {BENCH_DB}")
            database_drop(BENCH_DB)

    def figures(pairs: list[tuple[float, float]], index: int) -> tuple[float, str]:
        values = [pair[index] for pair in pairs]
        return statistics.median(values), ", ".join(f"{v:.2f}" for v in values)

    print()
    for index, what in ((0, "county creation, whole"), (1, "schema step alone (County.save)")):
        clone, clone_list = figures(times[False], index)
        migrate, migrate_list = figures(times[True], index)
        print(f"{what}:")
        print(f"  by clone:      median {clone:.2f} s over {len(times[False])} ({clone_list})")
        print(f"  by migrations: median {migrate:.2f} s over {len(times[True])} ({migrate_list})")
        print(f"  clone / migrations: {clone / migrate:.3f} (target <= 0.25)")
    every_clone = times[False] + extra_clones
    print(
        f"county creation by clone, all {len(every_clone)} timed clones: median "
        f"{figures(every_clone, 0)[0]:.2f} s (schema step {figures(every_clone, 1)[0]:.2f} s)"
    )
    for executor, runs in migrate_runs.items():
        print(
            f"migrate_schemas --executor={executor}, nothing to apply, {counties} counties "
            f"({schemas} schemas incl. public and template): median "
            f"{statistics.median(runs):.2f} s ({', '.join(f'{t:.2f}' for t in runs)})"
        )
    print(f"total bench time: {time.perf_counter() - T0:.0f} s")


if __name__ == "__main__":
    main()
