#!/usr/bin/env bash
# Build the self-contained one-folder bundle: dist/reader/reader (run from anywhere).
set -euo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-.venv/bin/python}"
"$python" -m pip install --quiet "pyinstaller>=6.10"
"$python" -m PyInstaller packaging/reader.spec --noconfirm --clean \
  --distpath dist --workpath build/pyinstaller
du -sh dist/reader
echo "built dist/reader/reader"
