"""Batches (issue 11): --jobs gives the bytes a serial build gives; --shard slices are disjoint and together build
each source once; --html is exactly what was rendered; --preview writes every page."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import weasyprint
from conftest import MINIMAL_SOURCE, SOURCE
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image
from test_cache import ARTICLE

from studyprint import batch, pdf, pdfpost
from studyprint.cli import main


def run(*argv: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def sources(tmp_path: Path) -> list[Path]:
    """Five small articles, each with its own title and heading."""
    folder = tmp_path / "source"
    folder.mkdir()
    paths = []
    for n in range(5):
        path = folder / f"s{n}.yaml"
        text = MINIMAL_SOURCE.replace("标题", f"标题{n}").replace("树立远大信念", f"第{n}条")
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def pdfs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_jobs_give_the_same_bytes_as_a_serial_build(tmp_path: Path, sources: list[Path]) -> None:
    code, out, err = run(*sources[:2], "--out", tmp_path / "serial", "--no-cache")
    assert (code, err) == (0, "")
    code, out, err = run(*sources[:2], "--out", tmp_path / "jobs", "--no-cache", "--jobs", "2")
    assert (code, err) == (0, "")
    lines = out.splitlines()  # one per output, in the sources' order, each with its time
    assert [line.split()[0] for line in lines] == [str(tmp_path / "jobs" / f"s{n}-{kind}.pdf")
                                                   for n in range(2) for kind in ("handout", "poster")]
    assert all(re.fullmatch(r"\S+  1 page\(s\)  \d+\.\d\d s", line) for line in lines), lines
    assert pdfs(tmp_path / "jobs") == pdfs(tmp_path / "serial")


def test_jobs_write_nothing_unless_every_source_succeeds(tmp_path: Path, sources: list[Path]) -> None:
    """A source that is valid but whose poster cannot be set fails in a worker: nothing of the others is written."""
    unbreakable = "什么是 " + "Pneumonoultramicroscopicsilicovolcanoconiosis" * 2 + "？"  # too wide for any card
    sources[1].write_text(MINIMAL_SOURCE.replace("树立远大信念", unbreakable), encoding="utf-8")
    code, out, err = run(*sources[:3], "--out", tmp_path / "out", "--jobs", "2", "--only", "poster")
    assert (code, out) == (1, "")
    assert "s1.yaml: the poster cannot fit" in err or "s1.yaml: section 1's heading" in err, err
    assert not (tmp_path / "out").exists()


@given(st.integers(0, 12), st.integers(1, 5))
def test_shards_are_disjoint_and_cover_every_source(count: int, shards: int) -> None:
    sources = [Path(f"source/{n:02}.yaml") for n in reversed(range(count))]
    slices = [batch.shard(sources, i, shards) for i in range(1, shards + 1)]
    assert sorted(s for part in slices for s in part) == sorted(sources)
    assert max(map(len, slices)) - min(map(len, slices)) <= 1


def test_shards_build_each_source_once(tmp_path: Path, sources: list[Path]) -> None:
    built = []
    for i in (1, 2, 3):
        code, out, err = run(*sources, "--out", tmp_path / f"shard{i}", "--shard", f"{i}/3", "--only", "poster")
        assert (code, err) == (0, "")
        built += [p.name for p in (tmp_path / f"shard{i}").iterdir()]
    assert sorted(built) == [f"s{n}-poster.pdf" for n in range(5)]
    assert run(*sources[:2], "--shard", "3/3", "--out", tmp_path / "none") == (0, "studyprint: shard 3/3 has no "
                                                                                   "sources\n", "")


def test_shards_still_see_a_name_clash_across_slices(tmp_path: Path, sources: list[Path]) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "s0.yaml").write_text(MINIMAL_SOURCE, encoding="utf-8")
    code, _, err = run(*sources, other / "s0.yaml", "--shard", "2/2", "--out", tmp_path / "out")
    assert code == 1 and "its outputs would overwrite those of" in err


def test_the_html_renders_to_the_same_pdf(tmp_path: Path) -> None:
    """The saved print HTML, rendered by WeasyPrint from its own file (its <base> leads to the packaged layouts and
    fonts) and finished the same way, gives the PDF's very bytes."""
    source = tmp_path / "a.yaml"
    source.write_text(ARTICLE, encoding="utf-8")
    assert run(source, "--out", tmp_path, "--html", "--no-cache")[0] == 0
    for kind in ("handout", "poster"):
        document = weasyprint.HTML(filename=str(tmp_path / f"a-{kind}.html")).render(font_config=pdf.font_config())
        data = pdfpost.finish(pdf.write(pdf.Rendered(document)), document, pdfpost.Finish("pdf/ua-1", 0.0))
        assert data == (tmp_path / f"a-{kind}.pdf").read_bytes(), kind


def test_previews_show_every_page_and_follow_the_page_count(tmp_path: Path) -> None:
    assert run(SOURCE, "--out", tmp_path, "--preview", "--only", "handout", "--paper", "A5")[0] == 0
    pngs = sorted(tmp_path.glob("*.png"))
    document = pdfium.PdfDocument(str(tmp_path / "six-principles-handout.pdf"))
    assert [p.name for p in pngs] == [f"six-principles-handout-{n}.png" for n in range(1, len(document) + 1)]
    with Image.open(pngs[0]) as image:
        assert image.size == (560, 794)  # A5 at 96 dpi, rounded up
        assert len(image.convert("L").getcolors(256) or []) > 10  # text, not a blank page
    document.close()
    assert run(SOURCE, "--out", tmp_path, "--preview", "--only", "handout")[0] == 0  # A4: fewer pages
    assert sorted(p.name for p in tmp_path.glob("*.png")) == [f"six-principles-handout-{n}.png" for n in (1, 2, 3)]


def test_a_progress_bar_only_when_asked_and_worth_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert [r for _, r in batch.run([1, 2, 3], lambda n: n * 2, progress=True)] == [2, 4, 6]
    assert "| 0/3 [" in capsys.readouterr().err  # tqdm on stderr, cleared when done
    for tasks, progress in (([1, 2, 3], False), ([1], True)):
        list(batch.run(tasks, lambda n: n, progress=progress))
        assert capsys.readouterr().err == ""
