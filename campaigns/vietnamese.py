"""Vietnamese text helpers with no database: folding a name for search without diacritics, and the Vietnamese
alphabetical order (rankings' tie-break among equals, officials' lists)."""

from __future__ import annotations

import functools
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


_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_ORDER = {letter: index for index, letter in enumerate(_ALPHABET)}
# Tones in dictionary order: ngang, huyền, hỏi, ngã, sắc, nặng.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_MODIFIERS = {
    ("a", "\u0306"): "ă",
    ("a", "\u0302"): "â",
    ("e", "\u0302"): "ê",
    ("o", "\u0302"): "ô",
    ("o", "\u031b"): "ơ",
    ("u", "\u031b"): "ư",
}


@functools.lru_cache(maxsize=100_000)
def vi_sort_key(name: str) -> tuple[tuple[tuple[int, int], ...], tuple[int, ...], str]:
    """A sort key for Vietnamese names: letters in the Vietnamese alphabet (a ă â b c d đ e ê …), then tones, then
    the text itself; so "Ánh" sorts among the A's and "Đức" after every D."""
    letters: list[tuple[int, int]] = []
    tones: list[int] = []
    last_letter = -1  # index in `letters` of the last Vietnamese letter, which marks and tones attach to
    for char in unicodedata.normalize("NFD", (name or "").strip().lower()):
        if unicodedata.combining(char):
            if last_letter < 0:
                continue
            group, index = letters[last_letter]
            modified = _MODIFIERS.get((_ALPHABET[index], char)) if group == 0 else None
            if modified is not None:
                letters[last_letter] = (0, _ORDER[modified])
            elif char in _TONES:
                tones[last_letter] = _TONES[char]
            continue
        if char in _ORDER:
            letters.append((0, _ORDER[char]))
            last_letter = len(letters) - 1
        elif char.isdecimal():  # not isdigit(): "²" is a digit but no decimal number
            letters.append((-1, unicodedata.decimal(char)))
            last_letter = -1
        elif char.isspace():
            letters.append((-2, 0))
            last_letter = -1
        else:
            # f, j, w, z and anything else sort after the Vietnamese letters, by code point.
            letters.append((1, ord(char)))
            last_letter = -1
        tones.append(0)
    return (tuple(letters), tuple(tones), name or "")
