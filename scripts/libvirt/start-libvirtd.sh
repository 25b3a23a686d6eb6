#!/usr/bin/env bash
# Starts libvirtd as these machines allow (no systemd): as root, daemonised,
# once its log directory and the libvirt-qemu user exist. Waits until its
# socket answers. Idempotent: a running daemon is left as it is.
set -euo pipefail

socket=/run/libvirt/libvirt-sock
# Both daemons refuse to start without their log directory.
mkdir -p /var/log/libvirt /run/libvirt
# QEMU domains log through virtlogd; start it alongside the daemon.
if command -v virtlogd >/dev/null 2>&1 && [ ! -S /run/libvirt/virtlogd-sock ]; then
  virtlogd -d
fi
if virsh -c test+unix:///default version >/dev/null 2>&1; then exit 0; fi
if ! command -v libvirtd >/dev/null 2>&1; then
  echo "novakit: libvirtd is not installed; run scripts/libvirt/ensure-packages.sh --daemon" >&2
  exit 1
fi
getent group libvirt-qemu >/dev/null || groupadd --system libvirt-qemu
id libvirt-qemu >/dev/null 2>&1 || useradd --system --no-create-home --gid libvirt-qemu libvirt-qemu
libvirtd -d
for _ in $(seq 1 100); do
  [ -S "$socket" ] && virsh -c test+unix:///default version >/dev/null 2>&1 && exit 0
  sleep 0.1
done
echo "novakit: libvirtd did not answer on $socket within 10 s; see /var/log/libvirt/" >&2
exit 1
