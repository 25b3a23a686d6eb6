#!/usr/bin/env bash
# Runs the binding's in-process tests (test:///default, the forced-GC soak
# included) against a copy of the addon built with AddressSanitizer.
# The installed addon is put back afterwards, whatever happens.
#
#   packages/node-libvirt/scripts/asan-test.sh
#
# Only in process: through libvirtd, ASan's interceptor for xdrmem_create
# (written for glibc's old Sun RPC) jumps to a null pointer inside
# libvirt's libtirpc calls, a crash of the sanitizer, not of the binding.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
addon="$here/build/Release/node_libvirt.node"
trap 'if [ -f "$work/original.node" ]; then cp "$work/original.node" "$addon"; fi; rm -rf "$work"' EXIT

libasan=$(gcc -print-file-name=libasan.so)
[ -f "$libasan" ] || { echo "asan-test: gcc's libasan is missing (apt-get install gcc)" >&2; exit 1; }

cp -r "$here/binding.gyp" "$here/src" "$work/"
ln -s "$here/node_modules" "$work/node_modules"
# The same build, with the sanitizer and frame pointers, at -O1 for usable stacks.
sed -i 's/"-O2",/"-O1", "-g", "-fsanitize=address", "-fno-omit-frame-pointer",/' "$work/binding.gyp"
sed -i 's/"targets": \[/"target_defaults": {"ldflags": ["-fsanitize=address"]},\n  "targets": [/' "$work/binding.gyp"
nodedir=$(dirname "$(find "$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")/.." -name node_api.h -path "*include/node/*" -print -quit)")
nodedir=${nodedir%/include/node}
echo "asan-test: building the addon with AddressSanitizer..." >&2
(cd "$work" && node "$here/node_modules/node-gyp/bin/node-gyp.js" rebuild --release ${nodedir:+--nodedir="$nodedir"} >"$work/build.log" 2>&1) ||
  { tail -20 "$work/build.log" >&2; exit 1; }

cp "$addon" "$work/original.node"
cp "$work/build/Release/node_libvirt.node" "$addon"
vitest=$(readlink -f "$here/../../node_modules/vitest")/vitest.mjs
# Node itself keeps memory until exit by design: leak reports would be its.
cd "$here"
LD_PRELOAD="$libasan" ASAN_OPTIONS=detect_leaks=0 node "$vitest" run test/binding.test.ts
