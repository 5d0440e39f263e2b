#!/usr/bin/env bash
# Install, lint, run the whole suite on the embedded default, then again on real PostgreSQL,
# Redis and S3 started here on 127.0.0.1 (and stopped at the end). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# The suite starts many Python processes (the CLI, servers): let them keep compiled bytecode,
# which an environment with PYTHONDONTWRITEBYTECODE set would have each compile again (~3 s).
unset PYTHONDONTWRITEBYTECODE
bash infra/bootstrap.sh
.venv/bin/ruff check .
.venv/bin/ruff format --check .
# The browser tests (tests/browser) drive Debian's headless Chromium; we run as root.
# A CJK font, so that its screenshots show the Chinese text.
if [[ ! -x /usr/bin/chromium || ! -x /usr/bin/chromedriver ]] || ! fc-list :lang=zh | grep -q .; then
  install_chromium() {
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver fonts-wqy-microhei
  }
  install_chromium || { apt-get update -q && install_chromium; }
fi

echo "== suite on the embedded default (SQLite, memory store, local objects)"
env -u DATABASE_URL -u REDIS_URL -u S3_BUCKET -u S3_ENDPOINT_URL -u S3_ACCESS_KEY_ID \
  -u S3_SECRET_ACCESS_KEY -u S3_REGION \
  .venv/bin/python -m pytest -q "$@"

echo "== suite on PostgreSQL, Redis and S3"
trap 'bash infra/services.sh stop >/dev/null 2>&1 || true' EXIT
env_file=$(bash infra/services.sh start | tail -n 1)
# shellcheck disable=SC1090
source "$env_file"
.venv/bin/python -m pytest -q "$@"
