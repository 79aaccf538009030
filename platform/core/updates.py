"""The one way an edit form's changes reach a row: only the fields a service allows, on the
row locked for the transaction, strings stripped, validated by the model, saved.

Services keep their own rules (who may edit, what an edit does next); this keeps the part
every edit shares, so a refusal always names the same unknown fields and changes nothing.
"""

from collections.abc import Callable, Iterable
from typing import TypeVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError, full_clean_or_refuse

M = TypeVar("M", bound=models.Model)

MSG_UNKNOWN_FIELDS = _("这些字段不能在这里修改：%(fields)s。")


def fields_refuse_unknown(changes: Iterable[str], allowed: Iterable[str]) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ApplicationError(MSG_UNKNOWN_FIELDS % {"fields": ", ".join(sorted(unknown))})


def _stripped(value):
    return value.strip() if isinstance(value, str) else value


def model_update(
    *,
    instance: M,
    fields: Iterable[str],
    data: dict,
    check: Callable[[M], None] | None = None,
    validate: Callable[[M, list[str]], None] | None = None,
) -> tuple[M, list[str]]:
    """Apply `data` (a subset of `fields`) to the row of `instance`, locked with SELECT ... FOR
    UPDATE. Call inside transaction.atomic: a refusal then changes nothing.

    check(locked) runs on the locked row before anything is set (who may edit it);
    validate(locked, changed) after the values are set, before the model's own full_clean.
    Returns the saved row and the names of the fields whose value differed; a call that
    changes nothing saves nothing.
    """
    fields = tuple(fields)
    fields_refuse_unknown(data, fields)
    locked = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    if check is not None:
        check(locked)
    changed = [
        name for name in fields if name in data and getattr(locked, name) != _stripped(data[name])
    ]
    if not changed:
        return locked, []
    for name in changed:
        setattr(locked, name, _stripped(data[name]))
    if validate is not None:
        validate(locked, changed)
    full_clean_or_refuse(locked)
    auto_now = [
        field.name
        for field in locked._meta.concrete_fields
        if getattr(field, "auto_now", False) and field.name not in changed
    ]
    locked.save(update_fields=[*changed, *auto_now])
    return locked, changed
