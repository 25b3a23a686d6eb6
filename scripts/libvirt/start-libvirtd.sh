#!/usr/bin/env bash
# Starts libvirtd as these machines allow (no systemd): as root, daemonised,
# once its log directory and the libvirt-qemu user exist. Waits until its
# socket answers. Idempotent: a running daemon is left as it is, unless the
# user set-up below had to change (it reads the user's groups at start).
set -euo pipefail

socket=/run/libvirt/libvirt-sock
# Both daemons refuse to start without their log directory.
mkdir -p /var/log/libvirt /run/libvirt
# QEMU domains log through virtlogd; start it alongside the daemon. Ask for
# the process, not the socket file: a daemon killed with the session that
# started it leaves its socket behind, and QEMU domains then fail with
# "Failed to connect socket to '/run/libvirt/virtlogd-sock'".
if command -v virtlogd >/dev/null 2>&1 && ! pgrep -x virtlogd >/dev/null; then
  rm -f /run/libvirt/virtlogd-sock /run/libvirt/virtlogd-admin-sock
  virtlogd -d
  for _ in $(seq 1 50); do [ -S /run/libvirt/virtlogd-sock ] && break; sleep 0.1; done
  if [ ! -S /run/libvirt/virtlogd-sock ]; then
    echo "novakit: virtlogd did not create /run/libvirt/virtlogd-sock within 5 s; see /var/log/libvirt/" >&2
    exit 1
  fi
fi
if ! command -v libvirtd >/dev/null 2>&1; then
  virsh -c test+unix:///default version >/dev/null 2>&1 && exit 0
  echo "novakit: libvirtd is not installed; run scripts/libvirt/ensure-packages.sh --daemon" >&2
  exit 1
fi

changed=0
getent group libvirt-qemu >/dev/null || { groupadd --system libvirt-qemu; changed=1; }
id libvirt-qemu >/dev/null 2>&1 || { useradd --system --no-create-home --gid libvirt-qemu libvirt-qemu; changed=1; }
# As Debian's libvirt-daemon-system does: QEMU's user is in group kvm.
# Without it libvirt finds KVM usable when it probes QEMU and unusable when
# it checks the probe, and probes again (4 s) on every call that needs
# QEMU's capabilities: a spawn took 45 s. (Domains here still run on TCG.)
if getent group kvm >/dev/null && ! id -nG libvirt-qemu | grep -qw kvm; then
  usermod -aG kvm libvirt-qemu
  changed=1
fi

stop_libvirtd() {
  pkill -x libvirtd || true
  for _ in $(seq 1 100); do pgrep -x libvirtd >/dev/null || return 0; sleep 0.1; done
  # libvirtd was seen to hang in its shutdown after SIGTERM (socket gone,
  # process alive, pidfile held), and a new one cannot start beside it.
  echo "novakit: libvirtd did not stop within 10 s of SIGTERM; killing it" >&2
  pkill -9 -x libvirtd || true
  for _ in $(seq 1 50); do pgrep -x libvirtd >/dev/null || return 0; sleep 0.1; done
}

if virsh -c test+unix:///default version >/dev/null 2>&1; then
  [ "$changed" -eq 0 ] && exit 0
  echo "novakit: restarting libvirtd for the libvirt-qemu user's new groups" >&2
  stop_libvirtd
elif pgrep -x libvirtd >/dev/null; then
  echo "novakit: a libvirtd runs but does not answer on $socket; restarting it" >&2
  stop_libvirtd
fi
# A pidfile left by a killed daemon names a process that is gone.
rm -f /run/libvirtd.pid
libvirtd -d
for _ in $(seq 1 100); do
  [ -S "$socket" ] && virsh -c test+unix:///default version >/dev/null 2>&1 && exit 0
  sleep 0.1
done
echo "novakit: libvirtd did not answer on $socket within 10 s; see /var/log/libvirt/" >&2
exit 1
