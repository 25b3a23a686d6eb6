#!/usr/bin/env bash
# ./dev certify-xen: certifies driver-xen on real Xen. Builds the images
# (build-images.sh, once), boots Xen 4.17 under QEMU (qemu.sh), proves a PVH
# guest boots, reboots and powers itself off (boot-check.mjs), then runs the
# conformance suite with xl in dom0 driven over ssh, and stops QEMU whatever
# happened. Extra arguments go to novakit-certify.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
started=$(date +%s)
bash scripts/xen/build-images.sh || exit 1
bash scripts/xen/qemu.sh start || exit 1
trap 'bash scripts/xen/qemu.sh stop' EXIT
ready=$(bash scripts/xen/qemu.sh wait) || exit 1
echo "novakit: dom0 answered over ssh ${ready%.*} s after QEMU started" >&2
node packages/driver-xen/scripts/boot-check.mjs || exit 1
node packages/conformance/dist/cli.js --driver ./packages/driver-xen \
  --config packages/driver-xen/certify/xen-qemu.json \
  --suite-config packages/driver-xen/certify/xen-qemu.suite.json \
  --report-dir "${NOVAKIT_REPORT_DIR:-reports/driver-xen-qemu}" "$@"
status=$?
echo "novakit: certify-xen took $(($(date +%s) - started)) s" >&2
exit $status
