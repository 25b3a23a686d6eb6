#!/usr/bin/env bash
# Runs the Xen host of `./dev certify-xen`: Xen 4.17 booted by QEMU under
# software emulation (TCG, with nested SVM so Xen can run PVH guests), dom0
# from build-images.sh's initramfs, reachable only as ssh on 127.0.0.1.
#
#   scripts/xen/qemu.sh start     boot it in the background (its pid in run/qemu.pid)
#   scripts/xen/qemu.sh wait      block until dom0 answers `xl list` over ssh; prints the seconds
#   scripts/xen/qemu.sh ssh CMD   run CMD in dom0 (what the driver's ssh transport does)
#   scripts/xen/qemu.sh stop      stop the QEMU this script started (by its recorded pid)
#
# Environment: NOVAKIT_XEN_WORK (default /var/lib/novakit/xen), NOVAKIT_XEN_PORT (default 10222).
set -euo pipefail
work=${NOVAKIT_XEN_WORK:-/var/lib/novakit/xen}
port=${NOVAKIT_XEN_PORT:-10222}
run=$work/run
key=$work/keys/id_ed25519
ssh_opts=(-p "$port" -i "$key" -o BatchMode=yes -o StrictHostKeyChecking=no
  -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o ConnectTimeout=5)

# Is the QEMU of run/qemu.pid alive and ours? A pid file a killed session
# left may name a process that is gone, or someone else's.
ours() {
  local pid
  pid=$(cat "$run/qemu.pid" 2>/dev/null) || return 1
  [ -n "$pid" ] && grep -q "qemu-system" "/proc/$pid/cmdline" 2>/dev/null &&
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$work/out/xen"
}

start() {
  mkdir -p "$run"
  if ours; then echo "novakit: Xen under QEMU already runs (pid $(cat "$run/qemu.pid"))" >&2; return 0; fi
  rm -f "$run/serial.log" "$run/ssh-mux"*
  date +%s.%N >"$run/started"
  # 4 GiB: Xen, dom0's 1.5 GiB (save images of suspended guests live in its
  # RAM-backed root), and room for the suite's concurrent 128 MiB guests.
  qemu-system-x86_64 -machine q35 -accel tcg -cpu qemu64,+svm,+npt -m 4096 -smp 2 \
    -display none -no-reboot -serial "file:$run/serial.log" \
    -netdev "user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:$port-:22" -device e1000,netdev=n0 \
    -kernel "$work/out/xen" \
    -append "dom0_mem=1536M,max:1536M dom0_max_vcpus=2 console=com1 com1=115200,8n1 loglvl=warning guest_loglvl=warning" \
    -initrd "$work/out/vmlinuz console=hvc0 quiet,$work/out/dom0.cpio" \
    >"$run/qemu.log" 2>&1 &
  echo $! >"$run/qemu.pid"
  echo "novakit: Xen under QEMU started (pid $!), ssh on 127.0.0.1:$port" >&2
}

wait_ready() {
  local t0 deadline
  t0=$(cat "$run/started")
  deadline=$(($(date +%s) + ${NOVAKIT_XEN_BOOT_TIMEOUT:-600}))
  until ssh "${ssh_opts[@]}" root@127.0.0.1 -- 'test -e /run/novakit-ready && xl list >/dev/null' >/dev/null 2>&1; do
    ours || { echo "novakit: QEMU is gone; the end of its serial log:" >&2; tail -n 30 "$run/serial.log" >&2; return 1; }
    [ "$(date +%s)" -lt "$deadline" ] || { echo "novakit: dom0 did not answer within ${NOVAKIT_XEN_BOOT_TIMEOUT:-600} s" >&2; return 1; }
    sleep 1
  done
  echo "$(date +%s.%N) - $t0" | bc
}

stop() {
  if ours; then
    local pid
    pid=$(cat "$run/qemu.pid")
    kill "$pid"
    for _ in $(seq 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    echo "novakit: Xen under QEMU stopped (pid $pid)" >&2
  fi
  rm -f "$run/qemu.pid"
}

case ${1:-} in
  start) start ;;
  wait) wait_ready ;;
  ssh) shift; exec ssh "${ssh_opts[@]}" root@127.0.0.1 -- "$@" ;;
  stop) stop ;;
  *) sed -n '2,12s/^# \{0,1\}//p' "$0"; exit 2 ;;
esac
