"""Make studyprint/variants.txt: for each character the fonts cannot draw, a standard variant they can.

Reads Unicode's Unihan variants and EquivalentUnifiedIdeograph.txt from Debian's `unicode-data` package
(`apt-get install unicode-data`; files in /usr/share/unicode). Run again when fonts/ changes:

    python scripts/make_variants.py [--unicode-dir /usr/share/unicode]

NFKC forms are not listed: the lint computes those itself (and only those are fixed automatically).
"""

from __future__ import annotations

import argparse
import bz2
import re
import sys
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from studyprint import fonts  # noqa: E402

# Most telling first: the same character (z-variant, radical form), then the same meaning, then look-alikes,
# then the other script (a traditional character the fonts lack -> its simplified form).
FIELDS = ("kZVariant", "Equivalent", "kSemanticVariant", "kSpoofingVariant", "kSimplifiedVariant",
          "kSpecializedSemanticVariant", "kTraditionalVariant")
CODE = re.compile(r"U\+([0-9A-F]{4,6})")


def read_variants(unicode_dir: Path) -> dict[str, dict[str, list[str]]]:
    """{character: {field: [variants]}} from Unihan_Variants and EquivalentUnifiedIdeograph."""
    variants: dict[str, dict[str, list[str]]] = {}
    with bz2.open(unicode_dir / "Unihan_Variants.txt.bz2", "rt", encoding="utf-8") as f:
        for line in f:
            if line.startswith("U+"):
                code, field, values = line.rstrip("\n").split("\t")
                targets = [chr(int(v, 16)) for v in CODE.findall(values)]
                variants.setdefault(chr(int(code[2:], 16)), {}).setdefault(field, []).extend(targets)
    for line in (unicode_dir / "EquivalentUnifiedIdeograph.txt").read_text(encoding="utf-8").splitlines():
        data = line.split("#")[0].strip()
        if data:
            source, target = (part.strip() for part in data.split(";"))
            first, _, last = source.partition("..")
            for code in range(int(first, 16), int(last or first, 16) + 1):
                variants.setdefault(chr(code), {})["Equivalent"] = [chr(int(target, 16))]
    return variants


def table(variants: dict[str, dict[str, list[str]]], covered: frozenset[int]) -> list[tuple[str, str, str]]:
    rows = []
    for ch in sorted(variants, key=ord):
        nfkc = unicodedata.normalize("NFKC", ch)
        if ord(ch) in covered or (nfkc != ch and all(ord(c) in covered for c in nfkc)):
            continue
        for field in FIELDS:
            found = [v for v in variants[ch].get(field, []) if ord(v) in covered and v != ch]
            if found:
                rows.append((ch, found[0], field))
                break
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unicode-dir", type=Path, default=Path("/usr/share/unicode"))
    args = parser.parse_args()
    rows = table(read_variants(args.unicode_dir), fonts.covered())
    with bz2.open(args.unicode_dir / "Unihan_Variants.txt.bz2", "rt", encoding="utf-8") as f:
        version = re.search(r"Unicode version: ([\d.]+)", f.read(2000))
    out = Path(fonts.__file__).with_name("variants.txt")
    header = (f"# Made by scripts/make_variants.py from Unihan {version.group(1) if version else '?'} "
              "(Debian unicode-data): a character the fonts lack, a variant they have, the Unihan field.\n")
    out.write_text(header + "".join(f"{a}\t{b}\t{field}\n" for a, b, field in rows), encoding="utf-8")
    print(f"{out}: {len(rows)} characters")


if __name__ == "__main__":
    main()
