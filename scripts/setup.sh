# Sourced by the other scripts: create or reuse .venv and install the project with the extras in $EXTRAS.
# On Linux as root, also install bubblewrap (the sandbox) from the distribution when it is missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYTHON=${PYTHON:-$(command -v python3.11 || command -v python3)}
if [ ! -x .venv/bin/python ]; then
  echo "== creating .venv with $PYTHON"
  "$PYTHON" -m venv .venv
fi
stamp=".venv/.installed-${EXTRAS:-base}"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "== installing the project${EXTRAS:+ with [$EXTRAS]}"
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".${EXTRAS:+[$EXTRAS]}"
  touch "$stamp"
fi

if ! command -v bwrap >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "== installing bubblewrap (the sandbox)"
  apt-get update -qq >/dev/null && apt-get install -y -qq bubblewrap >/dev/null || echo "   (could not install bubblewrap: grading runs unsandboxed)"
fi
export PATH="$PWD/.venv/bin:$PATH"
