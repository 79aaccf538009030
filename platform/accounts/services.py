"""Writes for users, in whichever schema is current (a county's, or public for province staff)."""

from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import User
from county_sites.permissions import COUNTY_OPERATORS_GROUP


@transaction.atomic
def user_create_county_operator(*, username: str, password: str) -> User:
    """Create (or reset the password of) a county operator in the current county schema."""
    user = User.objects.filter(username=username).first() or User(username=username)
    user.is_active = True
    user.set_password(password)
    user.full_clean()
    user.save()
    user.groups.add(Group.objects.get(name=COUNTY_OPERATORS_GROUP))
    return user


@transaction.atomic
def user_create_province_staff(*, username: str, password: str) -> User:
    """Create (or reset the password of) a province superuser in public."""
    user = User.objects.filter(username=username).first() or User(username=username)
    user.is_staff = True
    user.is_superuser = True
    user.is_active = True
    user.set_password(password)
    user.full_clean()
    user.save()
    return user
