"""Fuzzing the whole build (issue 5): YAML-ish documents, raw bytes, and arbitrary Unicode in valid sources.

Whatever the input, the build either succeeds (both PDFs, nothing else) or exits 1 with `path:line:column:
message` lines (`path: message` for what concerns the whole file) and writes nothing; never an exception,
never a hang. The suite runs a bounded number of cases; `python scripts/fuzz.py --minutes N` runs many more.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pypdfium2 as pdfium
import weasyprint
import yaml
from conftest import MINIMAL_SOURCE as GOOD
from conftest import MIXED_PIECES, SOURCE, environment, run_build
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from studyprint import ROOT, fonts
from studyprint.html import created_date
from studyprint.pipeline import read_sources

CASE_SECONDS = 30  # a case that takes longer is a hang

# Pieces of YAML that matter to the parser: structure, quoting, anchors, tags, directives, tabs, escapes.
TOKENS = [
    "title:", "subtitle:", "authors:", "name:", "affiliation:", "sections:", "heading:", "paragraphs:", "intro:",
    "poster:", "date:", "lang:", "editor:", "poster_line:", "titel:", "- ", "  ", "    ", "\t", "\n", "\r\n", ": ",
    "? ", "&a ", "*a", "!!str ", "!!binary ", "!x ", "{", "}", "[", "]", ",", "'", '"', "''", '\\"', "\\u00", "\\x",
    "\\ud800", "#", "---", "...", "|", ">-", "%YAML 1.1", "%TAG ! tag:x,2000:", "<<: ", "~", "null", "2024-06-18",
    "2024-13-45", "1e9", "0x1F", ".inf", "正文", "标题", "，", "。", "🙂", "\x00", "\x1b", "\x85", "\u2028", "\ufeff",
    "\ud7ff", "<b>", "{{ x }}", "{% if %}", "&amp;", "zh-CN",
]


def yamlish() -> st.SearchStrategy[str]:
    """Documents assembled from YAML tokens and arbitrary text, often starting from a valid source."""
    piece = st.one_of(st.sampled_from(TOKENS), st.text(max_size=8))
    pieces = st.lists(piece, max_size=40).map("".join)
    mutated = st.tuples(st.integers(0, len(GOOD)), st.integers(0, 20), pieces).map(
        lambda t: GOOD[: t[0]] + t[2] + GOOD[t[0] + t[1]:])
    return st.one_of(pieces, mutated)


def raw_bytes() -> st.SearchStrategy[bytes]:
    """Bytes: random, or a valid source in another encoding, cut, or with bytes flipped."""
    encoded = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "gbk",
                               "gb18030", "big5", "latin-1"]).map(
        lambda codec: GOOD.encode(codec, errors="replace"))
    damaged = st.tuples(encoded, st.integers(0, 200), st.binary(max_size=4)).map(
        lambda t: t[0][: t[1]] + t[2] + t[0][t[1] + len(t[2]):])
    return st.one_of(st.binary(max_size=300), encoded, damaged)


@cache
def drawable() -> str:
    """Characters every shipped face can draw, without those the source format refuses."""
    return "".join(chr(c) for c in sorted(fonts.covered()) if chr(c).isprintable() and c not in (0x85, 0x2028))


def article(text: st.SearchStrategy[str]) -> st.SearchStrategy[dict]:
    """A structurally valid source whose every text is drawn from `text`."""
    author = st.fixed_dictionaries({"name": text}, optional={"affiliation": text, "address": text})
    section = st.fixed_dictionaries({"heading": text, "paragraphs": st.lists(text, min_size=1, max_size=3)},
                                    optional={"subheading": text, "poster_line": text})
    poster = st.fixed_dictionaries({}, optional={"title": text, "tagline": text, "footer": text})
    return st.fixed_dictionaries(
        {"title": text, "authors": st.lists(author, min_size=1, max_size=2),
         "sections": st.lists(section, min_size=1, max_size=4)},
        optional={"subtitle": text, "intro": st.lists(text, min_size=1, max_size=2), "editor": text,
                  "poster": poster, "lang": st.sampled_from(["zh-CN", "en", "zh-Hans-CN"])})


def as_yaml(doc: dict, style: str | None) -> str:
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, default_style=style, width=10_000)


def unicode_sources() -> st.SearchStrategy[str]:
    """Valid structure, arbitrary Unicode text (most of it refused for a missing glyph or a control)."""
    return st.builds(as_yaml, article(st.text(min_size=1, max_size=30)), st.sampled_from([None, '"', "'"]))


def buildable_sources() -> st.SearchStrategy[str]:
    """Valid structure, text the fonts can draw: these mostly build (a poster may overflow its page)."""
    text = st.text(st.sampled_from(drawable()), min_size=1, max_size=60).filter(lambda s: s.strip())
    return st.builds(as_yaml, article(text), st.sampled_from([None, '"']))


def mixed_sources() -> st.SearchStrategy[str]:
    """Valid structure, long texts of real pieces (Han, every kind of mark, Latin words, versions, paths, URLs,
    fill-in blanks): what the composer, the layout check and the poster's display lines must all set."""
    pieces = st.sampled_from([*MIXED_PIECES, "　" * 4, "　" * 45, "**重点**"])
    text = st.lists(pieces, min_size=1, max_size=200).map("".join).filter(lambda s: s.strip() and s[0] not in "* ")
    return st.builds(as_yaml, article(text), st.just('"'))


