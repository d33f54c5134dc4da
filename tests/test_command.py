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
    assert run("check") == (2, "", "studyprint: no sources: give SOURCE files or put them in source/*.yaml\n")
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
