"""The installed tool (issue 11): a wheel built from the repository carries the layouts and the fonts, and installed
in a fresh virtual environment, `studyprint` works from a folder outside the checkout. Slow (it builds the wheel
and installs the dependencies from the package index): marked slow in conftest.py."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from studyprint import ROOT, __version__


def tracked_copy(into: Path) -> Path:
    """The repository's tracked files and those not ignored (as a commit of the work tree would hold them)."""
    names = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                           capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, names):
        if (ROOT / name).is_file():
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, into / name)
    return into


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin folder of a fresh virtual environment with the wheel installed."""
    tmp = tmp_path_factory.mktemp("wheel")
    repo = tracked_copy(tmp / "repo")
    wheels = tmp / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(repo)],
                   check=True, capture_output=True, timeout=600)
    env = tmp / "venv"
    venv.create(env, with_pip=True)
    subprocess.run([str(env / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                    *map(str, wheels.glob("studyprint-*.whl"))], check=True, capture_output=True, timeout=900)
    return env / "bin"


def run(bin_folder: Path, *argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "STUDYPRINT_CACHE", "VIRTUAL_ENV")}
    return subprocess.run([str(bin_folder / argv[0]), *argv[1:]], cwd=cwd, capture_output=True, text=True,
                          env=environ, timeout=300)


def test_the_installed_tool_works_outside_the_checkout(installed: Path, tmp_path: Path) -> None:
    where = run(installed, "python", "-c", "import studyprint; print(studyprint.__file__, studyprint.LAYOUTS, "
                                           "studyprint.FONTS)", cwd=tmp_path).stdout.split()
    package = Path(where[0]).parent
    assert not package.is_relative_to(ROOT) and package.is_relative_to(installed.parent)
    assert where[1:] == [str(package / "layouts"), str(package / "fonts")]
    assert (package / "fonts" / "NotoSerifSC-Regular.otf").stat().st_size > 1_000_000
    assert run(installed, "studyprint", "--version", cwd=tmp_path).stdout == f"studyprint {__version__}\n"
    assert run(installed, "python", "-m", "studyprint", "--version", cwd=tmp_path).stdout == \
        f"studyprint {__version__}\n"

    assert run(installed, "studyprint", "new", "试读", cwd=tmp_path).returncode == 0
    done = run(installed, "studyprint", "--html", "--preview", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, "")
    assert sorted(p.name for p in (tmp_path / "dist").iterdir()) == [
        "试读-handout-1.png", "试读-handout.html", "试读-handout.pdf", "试读-poster-1.png", "试读-poster.html",
        "试读-poster.pdf"]
    assert f'<base href="{(package / "layouts").as_uri()}/">' in (tmp_path / "dist" / "试读-poster.html").read_text()
    assert (tmp_path / ".studyprint-cache").is_dir()
    again = run(installed, "studyprint", cwd=tmp_path)
    assert again.stdout.count("  cached\n") == 2, again.stdout
    assert run(installed, "studyprint", "lint", cwd=tmp_path).returncode == 0
