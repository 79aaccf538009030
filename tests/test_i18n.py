"""Chinese first, English second: the catalogues are complete and pages answer in the reader's
language on the hub and on a county host (locale/README.md)."""

import json
import os
import re
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from hub.models import County
from hub.services import county_suspend
from tests.fixtures.counties import SchemaKeepingClient, host_of

pytestmark = pytest.mark.usefixtures("compiled_messages")

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
EN_PO = LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po"
ZH_PO = LOCALE_DIR / "zh_Hans" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")
# The ignores of the makemessages command in locale/README.md: keep the two the same.
MAKEMESSAGES_IGNORES = (".venv", "bench", "tests", "var")
# What makemessages reads for the "django" domain (its default extensions).
MAKEMESSAGES_EXTENSIONS = (".py", ".html", ".txt")

PORTAL_ZH, PORTAL_EN = "选择您所在的县", "Choose your county"
COUNTY_HOME_ZH, COUNTY_HOME_EN = "欢迎来到安吉县丰收购", "Welcome to Anji County on Fengshou"
SET_LANGUAGE_FORM = 'action="/i18n/setlang/"'


# ------------------------------------------------------------------------------
# The catalogues
# ------------------------------------------------------------------------------
@dataclass
class PoEntry:
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstrs: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)


def _po_entries(path: Path) -> list[PoEntry]:
    """The entries of a .po file, header and obsolete (#~) entries left out. Enough of the
    format for what makemessages writes; no third-party parser needed."""
    entries, entry, target = [], PoEntry(), None

    def finish():
        if entry.msgid:
            entries.append(entry)

    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line:
            finish()
            entry, target = PoEntry(), None
        elif line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            text = _unquote(line)
            if target == "msgctxt":
                entry.msgctxt += text
            elif target == "msgid":
                entry.msgid += text
            elif target == "msgid_plural":
                entry.msgid_plural += text
            else:
                entry.msgstrs[-1] += text
        else:
            keyword, _, value = line.partition(" ")
            if keyword == "msgctxt":
                entry.msgctxt, target = _unquote(value), "msgctxt"
            elif keyword == "msgid":
                entry.msgid, target = _unquote(value), "msgid"
            elif keyword == "msgid_plural":
                entry.msgid_plural, target = _unquote(value), "msgid_plural"
            elif keyword.startswith("msgstr"):
                entry.msgstrs.append(_unquote(value))
                target = "msgstr"
    return entries


def _unquote(quoted: str) -> str:
    # makemessages writes C-style escapes (\" \n \\ \t), which JSON reads the same way.
    return json.loads(quoted)


def test_english_catalogue_translates_every_message_and_none_is_fuzzy():
    entries = _po_entries(EN_PO)

    assert len(entries) > 50
    untranslated = [e.msgid for e in entries if not all(s.strip() for s in e.msgstrs)]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    assert untranslated == []
    assert fuzzy == []


def test_english_translations_keep_every_placeholder():
    mismatched = [
        (e.msgid, msgstr)
        for e in _po_entries(EN_PO)
        for msgstr in e.msgstrs
        if sorted(PLACEHOLDER.findall(e.msgid)) != sorted(PLACEHOLDER.findall(msgstr))
    ]

    assert mismatched == []


def test_both_catalogues_hold_the_same_messages():
    """Catches a makemessages run for one language only."""
    assert {e.msgid for e in _po_entries(EN_PO)} == {e.msgid for e in _po_entries(ZH_PO)}


def _source_copy(destination: Path) -> Path:
    """The files makemessages would read, copied under `destination` with the same layout.

    makemessages scans its working directory and writes each message into the `locale/`
    nearest above the file (settings.LOCALE_PATHS and ./locale included), so run from the
    repository it would rewrite the committed catalogues. Run from this copy, whose own
    `locale/` starts empty, it writes only there. Nested `locale/` folders (an app's own
    catalogue) are copied as folders, so their messages stay out of the project's catalogue
    as they do in a real run."""
    root = Path(settings.BASE_DIR)

    def ignored(folder: str, names: list[str]) -> set[str]:
        skip = {name for name in names if name.startswith(".") or name == "__pycache__"}
        if Path(folder) == root:
            skip |= {*MAKEMESSAGES_IGNORES, "locale", "media", "staticfiles", "node_modules"}
        return skip | {
            name
            for name in names
            if not os.path.isdir(os.path.join(folder, name))
            and not name.endswith(MAKEMESSAGES_EXTENSIONS)
        }

    copy = destination / "src"
    shutil.copytree(root, copy, ignore=ignored)
    (copy / "locale").mkdir()
    return copy


def _message_keys(entries: list[PoEntry]) -> set[tuple[str | None, str, str | None]]:
    return {(e.msgctxt, e.msgid, e.msgid_plural) for e in entries}


