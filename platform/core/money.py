"""Money as people read it. Amounts are integer fen everywhere (never float); these print
them in yuan, for people only, never for arithmetic."""

import re
import unicodedata


def yuan(fen: int) -> str:
    """1234 -> "12.34", -150 -> "-1.50", -5 -> "-0.05"."""
    fen = int(fen)
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100}.{fen % 100:02d}"


def yuan_sign(fen: int) -> str:
    """With the currency sign, the minus before it: 350 -> "¥3.50", -150 -> "-¥1.50"."""
    text = yuan(fen)
    return f"-¥{text[1:]}" if text.startswith("-") else f"¥{text}"


# What people type for an amount of yuan: "1234", "1234.5", "1,234.50" (thousands grouped by
# commas, or not at all), at most two decimals. No sign: a negative amount is never typed.
_YUAN_TYPED = re.compile(r"^(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]{1,2})?$")
_YUAN_DECORATION = str.maketrans("", "", " ¥元")


def fen_parse(text: str) -> int:
    """Yuan as typed -> integer fen: "1,234.5" -> 123450, " ¥12 " -> 1200. Full-width digits
    and punctuation (a Chinese keyboard's "１２３４．５０") count as their ASCII forms. Raises
    ValueError on anything else ("", "12.345", "1,23", "-5", "abc")."""
    text = unicodedata.normalize("NFKC", str(text or "")).strip().translate(_YUAN_DECORATION)
    if not _YUAN_TYPED.match(text):
        raise ValueError(f"not an amount of yuan: {text!r}")
    whole, _dot, cents = text.replace(",", "").partition(".")
    return int(whole) * 100 + int((cents + "00")[:2])
