"""Shared by the registration and assisted-listing tests: the SMS code a villager reads out,
registering one each way, and pictures of a signed form or of produce. The points and their
clerks are fixtures (tests/clerk/conftest.py)."""

import io
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.models import Consent, SmsOutbox, User
from accounts.services import mobile_normalize
from service_points.models import PointVillager
from service_points.services import villager_register, villager_register_start

VILLAGERS = "/clerk/villagers/"
REGISTER = "/clerk/villagers/register/"
CONFIRM = "/clerk/villagers/register/confirm/"
CODE = re.compile(r"验证码 ([0-9]{6})")


def last_code(mobile: str) -> str:
    """The code in the latest text to `mobile`, as the villager reads it out."""
    mobile = mobile_normalize(mobile=mobile)
    text = SmsOutbox.objects.filter(mobile=mobile).order_by("-created_at", "-id").first().text
    return CODE.search(text).group(1)


def jpeg_bytes(size=(64, 48), colour=(200, 30, 30), exif: bool = False) -> bytes:
    image = Image.new("RGB", size, colour)
    buffer = io.BytesIO()
    if exif:
        tags = Image.Exif()
        tags[0x010F] = "PhoneMaker"  # Make
        image.save(buffer, format="JPEG", exif=tags.tobytes())
    else:
        image.save(buffer, format="JPEG")
    return buffer.getvalue()


def jpeg_upload(name="IMG_0001.jpg", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes(**kwargs), content_type="image/jpeg")


def register_by_own_phone(clerk_user, mobile: str, name: str = "") -> PointVillager:
    """The whole registration through the services, as the console does it."""
    villager_register_start(clerk_user=clerk_user, how="own", mobile=mobile, name=name)
    return villager_register(
        clerk_user=clerk_user, how="own", mobile=mobile, name=name, code=last_code(mobile)
    )


def register_by_proxy(clerk_user, name: str, proxy_mobile: str, relation: str) -> PointVillager:
    villager_register_start(
        clerk_user=clerk_user,
        how="proxy",
        name=name,
        proxy_mobile=proxy_mobile,
        proxy_relation=relation,
    )
    return villager_register(
        clerk_user=clerk_user,
        how="proxy",
        name=name,
        proxy_mobile=proxy_mobile,
        proxy_relation=relation,
        code=last_code(proxy_mobile),
        photo=jpeg_upload("form.jpg"),
    )


def register_on_paper(clerk_user, name: str) -> PointVillager:
    return villager_register(
        clerk_user=clerk_user, how="paper", name=name, photo=jpeg_upload("form.jpg")
    )


def people_snapshot() -> dict:
    """Accounts, links and consents: what a refused registration must leave as it was."""
    return {
        "users": list(User.objects.order_by("pk").values_list("pk", "username", "mobile")),
        "links": list(PointVillager.objects.order_by("pk").values_list("pk", "point", "user")),
        "consents": list(Consent.objects.order_by("pk").values_list("pk", "user", "method")),
    }
