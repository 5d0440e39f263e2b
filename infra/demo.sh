#!/usr/bin/env bash
# Install, migrate, seed the demo (head office + three tenants) and serve on the embedded default.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash infra/bootstrap.sh
# The demo is plain HTTP on localhost: cookies without Secure (development only).
export SUNSHINE_INSECURE_COOKIES="${SUNSHINE_INSECURE_COOKIES:-1}"
.venv/bin/python -m infra.cli seed-demo
exec .venv/bin/python -m infra.cli serve
