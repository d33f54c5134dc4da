"""Character classes of Chinese text layout (clreq, GB/T 15834), the one place they are defined.

Used by the composer, the display-text markup, the lint and the PDF measurements alike.
"""

from __future__ import annotations

import unicodedata

OPEN = frozenset("“‘（《〈「『【〔〖［｛")  # opening marks: their blank half is on the left
CLOSE = frozenset("”’）》〉」』】〕〗］｝")  # closing marks: blank half on the right
STOPS = frozenset("，。、；：？！")  # pause and end marks: blank half on the right
FULLWIDTH = OPEN | CLOSE | STOPS  # the marks with a blank half that may be trimmed
TRIM_AT_END = CLOSE | STOPS  # set at half width at the end of a line (GB/T 15834 §5.1.10)
# Never at a line start (kinsoku): closing and stop marks, and the marks clreq keeps with what precedes them.
NO_LINE_START = CLOSE | STOPS | frozenset("·・～—／…‥々〻ー゠")
NO_LINE_END = OPEN  # never at a line end
NO_BREAK_SPACES = frozenset("\u00a0\u2007\u202f")  # spaces a line never breaks at
GROUP_MARKS = frozenset("—…")  # —— and …… are one mark of two characters: never split, never spaced apart
PHRASE_END = frozenset("，、；：。！？")  # a display line breaks best after one of these
SENTENCE_END = frozenset("。！？")  # a sentence ends here (with the closing marks that follow)
# Particles that lean on the word before them: a display line should not start with one ('新的|发布' not '新|的发布').
WEAK_START = frozenset("的地得了着过们吗呢吧啊么")
LATIN_BREAK_AFTER = frozenset("/-_.")  # where a long Latin word or path may break at a display line's end


def is_han(ch: str) -> bool:
    """An ideograph or kana: a character of Chinese (or Japanese) text set in a 1 em square."""
    o = ord(ch)
    return (0x3400 <= o <= 0x4DBF or 0x4E00 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF
            or 0x20000 <= o <= 0x3FFFF or 0x3040 <= o <= 0x30FF or o == 0x3007)


def is_cjk(ch: str) -> bool:
    """Set as a 1 em square (or a CJK mark): Han, kana, CJK and full-width punctuation and forms."""
    o = ord(ch)
    return (is_han(ch) or ch in FULLWIDTH or ch in NO_LINE_START or 0x3000 <= o <= 0x303F
            or 0xFF00 <= o <= 0xFFEF or 0x2018 <= o <= 0x201F or 0x2E80 <= o <= 0x2FDF
            or 0x3100 <= o <= 0x33FF or 0xFE30 <= o <= 0xFE4F)


def is_mark(ch: str) -> bool:
    """Punctuation: what does not count as a character of its own on a paragraph's last line."""
    return ch in FULLWIDTH or ch in NO_LINE_START or unicodedata.category(ch).startswith("P")


def is_latin(ch: str) -> bool:
    """A letter or digit of a Western script (set proportionally, spaced from Han)."""
    return not is_cjk(ch) and not ch.isspace() and unicodedata.category(ch)[0] in "LN"
