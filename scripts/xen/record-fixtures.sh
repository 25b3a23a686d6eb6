#!/usr/bin/env bash
# Records how the real xl answers, for the simulator and the parsers' tests:
# each command's stdout, stderr and exit status, run in dom0 of the Xen
# under QEMU (scripts/xen/qemu.sh start first). Writes one file per command
# into packages/driver-xen/test/fixtures/real/ (NN-name.{out,err,rc}).
#
#   scripts/xen/record-fixtures.sh [CFG]   CFG: an xl.cfg to create (default: the test's own)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dest=$here/../../packages/driver-xen/test/fixtures/real
mkdir -p "$dest"
x() { bash "$here/qemu.sh" ssh "$@"; }
n=0
rec() { # rec NAME CMD...: run CMD in dom0, keep what it said
  local name=$1; shift
  n=$((n + 1))
  local base
  base=$dest/$(printf '%02d' $n)-$name
  x "$@" >"$base.out" 2>"$base.err" </dev/null
  echo $? >"$base.rc"
  echo "recorded $(basename "$base"): rc=$(cat "$base.rc")" >&2
}
cfg=${1:-$dest/../xl-cfg/hostile.cfg}
uuid=$(sed -n 's/^uuid = "\(.*\)"$/\1/p' "$cfg")
dom=nk-$uuid
x "mkdir -p /var/lib/novakit/fixtures && cat > /var/lib/novakit/fixtures/domain.cfg" <"$cfg"
c=/var/lib/novakit/fixtures/domain.cfg
rec list xl list
rec list-l xl list -l
rec list-v xl list -v
rec info xl info
rec list-unknown xl list nk-00000000-0000-4000-8000-000000000000
rec list-l-unknown xl list -l nk-00000000-0000-4000-8000-000000000000
rec pause-unknown xl pause nk-00000000-0000-4000-8000-000000000000
rec unpause-unknown xl unpause nk-00000000-0000-4000-8000-000000000000
rec destroy-unknown xl destroy nk-00000000-0000-4000-8000-000000000000
rec shutdown-unknown xl shutdown nk-00000000-0000-4000-8000-000000000000
rec reboot-unknown xl reboot nk-00000000-0000-4000-8000-000000000000
rec save-unknown xl save nk-00000000-0000-4000-8000-000000000000 /var/lib/novakit/fixtures/none.save
rec restore-missing xl restore /var/lib/novakit/fixtures/none.save
rec create-missing xl create /var/lib/novakit/fixtures/none.cfg
rec create-dry-run xl create -n "$c"
rec create xl create "$c"
rec list-after-create xl list
rec list-l-domain xl list -l "$dom"
rec list-v-domain xl list -v "$dom"
rec create-duplicate xl create "$c"
sleep 20
rec console-log cat "/var/log/xen/console/guest-$dom.log"
rec pause xl pause "$dom"
rec list-paused xl list "$dom"
rec pause-again xl pause "$dom"
rec unpause xl unpause "$dom"
rec unpause-again xl unpause "$dom"
rec list-unpaused xl list "$dom"
rec save xl save "$dom" /var/lib/novakit/fixtures/guest.save
rec list-after-save xl list
rec restore xl restore /var/lib/novakit/fixtures/guest.save
rec list-after-restore xl list "$dom"
sleep 5
rec reboot xl reboot "$dom"
sleep 15
rec list-after-reboot xl list "$dom"
rec console-log-after-reboot cat "/var/log/xen/console/guest-$dom.log"
rec shutdown xl shutdown "$dom"
sleep 8
rec list-after-shutdown xl list "$dom"
rec create-again xl create "$c"
rec destroy xl destroy "$dom"
rec list-after-destroy xl list
rec uptime-none xl uptime
x rm -rf /var/lib/novakit/fixtures
