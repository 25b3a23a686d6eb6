#!/usr/bin/env bash
# Gives qemu:///system what driver-libvirt's QEMU certification config names
# (packages/driver-libvirt/certify/qemu-tcg.json), the way a deployer would
# with virsh: a directory storage pool for root disks, an isolated network
# for interfaces, and an image in the image directory. Idempotent.
#
#   scripts/libvirt/prepare-qemu-host.sh
set -euo pipefail

uri=qemu:///system
base=/var/lib/novakit
pool=novakit
network=novakit-isolated
bridge=nkbr0
image="$base/images/novakit-conformance-image"
# What the guest's /init looks for at the start of its root disk.
disk_marker="NOVAKIT-ROOT-DISK"

virsh_q() { virsh -q -c "$uri" "$@"; }

mkdir -p "$base/pool" "$base/images" "$base/console" "$base/volumes"
chmod 0777 "$base/console"

if ! virsh_q pool-info "$pool" >/dev/null 2>&1; then
  virsh_q pool-define-as "$pool" dir --target "$base/pool" >/dev/null
fi
# (Output captured first: grep -q would close the pipe early, and pipefail
# would take virsh's SIGPIPE for a failure.)
info=$(virsh_q pool-info "$pool")
grep -q "^State:.*running" <<<"$info" || virsh_q pool-start "$pool" >/dev/null

# An isolated network: a bridge of its own, no address and no DHCP, so it
# needs neither dnsmasq nor firewall rules, and touches nothing on the host.
if ! virsh_q net-info "$network" >/dev/null 2>&1; then
  xml=$(mktemp)
  printf "<network><name>%s</name><bridge name='%s' stp='off'/></network>\n" "$network" "$bridge" >"$xml"
  virsh_q net-define "$xml" >/dev/null
  rm -f "$xml"
fi
info=$(virsh_q net-info "$network")
grep -q "^Active:.*yes" <<<"$info" || virsh_q net-start "$network" >/dev/null

# The image the suite's instances boot from: raw, 64 MiB, sparse, with a
# marker the guest prints from its root disk (through the qcow2 overlay).
if [ ! -s "$image" ]; then
  truncate -s 64M "$image.tmp"
  printf '%s' "$disk_marker" | dd of="$image.tmp" conv=notrunc status=none
  mv "$image.tmp" "$image"
fi
chmod 0644 "$image"

# The volume the block-device tests attach: a sparse raw file.
[ -f "$base/volumes/conformance.img" ] || truncate -s 16M "$base/volumes/conformance.img"
echo "novakit: qemu:///system has pool $pool, network $network, image $image" >&2
