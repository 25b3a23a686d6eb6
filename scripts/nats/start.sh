#!/usr/bin/env bash
# Installs (once, from Debian) and starts a NATS server of the project's own
# for nova-core's transport tests and benchmarks: no systemd on these
# machines, so it runs in the background on 127.0.0.1 only. Idempotent: a
# server that answers the protocol's greeting is left as it is; a pid file
# alone proves nothing.
#
# Prints the server URL on stdout, e.g.
#   NOVA_NATS_URL=$(bash scripts/nats/start.sh)
set -euo pipefail

port=${NOVA_NATS_PORT:-54222}
dir=${NOVA_NATS_DIR:-/var/tmp/novakit-nats}
url="nats://127.0.0.1:${port}"

answers() { # does a NATS server on $port greet us with INFO?
  local line=""
  { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null || return 1
  read -r -t 2 line <&3 || true
  exec 3<&- 3>&-
  [[ $line == INFO* ]]
}

if answers; then
  echo "$url"
  exit 0
fi

if ! command -v nats-server >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "novakit: nats-server is not installed and this machine cannot install it (needs root and apt-get)" >&2
    exit 1
  fi
  echo "novakit: installing nats-server from Debian..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends nats-server >&2 ||
    { apt-get -o DPkg::Lock::Timeout=300 update >&2 && apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends nats-server >&2; }
fi

mkdir -p "$dir"
# Detached from this shell, so it outlives the command that started it.
setsid nats-server -a 127.0.0.1 -p "$port" --pid "$dir/nats.pid" -l "$dir/nats.log" </dev/null >/dev/null 2>&1 &
for _ in $(seq 1 100); do
  if answers; then
    echo "$url"
    exit 0
  fi
  sleep 0.1
done
echo "novakit: nats-server did not answer on 127.0.0.1:$port within 10 s; see $dir/nats.log" >&2
exit 1
