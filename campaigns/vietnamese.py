"""Vietnamese text helpers with no database: folding a name for search without diacritics."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower case, without tone marks or letter marks, đ → d, spaces collapsed: "Nguyễn Thị Đào" → "nguyen thi dao".

    A search typed without diacritics ("nguyen") finds every spelling; names are stored folded beside the real name.
    """
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.lower().split())


def has_marks(text: str) -> bool:
    """Whether the text carries any Vietnamese mark (a tone, a letter mark or đ): the user typed with diacritics."""
    return fold(text) != " ".join((text or "").lower().split())


def normalise(text: str) -> str:
    """NFC, lower case, spaces collapsed: how two spellings of the same marked text are compared."""
    return " ".join(unicodedata.normalize("NFC", text or "").lower().split())
