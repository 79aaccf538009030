"""After an upgrade, sync_county_groups gives old counties' operators the new permissions."""

from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django_tenants.utils import tenant_context

from core.roles import COUNTY_OPERATORS_GROUP


def _moderate(county) -> bool:
    with tenant_context(county):
        group = Group.objects.get(name=COUNTY_OPERATORS_GROUP)
        return group.permissions.filter(codename="moderate_listing").exists()


def _revoke_moderate(county) -> None:
    with tenant_context(county):
        group = Group.objects.get(name=COUNTY_OPERATORS_GROUP)
        group.permissions.remove(Permission.objects.get(codename="moderate_listing"))


def test_sync_restores_permissions_in_every_county_and_prints_progress(
    in_public, county, other_county, capsys
):
    # A county created by a release that did not know listing moderation yet.
    _revoke_moderate(county)
    _revoke_moderate(other_county)
    assert (_moderate(county), _moderate(other_county)) == (False, False)

    call_command("sync_county_groups")

    assert (_moderate(county), _moderate(other_county)) == (True, True)
    out = capsys.readouterr().out
    assert "安吉县 (county_anji)" in out
    assert "淳安县 (county_chunan)" in out
    assert "3 schemas synced." in out  # two counties and the template
