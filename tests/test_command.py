"""The `studyprint` command (issue 11): subcommands, --version, python -m, paths from the working directory, and the
commands that must not load WeasyPrint."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import types
from pathlib import Path

import pytest
from conftest import MINIMAL_SOURCE

import studyprint
from studyprint import ROOT, __version__
from studyprint.cli import main

HEAVY = ("weasyprint", "pikepdf", "jinja2", "rjieba")


def run(*argv: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


def python(*argv: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *argv], capture_output=True, text=True, cwd=cwd, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_version_and_python_m(tmp_path: Path) -> None:
    assert run("--version") == (0, f"studyprint {__version__}\n", "")
    done = python("-m", "studyprint", "--version", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (0, f"studyprint {__version__}\n")


def test_help_names_the_commands_in_a_screenful() -> None:
    code, out, _ = run("--help")
    assert code == 0 and len(out.splitlines()) <= 45
    assert "usage: studyprint [build] [SOURCE ...] [options]" in out
    assert "check|lint|new|import|watch" in out
    for option in ("--jobs", "--shard", "--html", "--preview", "--no-cache", "--version"):
        assert option in out
    for command in ("check", "lint", "new", "watch"):
        code, out, _ = run(command, "--help")
        assert (code, out.startswith(f"usage: studyprint {command}")) == (0, True)


@pytest.mark.parametrize("argv", [["lint", "{src}"], ["check", "{src}"], ["new", "{tmp}/n.yaml"], ["--help"],
                                  ["--version"], ["watch", "--help"], ["build", "--check", "{src}"]])
def test_light_commands_do_not_load_weasyprint(tmp_path: Path, argv: list[str]) -> None:
    src = tmp_path / "src.yaml"
    src.write_text(MINIMAL_SOURCE, encoding="utf-8")
    args = [a.format(src=src, tmp=tmp_path) for a in argv]
    code = (f"import sys; from studyprint.cli import main; code = main({args!r}); "
            f"print(code, sorted({{m.split('.')[0] for m in sys.modules}} & {set(HEAVY)!r}))")
    done = python("-c", code)
    assert done.stdout.splitlines()[-1] == "0 []", done.stderr


def test_sources_and_outputs_are_relative_to_the_working_directory(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert run("check") == (2, "", "studyprint: no sources: give SOURCE files or put them in source/ (NAME.yaml)\n")
    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "x.yaml").write_text(MINIMAL_SOURCE, encoding="utf-8")
    assert run("check") == (0, "1 source(s) OK\n", "")
    code, out, err = run("--only", "handout")
    assert (code, err) == (0, "")
    assert out.startswith("dist/x-handout.pdf  1 page(s)  ")
    assert (tmp_path / "dist" / "x-handout.pdf").is_file()


def test_build_py_keeps_the_checkouts_folders(tmp_path: Path) -> None:
    """`python build.py` from anywhere still means the checkout's source/ (its documented behaviour)."""
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), "--check"], capture_output=True, text=True,
                          cwd=tmp_path, timeout=60)
    assert (done.returncode, done.stdout) == (0, f"{len(list((ROOT / 'source').glob('*.yaml')))} source(s) OK\n")


def test_new_writes_a_starter_that_builds_and_lints_clean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run("new", "学习体会")
    assert (code, out, err) == (0, "source/学习体会.yaml: created; edit it, then: studyprint watch "
                                   "source/学习体会.yaml\n", "")
    text = (tmp_path / "source" / "学习体会.yaml").read_text(encoding="utf-8")
    assert text.count("# ") >= 10  # commented
    assert run("lint")[0] == 0
    code, out, err = run("--html")
    assert (code, err) == (0, "")
    assert sorted(p.name for p in (tmp_path / "dist").glob("*.pdf")) == ["学习体会-handout.pdf", "学习体会-poster.pdf"]
    assert run("new", "学习体会") == (1, "", "source/学习体会.yaml: already exists; choose another name\n")
    assert (tmp_path / "source" / "学习体会.yaml").read_text(encoding="utf-8") == text


def test_import_hands_its_arguments_to_the_importer(monkeypatch: pytest.MonkeyPatch) -> None:
    given = []
    importer = types.ModuleType("studyprint.importer")
    importer.main = lambda argv, sources: given.append((argv, sources)) or 3  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "studyprint.importer", importer)
    monkeypatch.setattr(studyprint, "importer", importer, raising=False)
    assert run("import", "a.html", "--out", "source/a.yaml")[0] == 3
    assert given == [(["a.html", "--out", "source/a.yaml"], Path("source"))]


def test_usage_errors(tmp_path: Path) -> None:
    for argv, message in ((["--jobs", "0"], "'0' is not a number of processes"),
                          (["--shard", "3/2"], "'3/2' is not a shard like 2/4"),
                          (["new"], "the following arguments are required: NAME")):
        code, _, err = run(*argv)
        assert code == 2 and message in err, err


