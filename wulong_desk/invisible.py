"""Characters a reader cannot see, and text compared or shown without them.

Text from outside (a package, a sheet, a typed name) may carry characters that print as
nothing or as a gap: zero-width spaces and joiners, direction marks and overrides (U+202E turns
"exe.txt" into "txt.exe" on screen), full-width and other spaces, fillers and variation
selectors. They make two case numbers look alike but differ, defeat a name's mask on a public
notice ("张　三" masked as 张*三) and let a reason of four zero-width spaces pass as four
characters. The one list of them is here; `case_key`, `visible`, `mask_name` and the file names
read it. Qt-free and light: no database, no engine.
"""

from __future__ import annotations

import unicodedata

# format (Cf: zero-width, direction marks and overrides, soft hyphen …), control (Cc),
# separators (Zs spaces incl. the full-width one, Zl, Zp), unassigned/private are left alone
_INVISIBLE_CATEGORIES = frozenset({"Cf", "Cc", "Zs", "Zl", "Zp"})
# shown as blank though not in those categories: Hangul fillers, the combining grapheme
# joiner, Mongolian free variation selectors, variation selectors, the braille blank
_INVISIBLE_EXTRA = frozenset(
    [0x115F, 0x1160, 0x3164, 0xFFA0, 0x034F, 0x2800, 0x17B4, 0x17B5,
     *range(0x180B, 0x1810), *range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)])
# the controls of text direction (a subset of Cf): never in a file name
BIDI_CONTROLS = frozenset([0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F),
                           *range(0x2066, 0x206A)])


def is_invisible(char: str) -> bool:
    """True for a character that prints as nothing or as blank space."""
    return (ord(char) in _INVISIBLE_EXTRA
            or unicodedata.category(char) in _INVISIBLE_CATEGORIES)


def visible(text: str) -> str:
    """The text without any invisible character or space of any kind."""
    return "".join(char for char in text if not is_invisible(char))


def case_key(case_no: str) -> str:
    """The identity of a case number: NFKC (full-width letters and digits as plain ones),
    case folded, every invisible character and space removed. ＦＲ-0001, fr-0001 and FR-0001
    with a zero-width space are one household's number."""
    text = unicodedata.normalize("NFKC", case_no)
    text = visible(text).casefold()
    return unicodedata.normalize("NFKC", text)


def without_format_characters(text: str) -> str:
    """Text for a file name: direction controls and every other format character (Cf:
    zero-width spaces and joiners, the soft hyphen …) removed."""
    return "".join(char for char in text if ord(char) not in BIDI_CONTROLS
                   and unicodedata.category(char) != "Cf")
