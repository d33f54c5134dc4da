"""Which legacy encoding a source that is not UTF-8 is in, so that the message names it and its iconv command
converts the file rather than garbling it.

GBK, Big5, Shift_JIS and EUC-KR all use pairs of high bytes, so most files decode without error in more than one
of them; what tells them apart is the characters they decode to. Text in its own encoding is made of the common
characters of its language (each standard orders them first: GB2312's level 1 hanzi, Big5's frequent
characters, JIS level 1 kanji and kana, Hangul syllables), while the same bytes read in another encoding give
rare characters or fail. Short texts are ambiguous between GBK and EUC-KR; GBK, the Chinese clerk's Notepad
'ANSI', wins ties.
"""

from __future__ import annotations

from collections.abc import Callable

COMMON_SHARE = 0.8  # of the non-ASCII characters that must be common ones for an encoding to be named


def _in_lead_bytes(codec: str, leads: range | tuple[int, ...]) -> Callable[[str], bool]:
    def common(ch: str) -> bool:
        try:
            return ch.encode(codec)[0] in leads
        except UnicodeEncodeError:
            return False
    return common


def _any(*tests: Callable[[str], bool]) -> Callable[[str], bool]:
    return lambda ch: any(test(ch) for test in tests)


# (iconv's name, Python's codec, what a common character of the text is), in the order that wins ties
CANDIDATES: tuple[tuple[str, str, Callable[[str], bool]], ...] = (
    ("GB18030", "gb18030", _in_lead_bytes("gb2312", (*range(0xB0, 0xD8), 0xA1, 0xA3))),  # level 1, punctuation
    ("BIG5", "big5", _in_lead_bytes("big5", (*range(0xA4, 0xC7), 0xA1, 0xA2))),  # frequent characters
    ("SHIFT_JIS", "shift_jis", _any(lambda ch: "\u3040" <= ch <= "\u30ff",  # kana
                                    _in_lead_bytes("shift_jis", (*range(0x88, 0x99), 0x81)))),  # level 1 kanji
    ("EUC-KR", "euc_kr", _any(lambda ch: "\uac00" <= ch <= "\ud7a3", _in_lead_bytes("euc_kr", (0xA1, 0xA3)))),
)


def guess(data: bytes) -> str | None:
    """The iconv name of the encoding the bytes are most likely in (GBK where GBK decodes them, else GB18030,
    BIG5, SHIFT_JIS, EUC-KR, WINDOWS-1252), or None if no encoding reads them as text of its language."""
    best, best_share = None, COMMON_SHARE - 1e-9
    for name, codec, common in CANDIDATES:
        try:
            wide = [ch for ch in data.decode(codec) if not ch.isascii()]
        except UnicodeDecodeError:
            continue
        share = sum(map(common, wide)) / len(wide) if wide else 0.0
        if share > best_share:
            best, best_share = name, share
    if best == "GB18030" and _decodes(data, "gbk"):
        return "GBK"
    if best is None and _western(data):
        return "WINDOWS-1252"
    return best


def _decodes(data: bytes, codec: str) -> bool:
    try:
        data.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


def _western(data: bytes) -> bool:
    """Windows' Western 'ANSI' (é, ü, ’): every non-ASCII character a letter or typographic punctuation."""
    try:
        wide = [ch for ch in data.decode("cp1252") if not ch.isascii()]
    except UnicodeDecodeError:
        return False
    return bool(wide) and all(ch.isalpha() or ch in "‘’“”–—…€£°·«»" for ch in wide)
