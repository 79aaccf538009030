"""Reads of the province's vocabularies, units of sale and certification kinds
(hub.models.SaleUnit, CertificationKind), for every county.

County fields store a term's code and take their choices from here (`choices=unit_choices`, a
callable, which Django asks at each use and migrations store by name): a term the province adds
or renames reaches every county at once, with no migration (docs/adr/0016). Terms are read once
per process and kept for FRESH_SECONDS (a listing page asks for a label per card); a save in the
province admin forgets them in that process at once, and the others within FRESH_SECONDS.

Before the tables exist (the system checks of the first `migrate`) the seeds of hub.taxonomy
stand in, so a fresh database can be migrated.
"""

import time
from dataclasses import dataclass

from django.db import DatabaseError, transaction
from django.utils.translation import get_language

from hub.taxonomy import CERTIFICATE_NUMBER_REQUIRED, Certification, Unit

FRESH_SECONDS = 10


@dataclass(frozen=True)
class Term:
    code: str
    name: str
    name_en: str
    is_active: bool
    number_required: bool = False

    @property
    def label(self) -> str:
        language = get_language() or ""
        return self.name_en if self.name_en and language.startswith("en") else self.name


_loaded: dict[str, tuple[float, tuple[Term, ...]]] = {}


def _seeds(kind: str) -> tuple[Term, ...]:
    # The enums' labels are gettext messages: str() gives them in the active language, so
    # name and name_en are the same string here and Term.label returns it either way.
    if kind == "unit":
        return tuple(Term(u.value, str(u.label), str(u.label), True) for u in Unit)
    return tuple(
        Term(c.value, str(c.label), str(c.label), True, c.value in CERTIFICATE_NUMBER_REQUIRED)
        for c in Certification
    )


def _read(kind: str) -> tuple[Term, ...]:
    from hub.models import CertificationKind, SaleUnit

    try:
        # A savepoint, so a missing table does not break a transaction the caller is in.
        with transaction.atomic():
            if kind == "unit":
                rows = SaleUnit.objects.values_list("code", "name", "name_en", "is_active")
                return tuple(Term(*row) for row in rows)
            rows = CertificationKind.objects.values_list(
                "code", "name", "name_en", "is_active", "number_required"
            )
            return tuple(Term(*row) for row in rows)
    except DatabaseError:
        return ()


def terms(kind: str) -> tuple[Term, ...]:
    """Every term of `kind` ("unit" or "certification"), in the province's order."""
    now = time.monotonic()
    loaded = _loaded.get(kind)
    if loaded is None or now - loaded[0] > FRESH_SECONDS:
        found = _read(kind)
        if not found:
            return _seeds(kind)
        loaded = _loaded[kind] = (now, found)
    return loaded[1]


def vocabulary_forget() -> None:
    """Read the terms again at the next use (after a save, in this process)."""
    _loaded.clear()


def unit_choices() -> list[tuple[str, str]]:
    """Every unit, inactive ones too: a county field validates and shows stored codes with
    these. Forms offering a unit for new input use active_unit_choices."""
    return [(term.code, term.label) for term in terms("unit")]


def certification_choices() -> list[tuple[str, str]]:
    return [(term.code, term.label) for term in terms("certification")]


def active_unit_choices() -> list[tuple[str, str]]:
    return [(term.code, term.label) for term in terms("unit") if term.is_active]


def active_certification_choices() -> list[tuple[str, str]]:
    return [(term.code, term.label) for term in terms("certification") if term.is_active]


def unit_label(code: str) -> str:
    """A unit's name as the reader reads it ("jin" -> 斤); an unknown code as itself."""
    return next((term.label for term in terms("unit") if term.code == code), code)


def certification_label(code: str) -> str:
    return next((term.label for term in terms("certification") if term.code == code), code)


def certificate_number_required(code: str) -> bool:
    return next(
        (term.number_required for term in terms("certification") if term.code == code), True
    )
