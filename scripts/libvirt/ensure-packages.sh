#!/usr/bin/env bash
# Installs the Debian packages the libvirt work needs, once. Idempotent:
# packages already there are left alone, so a warm machine pays nothing.
#
#   scripts/libvirt/ensure-packages.sh            headers, client tools, Python reference binding
#   scripts/libvirt/ensure-packages.sh --daemon   also libvirtd with the QEMU driver and QEMU itself
#
# Without root or without a reachable Debian mirror it says what is missing
# and exits 0: the rest of the project still installs and its libvirt tests
# skip with that reason.
set -uo pipefail

packages=(libvirt-dev libvirt-clients pkg-config python3-libvirt)
if [ "${1:-}" = "--daemon" ]; then
  # iptables: libvirt sets firewall rules for every network it starts, even
  # an isolated one. qemu-utils: libvirt makes qcow2 volumes with qemu-img.
  packages+=(libvirt-daemon libvirt-daemon-driver-qemu qemu-system-x86 iptables qemu-utils)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "novakit: libvirt packages missing (${missing[*]}) and cannot install them here (needs root and apt-get); libvirt tests will be skipped." >&2
  exit 0
fi
echo "novakit: installing ${missing[*]} (once)..." >&2
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >/tmp/novakit-apt.log 2>&1; then
  echo "novakit: installing ${missing[*]} failed (see /tmp/novakit-apt.log); libvirt tests will be skipped." >&2
fi
exit 0
