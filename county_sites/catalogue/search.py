"""Pinyin for storefront search. The helpers moved to core.pinyin so the province catalogue
(hub, which imports no county app) normalises and romanises exactly as the counties do."""

from core.pinyin import pinyin_full, pinyin_initials, query_as_pinyin, query_normalise

__all__ = ["pinyin_full", "pinyin_initials", "query_as_pinyin", "query_normalise"]
