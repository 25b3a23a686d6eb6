#!/usr/bin/env bash
# Installs (once, from Debian) and starts a PostgreSQL 15 cluster of the
# project's own for nova-core's tests and benchmarks: no systemd on these
# machines, so the cluster lives in its own directory, run by the postgres
# user, listening on 127.0.0.1 only. Idempotent: a cluster that answers a
# query is left as it is; a pid or socket file alone proves nothing.
#
# Prints the connection URL on stdout, e.g.
#   NOVA_PG_URL=$(bash scripts/postgres/start.sh)
set -euo pipefail

port=${NOVA_PG_PORT:-55432}
dir=${NOVA_PG_DIR:-/var/tmp/novakit-postgres}
bin=/usr/lib/postgresql/15/bin
url="postgres://postgres@127.0.0.1:${port}/postgres"

answers() { # does a server on $port answer a query?
  [ -x "$bin/psql" ] || [ -x /usr/bin/psql ] || return 1
  psql "$url" -XAtqc 'select 1' 2>/dev/null | grep -qx 1
}

if answers; then
  echo "$url"
  exit 0
fi

if [ ! -x "$bin/pg_ctl" ]; then
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "novakit: PostgreSQL 15 is not installed and this machine cannot install it (needs root and apt-get)" >&2
    exit 1
  fi
  echo "novakit: installing PostgreSQL 15 from Debian..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends postgresql-15 >&2 ||
    { apt-get -o DPkg::Lock::Timeout=300 update >&2 && apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends postgresql-15 >&2; }
fi

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

mkdir -p "$dir"
[ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
if [ ! -f "$dir/PG_VERSION" ]; then
  # trust on 127.0.0.1 only: a throwaway cluster for tests on this machine.
  as_postgres "$bin/initdb" -D "$dir" -U postgres -A trust --no-instructions >&2
fi
# A cluster killed with the session that started it leaves postmaster.pid
# behind; pg_ctl would wait on it. The query above said nobody answers.
if [ -f "$dir/postmaster.pid" ]; then
  pid=$(head -1 "$dir/postmaster.pid")
  if ! kill -0 "$pid" 2>/dev/null || [ "$(cat "/proc/$pid/comm" 2>/dev/null)" != "postgres" ]; then
    rm -f "$dir/postmaster.pid"
  fi
fi
# Tuned for tests, not for safety: the data is thrown away.
as_postgres "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >&2 || true
for _ in $(seq 1 100); do
  if answers; then
    echo "$url"
    exit 0
  fi
  sleep 0.1
done
echo "novakit: PostgreSQL did not answer on 127.0.0.1:$port within 10 s; see $dir/server.log" >&2
exit 1
