"""seed_demo on a live province must not reset the province or county operator's password to
the demo one (issue 12): the accounts are created when missing, never reset."""

from accounts.models import User
from accounts.services import user_county_operator_ensure, user_province_staff_ensure
from demo.management.commands.seed_demo import DEMO_PASSWORD


def test_an_existing_province_superuser_keeps_its_own_password(in_public):
    User.objects.create_superuser(username="province", password="the-province-own-pass-9")

    user, created = user_province_staff_ensure(username="province", password=DEMO_PASSWORD)

    user.refresh_from_db()
    assert created is False
    assert user.check_password("the-province-own-pass-9")
    assert not user.check_password(DEMO_PASSWORD)


def test_a_missing_province_superuser_is_created_with_the_given_password(in_public):
    user, created = user_province_staff_ensure(username="province", password=DEMO_PASSWORD)

    assert created is True
    assert (user.is_staff, user.is_superuser) == (True, True)
    assert user.check_password(DEMO_PASSWORD)


def test_an_existing_county_operator_keeps_its_own_password(in_county):
    operator = User.objects.get(username="operator")
    operator.set_password("the-county-own-pass-7")
    operator.save()

    user, created = user_county_operator_ensure(username="operator", password=DEMO_PASSWORD)

    user.refresh_from_db()
    assert created is False
    assert user.check_password("the-county-own-pass-7")


def test_seed_demo_uses_the_ensuring_services_only():
    """The command calls no service that resets a password."""
    import inspect

    from demo.management.commands import seed_demo

    source = inspect.getsource(seed_demo)
    assert "user_create_province_staff" not in source
    assert "user_create_county_operator" not in source
    assert "user_province_staff_ensure(" in source
    assert "user_county_operator_ensure(" in source
