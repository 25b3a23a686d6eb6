#!/usr/bin/env bash
# Builds the tiny Linux guest the QEMU certification boots, from Debian's
# packages: the distribution kernel (linux-image-amd64) and an initramfs
# holding only a static busybox and an /init that prints a marker on the
# serial console. Output: $OUT/vmlinuz and $OUT/initrd.img. Idempotent.
#
#   scripts/qemu-guest/build.sh [OUT]     default OUT: /var/lib/novakit/guest
set -euo pipefail

out=${1:-/var/lib/novakit/guest}
marker="NOVAKIT-GUEST-BOOTED"
if [ -s "$out/vmlinuz" ] && [ -s "$out/initrd.img" ]; then exit 0; fi

missing=()
for p in linux-image-amd64 busybox-static cpio; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "novakit: installing ${missing[*]} for the guest (once)..." >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/novakit-guest-apt.log 2>&1 ||
    { echo "novakit: could not install ${missing[*]} (see /tmp/novakit-guest-apt.log)" >&2; exit 1; }
fi

kernel=$(ls -1 /boot/vmlinuz-* | sort -V | tail -n 1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"/{bin,dev,proc,sys}
cp /bin/busybox "$work/bin/busybox"
cat >"$work/init" <<INIT
#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sys /sys
/bin/busybox mount -t devtmpfs dev /dev
echo "$marker" > /dev/ttyS0
# Power off cleanly when asked (ACPI power button): busybox has no acpid
# applet here, so a clean shutdown is the host's grace period running out.
exec /bin/busybox sh -c 'while true; do /bin/busybox sleep 3600; done'
INIT
chmod +x "$work/init"
mkdir -p "$out"
(cd "$work" && find . | cpio -o -H newc --quiet | gzip -1) >"$out/initrd.img.tmp"
cp "$kernel" "$out/vmlinuz.tmp"
mv "$out/initrd.img.tmp" "$out/initrd.img"
mv "$out/vmlinuz.tmp" "$out/vmlinuz"
chmod 0644 "$out/vmlinuz" "$out/initrd.img"
echo "novakit: guest built in $out from $(basename "$kernel")" >&2
