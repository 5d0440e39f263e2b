#!/usr/bin/env bash
# Install, lint, run the whole suite on the embedded default, then again on real PostgreSQL,
# Redis and S3 started here on 127.0.0.1 (and stopped at the end). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash infra/bootstrap.sh
.venv/bin/ruff check .
.venv/bin/ruff format --check .

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
