"""Backups of one county or of the hub, and their restore (issue 12, point 4; docs/deploy.md).

A county's backup is a folder holding:
- schema.dump: `pg_dump --format=custom --schema=<its schema>`, everything the county owns in
  the database (pages, users, listings, orders, ledger, sessions);
- county.json: its public rows (the County and its domains), so a county that was removed can
  be put back under the same schema and hosts;
- media.tar.gz: its media folder, MEDIA_ROOT/<schema>/ (photos, images, documents).

The hub's backup is the public schema (`pg_dump --schema=public`: the province, its staff and
the counties' rows) and MEDIA_ROOT/public/ if there is one. A whole province is the hub plus
every county; a disaster restore goes hub first, into an empty database, then each county.

pg_dump and pg_restore are PostgreSQL's own (postgresql-client, the server's major version).
"""

import json
import os
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

import psycopg
from django.conf import settings
from django.core import serializers
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from hub.models import County, CountyDomain
from hub.validation import schema_exists

FORMAT_VERSION = 1
SCHEMA_DUMP = "schema.dump"
PUBLIC_DUMP = "public.dump"
COUNTY_ROWS = "county.json"
MEDIA_ARCHIVE = "media.tar.gz"
MANIFEST = "manifest.json"

MSG_NO_COUNTY = _("没有标识为 %(slug)s 的县。")
MSG_NOT_A_BACKUP = _("%(path)s 不是丰收的备份文件夹（缺少 manifest.json）。")
MSG_WRONG_KIND = _("这个备份是%(kind)s的备份。")
MSG_SCHEMA_EXISTS = _("数据库模式 %(schema)s 已存在：确认要覆盖时加上 --replace。")
MSG_PUBLIC_NOT_EMPTY = _("目标数据库的 public 模式已有数据：请恢复到新建的空数据库。")
MSG_TOOL_FAILED = _("%(tool)s 失败：%(error)s")
MSG_FOLDER_NOT_EMPTY = _("%(path)s 已存在且不是空文件夹。")


@dataclass(frozen=True)
class Database:
    """Where pg_dump and pg_restore connect: the site's database, or another (a restore
    drill into a fresh database)."""

    name: str
    host: str
    port: str
    user: str
    password: str

    @classmethod
    def from_settings(cls) -> "Database":
        db = settings.DATABASES["default"]
        return cls(
            name=db["NAME"],
            host=db.get("HOST") or "127.0.0.1",
            port=str(db.get("PORT") or 5432),
            user=db.get("USER") or "postgres",
            password=db.get("PASSWORD") or "",
        )

    @classmethod
    def from_url(cls, url: str) -> "Database":
        parts = urlparse(url)
        return cls(
            name=unquote(parts.path.lstrip("/")),
            host=parts.hostname or "127.0.0.1",
            port=str(parts.port or 5432),
            user=unquote(parts.username or "postgres"),
            password=unquote(parts.password or ""),
        )

    def args(self) -> list[str]:
        return ["--host", self.host, "--port", self.port, "--username", self.user]

    def env(self) -> dict:
        env = {**os.environ}
        if self.password:
            env["PGPASSWORD"] = self.password
        return env


def _run(tool: str, args: list[str], database: Database) -> None:
    result = subprocess.run(  # noqa: S603  (our arguments, no shell)
        [tool, *database.args(), *args],
        env=database.env(),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise ApplicationError(
            MSG_TOOL_FAILED % {"tool": tool, "error": result.stderr.strip()[-2000:]}
        )


def _execute(statement: str) -> None:
    """DDL on the site's database, from public (schema names are ours: schema_name_for)."""
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(statement)


def _new_folder(directory: Path) -> Path:
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise ApplicationError(MSG_FOLDER_NOT_EMPTY % {"path": directory})
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _media_folder(schema: str) -> Path:
    return Path(settings.MEDIA_ROOT) / schema


def _media_on_disk() -> bool:
    """Media in MEDIA_ROOT (the default), not on object storage (core/storage.py), whose
    bucket is backed up by its own versioning or replication (docs/deploy.md)."""
    return settings.STORAGES["default"]["BACKEND"].endswith("TenantFileSystemStorage")


def _media_pack(schema: str, archive: Path) -> int | str:
    """The schema's media folder as a tar.gz; the number of files in it."""
    if not _media_on_disk():
        return "object storage: not in this backup"
    folder, count = _media_folder(schema), 0
    with tarfile.open(archive, "w:gz") as tar:
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    tar.add(path, arcname=path.relative_to(folder).as_posix())
                    count += 1
    return count


def _media_unpack(schema: str, archive: Path) -> None:
    """The schema's media folder replaced by the archive's files (nothing outside it)."""
    if not archive.is_file():
        return  # made while media was on object storage
    folder = _media_folder(schema)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    with tarfile.open(archive, "r:gz") as tar:
        # "data": no absolute names, no "..", no links out of the folder (PEP 706).
        tar.extractall(folder, filter="data")


def _manifest_write(directory: Path, **fields) -> None:
    manifest = {"format": FORMAT_VERSION, "created_at": timezone.now().isoformat(), **fields}
    (directory / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2))


