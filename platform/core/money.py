"""Money as people read it. Amounts are integer fen everywhere (never float); these print
them in yuan, for people only, never for arithmetic."""


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
