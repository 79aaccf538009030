"""Pinyin for search: residents type 白茶, baicha or just bc (county storefronts and the
province catalogue alike).

Pure functions, no models. `pinyin_full("安吉白茶")` is "anjibaicha", `pinyin_initials` is
"ajbc"; text that is not Chinese (letters, digits) is kept, lowercased, without spaces, so
"iPhone 15 手机壳" gives "iphone15shoujike" and "iphone15sjk". Polyphonic characters take
pypinyin's phrase-aware reading (重庆 -> chongqing), which is what people type.
"""

import re

from pypinyin import Style, lazy_pinyin

_NOT_LATIN_OR_DIGIT = re.compile(r"[^a-z0-9]+")
# A query a resident types as pinyin: latin letters, digits, spaces and apostrophes (xi'an).
_PINYIN_QUERY = re.compile(r"^[A-Za-z0-9\s']+$")


def _compact(text: str) -> str:
    return _NOT_LATIN_OR_DIGIT.sub("", text.lower())


def pinyin_full(text: str) -> str:
    return _compact("".join(lazy_pinyin(text or "", errors="default")))


def pinyin_initials(text: str) -> str:
    # Non-Chinese runs come back whole from pypinyin and are kept whole: a brand typed in
    # latin letters is matched by its letters, not its first letter.
    return _compact("".join(lazy_pinyin(text or "", style=Style.FIRST_LETTER, errors="default")))


def query_normalise(q: str) -> str:
    """The query as typed, trimmed, inner whitespace collapsed, at most 64 characters."""
    return " ".join((q or "").split())[:64]


def query_as_pinyin(q: str) -> str:
    """The query compacted for matching against pinyin ("Bai Cha" -> "baicha"), or "" when it
    is not a pinyin query (it contains Chinese or other characters)."""
    if not q or not _PINYIN_QUERY.match(q):
        return ""
    return _compact(q)
