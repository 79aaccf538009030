"""Signing in with a mobile number and an SMS code, for a bearer token."""

import datetime as dt
from typing import Literal

from ninja import Schema


class SmsCodeIn(Schema):
    mobile: str


class SmsCodeOut(Schema):
    """From the SmsCode row accounts.services.sms_code_request made."""

    mobile: str
    expires_at: dt.datetime


class TokenIn(Schema):
    mobile: str
    code: str


class UserOut(Schema):
    id: int
    mobile: str


class TokenOut(Schema):
    """From {"token": the raw token, "token_type": "Bearer", "user": the User}."""

    token: str
    token_type: Literal["Bearer"]
    user: UserOut