def test_the_source_folder_reads_yml_and_any_case_and_names_a_source_saved_as_txt(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A source saved as .yml or .YAML is read, an editor's swap or backup file is not, and Notepad's NAME.yaml.txt
    (Windows hides the .txt) is named in a warning instead of being skipped without a word."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "source").mkdir()
    for name in ("a.yaml", "b.yml", "c.YAML", "d.yaml.txt", ".e.yaml.swp", "f.yaml~", "#g.yaml#", "notes.txt"):
        (tmp_path / "source" / name).write_text(MINIMAL_SOURCE, encoding="utf-8")
    assert run("check") == (0, "3 source(s) OK\n", "source/d.yaml.txt: warning: not read: a source's name ends in "
                                                   ".yaml (Windows may hide the .txt: rename it to d.yaml)\n")
    (tmp_path / "source" / "A.yml").write_text(MINIMAL_SOURCE, encoding="utf-8")
    assert run("check")[0] == 1  # A.yml and a.yaml would write the same PDFs


def test_an_empty_output_folder_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`--out "$DIST"` with DIST unset must not write PDFs into the working directory."""
    monkeypatch.chdir(tmp_path)
    code, out, err = run("--out", "", "x.yaml")
    assert (code, out) == (2, "")
    assert err.endswith("studyprint: error: argument --out: is empty; give a folder, or leave --out out for dist/\n")


def test_a_name_too_long_for_its_outputs_is_refused_before_rendering(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    source = tmp_path / ("学" * 82 + ".yaml")  # 251 bytes: NAME-handout.pdf would have 258
    source.write_text(MINIMAL_SOURCE, encoding="utf-8")
    expected = (f"{source.name}: the file name is too long for its outputs: {'学' * 16}…{'学' * 8}-handout.pdf would "
                "have 258 bytes, and a file name may have 255; shorten the source's name\n")
    assert run("check", source.name) == (1, "", expected)
    assert run(source.name) == (1, "", expected)
    assert not (tmp_path / "dist").exists()
    fits = tmp_path / ("学" * 81 + ".yaml")  # 255 bytes with -handout.pdf: fits
    source.rename(fits)
    assert run("check", fits.name) == (0, "1 source(s) OK\n", "")


def test_file_names_are_printed_safely(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Escape sequences and line breaks in a file name do not reach the terminal; a name starting with '::' does
    not start a line of a CI log (a workflow command); a name the terminal's encoding cannot write is escaped,
    not a traceback after the PDFs were written."""
    monkeypatch.chdir(tmp_path)
    hostile = tmp_path / "a\x1b[31m\nb.yaml"
    hostile.write_text(MINIMAL_SOURCE, encoding="utf-8")
    code, out, err = run("--only", "poster", hostile.name)
    assert (code, err) == (0, "")
    assert out.startswith("dist/a\\x1b[31m\\nb-poster.pdf  1 page(s)")
    command = tmp_path / "::error::x.yaml"
    command.write_text("title: [", encoding="utf-8")
    code, _, err = run("check", command.name)
    assert (code, err.startswith("./::error::x.yaml:")) == (1, True)
    chinese = tmp_path / "学.yaml"
    chinese.write_text(MINIMAL_SOURCE, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "studyprint", "--only", "poster", chinese.name], capture_output=True,
                          cwd=tmp_path, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT),
                                                          "PYTHONIOENCODING": "ascii"})
    assert (done.returncode, done.stderr) == (0, b"")
    assert done.stdout.startswith(b"dist/\\u5b66-poster.pdf  1 page(s)")


def test_source_and_dist_linking_out_of_the_working_directory_are_refused(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A pull request adding `source -> ~/.ssh` must not make CI read files from elsewhere (and echo them in its
    messages), nor `dist -> ~` write there; a link inside, or the folders named on the command line, are fine."""
    work, elsewhere = tmp_path / "work", tmp_path / "elsewhere"
    (elsewhere / "secrets").mkdir(parents=True)
    (elsewhere / "secrets" / "token.yaml").write_text("ghp_SECRETTOKEN12345\n", encoding="utf-8")
    work.mkdir()
    monkeypatch.chdir(work)
    (work / "source").symlink_to(elsewhere / "secrets")
    code, out, err = run("check")
    assert (code, out) == (1, "")
    assert err == (f"source: is a symbolic link to {elsewhere / 'secrets'}, outside {work}; give that folder on the "
                   "command line if you mean it\n")
    (work / "source").unlink()
    (work / "articles").mkdir()
    (work / "articles" / "a.yaml").write_text(MINIMAL_SOURCE, encoding="utf-8")
    (work / "source").symlink_to("articles")
    (work / "dist").symlink_to(elsewhere)
    code, out, err = run("--only", "poster")
    assert (code, out, err) == (1, "", f"dist: is a symbolic link to {elsewhere}, outside {work}; give that folder "
                                       "on the command line if you mean it\n")
    assert run("--only", "poster", "--out", str(elsewhere))[0] == 0
    assert [p.name for p in elsewhere.glob("*.pdf")] == ["a-poster.pdf"]
