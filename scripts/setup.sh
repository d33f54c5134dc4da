#!/usr/bin/env bash
# Install what the project needs on Debian 12 (as root): the libraries WeasyPrint loads, the four PDF engines the
# tests compare, and the Python packages, in a virtual environment: .venv beside this script's folder, or the one
# that is active (VIRTUAL_ENV). Debian's own Python is "externally managed": pip refuses to install into it, and
# should not. Safe to run again. Then `. .venv/bin/activate` gives `studyprint`, `python -m pytest` and `ruff`.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libfontconfig1
  libharfbuzz-subset0   # WeasyPrint subsets fonts with it; without it, fontTools: ~30x slower with CJK fonts
  poppler-utils mupdf-tools ghostscript   # pdftoppm, mutool, gs: the tests render every page with each
  unicode-data   # Unihan: tests check the fonts' 通用规范汉字表 and studyprint/variants.txt against it
  python3-venv   # Debian's python3 makes virtual environments only with it
  shellcheck   # actionlint checks the workflow's shell steps with it
)
missing=()
for pkg in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

venv="${VIRTUAL_ENV:-.venv}"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q --disable-pip-version-check -e ".[test]"