def glyphs_off_the_page(path: Path) -> list[str]:
    """Each visible character pdfium finds outside its page's media box (not the line breaks and spaces it
    makes up between text objects, which it may place past the last glyph)."""
    doc = pdfium.PdfDocument(str(path))
    try:
        found = []
        for number, page in enumerate(doc, 1):
            width, height = page.get_size()
            text = page.get_textpage()
            for i in range(text.count_chars()):
                if text.get_text_range(i, 1).isspace():
                    continue
                left, bottom, right, top = text.get_charbox(i)
                if left < -0.5 or bottom < -0.5 or right > width + 0.5 or top > height + 0.5:
                    found.append(f"page {number}: {text.get_text_range(i, 1)!r} at {left:.1f},{bottom:.1f}")
        return found
    finally:
        doc.close()


def refused_for_length(err: str) -> bool:
    """A refusal a random text may earn: every line a poster that cannot fit, text that cannot break, or a
    combining mark with no character before it (which Pango draws on a dotted circle the composer cannot know)."""
    return all("the poster cannot fit" in line or "past the right edge of its column" in line
               or "is a mark that combines with the character before it, and there is none" in line
               for line in err.splitlines())


class Hang(Exception):
    pass


@contextlib.contextmanager
def time_limit(seconds: int):
    def alarm(signum, frame):
        raise Hang(f"a case took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@dataclass
class Outcome:
    code: int
    err: str


def check(content: str | bytes, check_only: bool = False) -> Outcome:
    """Build one source (or only validate it, with --check) and assert the contract; returns the outcome."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "fuzz.yaml"
        if isinstance(content, str):
            src.write_bytes(content.encode("utf-8", errors="surrogatepass"))
        else:
            src.write_bytes(content)
        out = Path(tmp) / "out"
        with time_limit(CASE_SECONDS):
            result = run_build(src, "--out", out, *(["--check"] if check_only else []))
        assert result.code in (0, 1), result
        if result.code == 0:
            assert result.err == ""
            if not check_only:
                assert sorted(p.name for p in out.iterdir()) == ["fuzz-handout.pdf", "fuzz-poster.pdf"]
                for pdf in out.iterdir():
                    assert glyphs_off_the_page(pdf) == [], pdf.name
        else:
            lines = result.err.splitlines()
            assert lines, "exit 1 without a message"
            pattern = re.compile(rf"{re.escape(str(src))}(:\d+:\d+)?: \S.*")
            assert [line for line in lines if not pattern.fullmatch(line)] == [], result.err
            assert "Traceback" not in result.err
        if result.code != 0 or check_only:
            assert not out.exists(), "an output after a failure"
        return Outcome(result.code, result.err)


def check_mostly_validating(content: str | bytes, budget: list[int]) -> Outcome:
    """Validate; build in full only while budget[0] > 0 builds remain (a build takes a second, a refusal
    a millisecond), so that a bounded run explores many more inputs."""
    outcome = check(content, check_only=True)
    if outcome.code == 0 and budget[0] > 0:
        budget[0] -= 1
        outcome = check(content)
    return outcome


FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(yamlish())
@example("'\n\n'")  # found by scripts/fuzz.py: a line break echoed in a message split it over two lines
def test_fuzz_yamlish_documents(text):
    check(text)


@settings(FAST, max_examples=100)
@given(raw_bytes())
def test_fuzz_raw_bytes(data):
    check(data)


BUILDS = [5]  # full builds the next test may still do


@settings(FAST, max_examples=150)
@given(unicode_sources())
def test_fuzz_arbitrary_unicode_in_valid_sources(text):
    check_mostly_validating(text, BUILDS)


@settings(FAST, max_examples=8)
@given(buildable_sources())
@example("title: '0'\nauthors:\n- name: '0'\nsections:\n- heading: '0'\n  paragraphs:\n  - 〪\n")
@example("title: '0'\nauthors:\n- name: '0'\nsections:\n- heading: '0'\n  paragraphs:\n  - 0〪\n")
def test_fuzz_drawable_text_builds(text):
    outcome = check(text)
    assert outcome.code == 0 or refused_for_length(outcome.err), outcome.err


@settings(FAST, max_examples=6)
@given(mixed_sources())
def test_fuzz_long_mixed_chinese_builds_strictly(text):
    """Strict: the layout check passes on whatever real text is composed, every glyph on its page."""
    outcome = check(text)
    assert outcome.code == 0 or refused_for_length(outcome.err), outcome.err


def test_control_a_glyph_off_the_page_is_found(tmp_path):
    path = tmp_path / "off.pdf"
    weasyprint.HTML(string='<p>on</p><p style="position: absolute; left: -30mm">off</p>').write_pdf(path)
    assert [line.split(":")[1].strip()[:5] for line in glyphs_off_the_page(path)] == ["'o' a", "'f' a", "'f' a"]


EPOCH_MESSAGE = re.compile(r"SOURCE_DATE_EPOCH: '.*' is not a moment: give whole seconds since 1970-01-01 as ASCII "
                           r"digits, at most 253402300799 \(9999-12-31\), or unset it\n", re.DOTALL)


@settings(FAST, max_examples=200)
@given(st.one_of(st.text(max_size=30), st.integers().map(str), st.floats().map(str),
                 st.integers(0, 10**15).map(lambda n: f" {n} ")))
@example("253402300800")
@example("253402300799")
def test_fuzz_source_date_epoch(value):
    """Any value a CI job may set: a date for the PDFs, or one line saying why not; never a traceback."""
    if "\x00" in value:
        return  # the environment cannot hold it
    with environment(SOURCE_DATE_EPOCH=value):
        result = run_build(SOURCE, "--check")
        if result.code == 0:
            [article] = read_sources([SOURCE])
            created = created_date(article)
            assert created is None or re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", created)
        else:
            assert result.code == 1 and EPOCH_MESSAGE.fullmatch(result.err), result.err


@settings(FAST, max_examples=25, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="/\x00"), min_size=1, max_size=12),
       st.sampled_from(["ascii", "gbk", "latin-1", "utf-8"]))
@example("学\x1b[31m\n::error::", "ascii")
def test_fuzz_file_names_on_any_output_encoding(name, encoding):
    """Whatever a file is called and whatever the terminal's encoding, the lines naming it are printed (escaped
    where they must be: no escape sequence, no line break, no CI command) and nothing is a traceback."""
    if name in (".", "..") or len(name.encode()) > 200:
        return
    with tempfile.TemporaryDirectory() as folder:
        done = subprocess.run([sys.executable, "-m", "studyprint", "new", name], cwd=folder, capture_output=True,
                              timeout=60, env={**os.environ, "PYTHONIOENCODING": encoding, "PYTHONPATH": str(ROOT)})
        assert b"Traceback" not in done.stderr, done.stderr
        assert done.returncode in (0, 1), done.stderr
        printed = done.stdout + done.stderr
        assert b"\x1b" not in printed and printed.count(b"\n") == 1 and not printed.startswith(b"::")
        printed.decode(encoding)  # every byte is of the terminal's encoding
