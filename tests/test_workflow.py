"""The CI workflow that builds the PDFs (issue 11), and the one the README gives a repository of articles: both pass
actionlint (with shellcheck on their shell steps when it is installed), and do what they are for."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from studyprint import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "pdf.yml"


def actionlint(path: Path) -> subprocess.CompletedProcess[str]:
    """actionlint from the test extras (installed beside this Python), else from PATH."""
    found = shutil.which("actionlint", path=os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]))
    assert found, "actionlint is missing: pip install -e '.[test]' installs it"
    return subprocess.run([found, "-no-color", str(path)], capture_output=True, text=True, cwd=path.parent,
                          timeout=120)


def test_the_workflow_passes_actionlint() -> None:
    done = actionlint(WORKFLOW)
    assert (done.returncode, done.stdout) == (0, "")


def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "pdf.yml"
    broken.write_text(WORKFLOW.read_text(encoding="utf-8").replace("matrix.shard }}/", "matrix.shrd }}/"))
    done = actionlint(broken)
    assert done.returncode == 1 and 'property "shrd" is not defined' in done.stdout


def test_the_workflow_builds_every_shard_and_publishes_the_pdfs() -> None:
    flow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert {"push", "pull_request"} <= set(flow[True])  # YAML 1.1 reads the key `on` as True
    build = flow["jobs"]["build"]
    assert build["container"] == "debian:12"  # where the README's commands are meant to run, as root
    steps = {step.get("name", step.get("uses")): step for step in build["steps"]}
    assert steps["Set up (README quick start)"]["run"] == "bash scripts/setup.sh"
    assert "--shard \"${{ matrix.shard }}/${{ strategy.job-total }}\" --preview --out dist" in \
        steps["Build this shard of source/*.yaml"]["run"]
    assert steps["Upload PDFs and previews"]["with"]["path"] == "dist/"
    assert any(step["with"]["path"] == "~/.cache/pip" for step in build["steps"] if "cache" in step.get("uses", ""))
    release = flow["jobs"]["release"]
    assert release["if"] == "startsWith(github.ref, 'refs/tags/')" and release["needs"] == "build"
    assert "gh release create" in release["steps"][-1]["run"]


def test_the_readme_workflow_for_another_repository_passes_actionlint(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(# \.github/workflows/pdf\.yml in a repository of articles.*?)```", readme, re.S)
    assert len(blocks) == 1
    path = tmp_path / ".github" / "workflows" / "pdf.yml"
    path.parent.mkdir(parents=True)
    path.write_text(blocks[0], encoding="utf-8")
    done = actionlint(path)
    assert (done.returncode, done.stdout) == (0, "")
    assert "studyprint" in yaml.safe_load(blocks[0])["jobs"]["pdf"]["steps"][2]["run"]


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck is not installed")
def test_shellcheck_runs_on_the_workflows_shell_steps(tmp_path: Path) -> None:
    broken = tmp_path / "pdf.yml"
    broken.write_text(WORKFLOW.read_text(encoding="utf-8").replace("bash scripts/setup.sh", "cd $(dirname x) && ls"))
    assert "shellcheck reported issue" in actionlint(broken).stdout
