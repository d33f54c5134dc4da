"""The key sentence a poster card shows when the source gives no `poster_line`, chosen by a rule an author can follow.

The rule: the first sentence of the section's paragraphs (a sentence ends after 。！？ outside quotes and brackets,
with the closing marks that follow) that is MIN_LENGTH to MAX_LENGTH characters long (Han characters; a Latin letter
or digit counts half, marks and spaces not at all) and does not open with a word that leans on the sentence before
it (因此, 但是, 这…). A sentence shorter than MIN_LENGTH ("是的。") is read together with the next one. When no
sentence qualifies the card has none. `-v` prints every choice, so the author can set `poster_line` instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import emphasis
from .chars import CLOSE, OPEN, SENTENCE_END, is_han, is_latin
from .model import Section

MIN_LENGTH, MAX_LENGTH = 8, 40
LEANS_BACK = ("因此", "所以", "但是", "但", "而且", "并且", "然而", "此外", "另外", "同时",
              "这", "那", "它", "其", "该", "此")


@dataclass(frozen=True)
class KeySentence:
    text: str
    paragraph: int  # where it starts, counted from 1
    sentence: int

    def where(self) -> str:
        return f"paragraph {self.paragraph}, sentence {self.sentence}"


def sentences(paragraph: str) -> list[str]:
    """The paragraph's complete sentences; a trailing piece without 。！？ (a list item, a lead-in) is dropped."""
    found, start, i, depth = [], 0, 0, 0
    while i < len(paragraph):
        depth = depth + 1 if paragraph[i] in OPEN else max(0, depth - 1) if paragraph[i] in CLOSE else depth
        if paragraph[i] in SENTENCE_END and depth == 0:
            while i + 1 < len(paragraph) and (paragraph[i + 1] in SENTENCE_END or paragraph[i + 1] in CLOSE):
                i += 1
            found.append(paragraph[start:i + 1].strip())
            start = i + 1
        i += 1
    return [s for s in found if s]


def length(text: str) -> float:
    return sum(1.0 if is_han(ch) else 0.5 if is_latin(ch) else 0.0 for ch in text)


def choose(section: Section) -> KeySentence | None:
    for p, paragraph in enumerate(section.paragraphs, 1):
        found = sentences(emphasis.plain(paragraph))
        for s in range(len(found)):
            text, end = found[s], s + 1
            while length(text) < MIN_LENGTH and end < len(found):
                text, end = text + found[end], end + 1
            if MIN_LENGTH <= length(text) <= MAX_LENGTH and not text.startswith(LEANS_BACK):
                return KeySentence(text, p, s + 1)
    return None
