#!/usr/bin/env bash
# Builds the tiny Linux guest the QEMU certification boots, from Debian's
# packages: the distribution kernel (linux-image-amd64) and an initramfs
# holding only a static busybox and an /init that prints a marker on the
# serial console. Output: $OUT/vmlinuz and $OUT/initrd.img. Idempotent.
#
# The /init also loads the kernel's virtio modules and reports what the
# guest sees, so the certification can tell a root disk and an interface
# reached the guest, not only libvirt's configuration:
#   NOVAKIT-ROOT-DISK    the first bytes of /dev/vda (the image's marker)
#   NOVAKIT-NIC <mac>    each network interface's MAC address
#
#   scripts/qemu-guest/build.sh [OUT]     default OUT: /var/lib/novakit/guest
set -euo pipefail

out=${1:-/var/lib/novakit/guest}
marker="NOVAKIT-GUEST-BOOTED"
# Bumped whenever /init changes, so a machine with an older guest rebuilds it.
version=3
if [ -s "$out/vmlinuz" ] && [ -s "$out/initrd.img" ] && [ "$(cat "$out/version" 2>/dev/null)" = "$version" ]; then exit 0; fi

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
release=${kernel#/boot/vmlinuz-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"/{bin,dev,proc,sys,modules}
cp /bin/busybox "$work/bin/busybox"
# Debian builds virtio as modules; these, in dependency order, give the
# guest its disks and network interfaces.
modules=(virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_blk failover net_failover virtio_net)
for m in "${modules[@]}"; do
  path=$(find "/lib/modules/$release" -name "$m.ko" | head -n 1)
  [ -n "$path" ] || { echo "novakit: kernel module $m not found for $release" >&2; exit 1; }
  cp "$path" "$work/modules/"
done
cat >"$work/init" <<INIT
#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sys /sys
/bin/busybox mount -t devtmpfs dev /dev
echo "$marker" > /dev/ttyS0
for m in ${modules[*]}; do /bin/busybox insmod /modules/\$m.ko 2>/dev/null; done
/bin/busybox sleep 1
[ -b /dev/vda ] && echo "\$(/bin/busybox head -c 17 /dev/vda)" > /dev/ttyS0
for nic in /sys/class/net/*; do
  [ "\${nic##*/}" = lo ] || echo "NOVAKIT-NIC \$(/bin/busybox cat \$nic/address)" > /dev/ttyS0
done
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
echo "$version" >"$out/version"
chmod 0644 "$out/vmlinuz" "$out/initrd.img"
echo "novakit: guest built in $out from $(basename "$kernel")" >&2
