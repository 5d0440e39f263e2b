#!/usr/bin/env bash
# Create .venv with Python 3.11 and install the locked dependencies (requirements.lock).
# Idempotent and quick when nothing changed. Needs root only on a machine without python3-venv.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

UV_VERSION=0.13.9

python=$(command -v python3.11 || command -v python3 || true)
if [[ -z $python ]] || ! "$python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
  echo "Sunshine needs Python 3.11 (python3.11 on PATH)" >&2
  exit 1
fi
if [[ ! -x .venv/bin/python ]]; then
  if ! "$python" -m venv .venv 2>/dev/null; then
    # Debian ships venv separately.
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv
    rm -rf .venv && "$python" -m venv .venv
  fi
fi
[[ -x .venv/bin/uv ]] && [[ $(.venv/bin/uv --version) == "uv $UV_VERSION"* ]] ||
  .venv/bin/python -m pip install -q --disable-pip-version-check "uv==$UV_VERSION"
# uv reads hashes from the lock and removes what the lock no longer lists. Bytecode is compiled
# here, once: where Python may not write it (PYTHONDONTWRITEBYTECODE, a read-only tree) every
# process would otherwise compile every module it imports, 60 % of a worker's start-up (P3).
.venv/bin/uv pip sync -q --compile-bytecode --python .venv/bin/python requirements.lock
.venv/bin/python -m compileall -q core tenants themes plugins admin infra