def _manifest_read(directory: Path, kind: str) -> dict:
    path = Path(directory) / MANIFEST
    if not path.is_file():
        raise ApplicationError(MSG_NOT_A_BACKUP % {"path": directory})
    manifest = json.loads(path.read_text())
    if manifest.get("kind") != kind:
        raise ApplicationError(MSG_WRONG_KIND % {"kind": manifest.get("kind")})
    return manifest


# ------------------------------------------------------------------------------
# One county
# ------------------------------------------------------------------------------
def county_backup(*, slug: str, directory: Path) -> dict:
    """Dump county `slug` (its schema, public rows and media) into the new or empty
    `directory`; returns the manifest."""
    county = County.objects.filter(slug=slug).first()
    if county is None:
        raise ApplicationError(MSG_NO_COUNTY % {"slug": slug})
    directory = _new_folder(directory)
    database = Database.from_settings()
    _run(
        "pg_dump",
        [
            "--format=custom",
            f"--schema={county.schema_name}",
            "--no-owner",
            "--no-privileges",
            f"--file={directory / SCHEMA_DUMP}",
            database.name,
        ],
        database,
    )
    rows = [county, *CountyDomain.objects.filter(tenant=county).order_by("pk")]
    (directory / COUNTY_ROWS).write_text(serializers.serialize("json", rows, indent=2))
    files = _media_pack(county.schema_name, directory / MEDIA_ARCHIVE)
    _manifest_write(
        directory, kind="county", slug=county.slug, schema=county.schema_name, media_files=files
    )
    return _manifest_read(directory, "county")


def county_restore(*, directory: Path, replace: bool = False, database_url: str = "") -> County:
    """Put a county back from its backup: its schema (dropped first with `replace`), its public
    rows where missing, its media folder. Into another database with `database_url` (a drill:
    the hub must be restored there first; media goes to this site's MEDIA_ROOT)."""
    directory = Path(directory)
    manifest = _manifest_read(directory, "county")
    schema = manifest["schema"]
    database = Database.from_url(database_url) if database_url else Database.from_settings()
    here = not database_url
    aside = f"{schema}_before_restore"
    if here and schema_exists(schema):
        if not replace:
            raise ApplicationError(MSG_SCHEMA_EXISTS % {"schema": schema})
        # Kept aside until the restore has worked, put back if it fails.
        _execute(f'DROP SCHEMA IF EXISTS "{aside}" CASCADE')
        _execute(f'ALTER SCHEMA "{schema}" RENAME TO "{aside}"')
    try:
        _run(
            "pg_restore",
            [
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={database.name}",
                str(directory / SCHEMA_DUMP),
            ],
            database,
        )
    except ApplicationError:
        if here and schema_exists(aside):
            _execute(f'ALTER SCHEMA "{aside}" RENAME TO "{schema}"')
        raise
    if here:
        _execute(f'DROP SCHEMA IF EXISTS "{aside}" CASCADE')
    _media_unpack(schema, directory / MEDIA_ARCHIVE)
    if not here:
        return County(schema_name=schema, slug=manifest["slug"])
    with transaction.atomic():
        for row in serializers.deserialize("json", (directory / COUNTY_ROWS).read_text()):
            model = type(row.object)
            if not model.objects.filter(pk=row.object.pk).exists():
                # Model.save_base(raw=True): the row only; TenantMixin.save would create
                # the schema, which pg_restore has just made.
                row.save()
    return County.objects.get(schema_name=schema)


# ------------------------------------------------------------------------------
# The hub (public schema)
# ------------------------------------------------------------------------------
def hub_backup(*, directory: Path) -> dict:
    """Dump the public schema (the province) and its media, if any, into `directory`."""
    directory = _new_folder(directory)
    database = Database.from_settings()
    _run(
        "pg_dump",
        [
            "--format=custom",
            "--schema=public",
            "--no-owner",
            "--no-privileges",
            f"--file={directory / PUBLIC_DUMP}",
            database.name,
        ],
        database,
    )
    files = _media_pack("public", directory / MEDIA_ARCHIVE)
    counties = list(County.objects.order_by("slug").values_list("slug", flat=True))
    _manifest_write(directory, kind="hub", counties=counties, media_files=files)
    return _manifest_read(directory, "hub")


def hub_restore(*, directory: Path, database_url: str = "") -> None:
    """Restore the public schema into an empty database (`database_url`, or the site's own
    when it has no tables yet): the first step of a whole province's restore, before its
    counties. Refuses a database whose public schema has tables (it would mix two provinces)."""
    directory = Path(directory)
    _manifest_read(directory, "hub")
    database = Database.from_url(database_url) if database_url else Database.from_settings()
    _public_empty_make_way(database)
    _run(
        "pg_restore",
        [
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={database.name}",
            str(directory / PUBLIC_DUMP),
        ],
        database,
    )
    _media_unpack("public", directory / MEDIA_ARCHIVE)


def _public_empty_make_way(database: Database) -> None:
    with psycopg.connect(
        dbname=database.name,
        host=database.host,
        port=database.port,
        user=database.user,
        password=database.password or None,
    ) as conn:
        tables = conn.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
        ).fetchone()[0]
        if tables:
            raise ApplicationError(MSG_PUBLIC_NOT_EMPTY)
        # The dump creates the schema itself (pg_dump --schema=public writes CREATE SCHEMA):
        # the empty one of a new database makes way. Not CASCADE: anything in it stops this.
        conn.execute("DROP SCHEMA public")