def test_english_catalogue_holds_every_message_in_the_code(tmp_path, settings, monkeypatch):
    """Guards against drift: a string marked for translation in the code or a template but
    never extracted (makemessages not run, or run for one language) shows Chinese to an
    English reader, which the checks above cannot see. Obsolete (#~) entries are ignored."""
    copy = _source_copy(tmp_path)
    settings.LOCALE_PATHS = [str(copy / "locale")]
    monkeypatch.chdir(copy)

    call_command(
        "makemessages",
        locale=["en"],
        ignore_patterns=list(MAKEMESSAGES_IGNORES),
        verbosity=0,
    )

    extracted = _message_keys(_po_entries(copy / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    committed = _message_keys(_po_entries(EN_PO))
    assert len(extracted) > 50
    missing = sorted(extracted - committed, key=lambda key: (key[0] or "", key[1]))
    assert missing == [], (
        "Messages in the code but not in locale/en/LC_MESSAGES/django.po: run makemessages "
        "and translate them (locale/README.md)."
    )
    # makemessages reads Jinja2 templates as Django ones: only `{{ _("...") }}` is seen there
    # (county_sites/storefront/jinja_env.py). Every message Jinja2 itself finds must have been
    # extracted.
    in_jinja = _jinja_messages()
    assert len(in_jinja) > 10
    assert sorted(in_jinja - {msgid for _ctx, msgid, _plural in extracted}) == []


def _jinja_messages() -> set[str]:
    from django.template import engines
    from jinja2.ext import extract_from_ast

    env = engines["jinja2"].env
    found = set()
    root = Path(settings.BASE_DIR)
    paths = [*root.glob("*/jinja2/**/*.html"), *root.glob("*/*/jinja2/**/*.html")]
    for path in sorted(p for p in paths if ".venv" not in p.parts):
        tree = env.parse(path.read_text(encoding="utf-8"))
        found |= {message for _line, _func, message in extract_from_ast(tree, ("_", "gettext"))}
    return found


def test_english_catalogue_names_the_brand_and_the_portal():
    translations = {e.msgid: e.msgstrs[0] for e in _po_entries(EN_PO)}

    assert translations["丰收"] == "Fengshou"
    assert translations["丰收购 · 省级平台"] == "Fengshou · Province portal"


# ------------------------------------------------------------------------------
# The hub portal
# ------------------------------------------------------------------------------
def test_portal_answers_in_chinese_by_default(hub_client):
    response = hub_client.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans">' in html
    assert PORTAL_ZH in html
    assert PORTAL_EN not in html
    assert "安吉县" in html
    assert "淳安县" in html
    assert SET_LANGUAGE_FORM in html


def test_portal_answers_in_english_to_an_english_browser(hub_client):
    response = hub_client.get("/", HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert response["Content-Language"] == "en"
    assert '<html lang="en">' in html
    assert PORTAL_EN in html
    assert "Fengshou · Province portal" in html
    assert PORTAL_ZH not in html
    assert SET_LANGUAGE_FORM in html


def test_portal_switches_to_english_with_the_language_form(hub_client):
    switched = hub_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = hub_client.get("/")

    assert switched.status_code == 302
    assert switched["Location"] == "/"
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert PORTAL_EN in html
    assert PORTAL_ZH not in html


def test_language_form_names_each_language_in_itself(hub_client):
    html = hub_client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<option value="zh-hans" lang="zh-hans">简体中文</option>' in html
    assert '<option value="en" lang="en" selected>English</option>' in html


def test_language_switch_is_labelled_in_the_readers_language(hub_client):
    """The switch's label and button come from gettext in a template tag: an English page must
    not show them in Chinese (as it would if their catalogue entries went missing)."""
    english = hub_client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    chinese = hub_client.get("/").content.decode()

    assert 'for="lang-select">Language</label>' in english
    assert '<button type="submit">Switch</button>' in english
    assert 'for="lang-select">语言</label>' in chinese
    assert '<button type="submit">切换</button>' in chinese


# ------------------------------------------------------------------------------
# A county host
# ------------------------------------------------------------------------------
def test_county_home_answers_in_chinese_by_default(county_client):
    response = county_client.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in html
    assert COUNTY_HOME_ZH in html
    assert COUNTY_HOME_EN not in html
    assert SET_LANGUAGE_FORM in html


def test_county_home_answers_in_english_to_an_english_browser(county_client):
    response = county_client.get("/", HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in html
    assert COUNTY_HOME_EN in html
    assert COUNTY_HOME_ZH not in html
    assert SET_LANGUAGE_FORM in html


def test_county_home_switches_to_english_with_the_language_form(county_client):
    switched = county_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = county_client.get("/")

    assert switched.status_code == 302
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert COUNTY_HOME_EN in html
    assert COUNTY_HOME_ZH not in html


def test_suspended_county_page_follows_the_browser_language(in_public, county):
    # A fresh row: the session's `county` object must keep its status for other tests.
    county_suspend(county=County.objects.get(pk=county.pk))
    client = SchemaKeepingClient(HTTP_HOST=host_of(county))

    chinese = client.get("/")
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en")

    assert chinese.status_code == english.status_code == 503
    assert "安吉县商城暂停服务" in chinese.content.decode()
    assert "The Anji County store is temporarily closed" in english.content.decode()
    assert "暂停服务" not in english.content.decode()


def test_unknown_host_page_follows_the_browser_language(db):
    client = Client(HTTP_HOST="nowhere.localhost")

    chinese = client.get("/")
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en")

    assert chinese.status_code == english.status_code == 404
    assert "找不到该网站" in chinese.content.decode()
    assert "Site not found" in english.content.decode()
    assert '<html lang="en">' in english.content.decode()


# ------------------------------------------------------------------------------
# Time zone
# ------------------------------------------------------------------------------
def test_times_are_shown_in_china_standard_time():
    noon_utc = datetime(2026, 6, 1, 4, 0, tzinfo=UTC)

    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True
    assert timezone.get_current_timezone_name() == "Asia/Shanghai"
    assert timezone.localtime(noon_utc).hour == 12
