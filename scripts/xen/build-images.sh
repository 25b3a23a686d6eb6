#!/usr/bin/env bash
# Builds what `./dev certify-xen` boots, from Debian 12's own packages:
#   out/xen           the Xen 4.17 hypervisor (multiboot), from xen-hypervisor-4.17-amd64
#   out/vmlinuz       the host's Debian kernel (linux-image-amd64): dom0's and the guest's
#   out/dom0.cpio     dom0's initramfs: busybox, the xl toolstack with its libraries,
#                     xenstored, xenconsoled, dropbear (key-only ssh) and the guest's files
#   keys/id_ed25519   the key the driver's ssh transport logs in with
# The packages are fetched with `apt-get download` and unpacked with
# `dpkg-deb -x`: nothing is installed on the host (installing Xen's packages
# would change its boot loader). Idempotent: a build whose inputs have not
# changed is kept.
#
#   scripts/xen/build-images.sh [WORK]      default WORK: /var/lib/novakit/xen
set -euo pipefail

work=${1:-${NOVAKIT_XEN_WORK:-/var/lib/novakit/xen}}
here=$(cd "$(dirname "$0")" && pwd)
# Bumped whenever what goes into the images changes, so older builds are redone.
version=6
out=$work/out
[ "$(cat "$out/version" 2>/dev/null)" = "$version" ] && [ -s "$out/dom0.cpio" ] && exit 0

xenver=4.17
packages=(xen-hypervisor-$xenver-amd64 xen-utils-$xenver xen-utils-common xenstore-utils
  libxencall1 libxendevicemodel1 libxenevtchn1 libxenforeignmemory1 libxengnttab1 libxenhypfs1
  libxenmisc$xenver libxenstore4 libxentoolcore1 libxentoollog1 libyajl2
  dropbear-bin libtomcrypt1 libtommath1)

need=()
for p in linux-image-amd64 busybox-static cpio openssh-client qemu-system-x86; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "novakit: installing ${need[*]} (once)..." >&2
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${need[@]}" >/tmp/novakit-xen-apt.log 2>&1 ||
    { echo "novakit: could not install ${need[*]} (see /tmp/novakit-xen-apt.log)" >&2; exit 1; }
fi

mkdir -p "$work/debs" "$out" "$work/keys"
missing=()
for p in "${packages[@]}"; do ls "$work/debs/${p}_"*.deb >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "novakit: downloading ${missing[*]}..." >&2
  (cd "$work/debs" && apt-get -o DPkg::Lock::Timeout=300 download "${missing[@]}" >/tmp/novakit-xen-download.log 2>&1) ||
    { echo "novakit: apt-get download failed (see /tmp/novakit-xen-download.log)" >&2; exit 1; }
fi
root=$work/root
rm -rf "$root" && mkdir -p "$root"
for deb in "$work"/debs/*.deb; do dpkg-deb -x "$deb" "$root"; done

kernel=$(ls -1 /boot/vmlinuz-* | sort -V | tail -n 1)
release=${kernel#/boot/vmlinuz-}
zcat "$root/boot/xen-$xenver-amd64.gz" >"$out/xen"
cp "$kernel" "$out/vmlinuz"
[ -f "$work/keys/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C novakit-xen -f "$work/keys/id_ed25519"

build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT

# A tree with a static busybox and its applets as links, usr-merged.
busybox_tree() {
  local d=$1
  mkdir -p "$d"/{usr/bin,usr/lib/x86_64-linux-gnu,lib64,proc,sys,dev,tmp,etc,root,run,var}
  ln -s usr/bin "$d/bin" && ln -s usr/bin "$d/sbin" && ln -s usr/lib "$d/lib"
  ln -s usr/bin "$d/usr/sbin"
  ln -s ../run "$d/var/run" # libxl keeps its locks in /var/run/xen
  cp /bin/busybox "$d/usr/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [ -e "$d/usr/bin/$applet" ] || ln -s busybox "$d/usr/bin/$applet"
  done
  echo 'root:x:0:0:root:/root:/bin/sh' >"$d/etc/passwd"
  echo 'root:x:0:' >"$d/etc/group"
}

# A binary and every library ldd finds for it (resolved against the unpacked packages first).
with_libraries() {
  local d=$1 src=$2 dst=$3
  install -D -m 755 "$src" "$d$dst"
  LD_LIBRARY_PATH="$root/usr/lib/x86_64-linux-gnu" ldd "$src" |
    awk '/=> \//{print $3} /^[ \t]*\/lib64\//{print $1}' |
    while read -r lib; do
      case $lib in
        */ld-linux-x86-64.so.2) install -D -m 755 "$(readlink -f "$lib")" "$d/lib64/ld-linux-x86-64.so.2" ;;
        *) install -D -m 755 "$(readlink -f "$lib")" "$d/usr/lib/x86_64-linux-gnu/$(basename "$lib")" ;;
      esac
    done
}

cpio_of() { (cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) >"$2"; }

# ---- the guest: busybox init, so Xen's shutdown and reboot requests work
# (the kernel turns "poweroff" into /sbin/poweroff and "reboot" into
# ctrl-alt-del, both handled by busybox init), and a marker on hvc0 with the
# boot's id, so a reboot shows as a second, different marker.
guest=$build/guest
busybox_tree "$guest"
ln -s usr/bin/busybox "$guest/init"
cat >"$guest/etc/inittab" <<'TAB'
::sysinit:/etc/boot-marker
::ctrlaltdel:/bin/reboot
::shutdown:/bin/echo NOVAKIT-XEN-GUEST-DOWN
TAB
cat >"$guest/etc/boot-marker" <<'RC'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
echo "NOVAKIT-XEN-GUEST-UP boot_id=$(cat /proc/sys/kernel/random/boot_id)" >/dev/console
RC
chmod 755 "$guest/etc/boot-marker"
cpio_of "$guest" "$build/guest.cpio"

# ---- dom0
dom0=$build/dom0
busybox_tree "$dom0"
bin=/usr/lib/xen-$xenver/bin
for b in xl xenstored xenconsoled xen-init-dom0 libxl-save-helper; do
  with_libraries "$dom0" "$root$bin/$b" "$bin/$b"
  ln -sf "$bin/$b" "$dom0/usr/bin/$b"
done
with_libraries "$dom0" "$root/usr/bin/xenstore" /usr/bin/xenstore
for t in read write ls rm exists; do ln -sf xenstore "$dom0/usr/bin/xenstore-$t"; done
with_libraries "$dom0" "$root/usr/sbin/dropbear" /usr/bin/dropbear
# The driver holds an instance's lock around xl create with flock(1), which
# Debian's busybox lacks: util-linux's, from the host.
with_libraries "$dom0" /usr/bin/flock /usr/bin/flock
cp -a "$root"/usr/lib/x86_64-linux-gnu/lib{xen,yajl}* "$dom0/usr/lib/x86_64-linux-gnu/"
# glibc loads libgcc_s with dlopen (for pthread_cancel), so ldd does not
# name it; without it `xl create` dies with exit status 255.
install -m 644 "$(readlink -f /lib/x86_64-linux-gnu/libgcc_s.so.1)" "$dom0/usr/lib/x86_64-linux-gnu/libgcc_s.so.1"
mkdir -p "$dom0/etc/xen"
cp -a "$root/etc/xen/." "$dom0/etc/xen/"
# No ballooning: dom0 has its fixed share, and guests take what is free.
echo 'autoballoon="off"' >"$dom0/etc/xen/xl.conf"
modules=(xen-privcmd xenfs xen-evtchn xen-gntdev xen-gntalloc xen-blkback xen-netback loop e1000)
mods=/lib/modules/$release
for m in "${modules[@]}"; do
  grep -E "/${m//-/[-_]}\.ko(\.[a-z]+)?:" "$mods/modules.dep" | tr -d ':' | tr ' ' '\n'
done | sort -u | while read -r f; do
  [ -n "$f" ] && install -D -m 644 "$mods/$f" "$dom0/usr/lib/modules/$release/$f"
done
cp "$mods"/modules.{builtin,order,builtin.modinfo} "$dom0/usr/lib/modules/$release/"
/bin/busybox depmod -b "$dom0" "$release"
mkdir -p "$dom0/etc/dropbear" "$dom0/root/.ssh"
LD_LIBRARY_PATH="$root/usr/lib/x86_64-linux-gnu" "$root/usr/bin/dropbearkey" -t ed25519 \
  -f "$dom0/etc/dropbear/dropbear_ed25519_host_key" >/dev/null 2>&1
cp "$work/keys/id_ed25519.pub" "$dom0/root/.ssh/authorized_keys"
chmod 700 "$dom0/root" "$dom0/root/.ssh" && chmod 600 "$dom0/root/.ssh/authorized_keys"
mkdir -p "$dom0/var/lib/novakit/guest"
cp "$out/vmlinuz" "$dom0/var/lib/novakit/guest/vmlinuz"
cp "$build/guest.cpio" "$dom0/var/lib/novakit/guest/initrd.img"
cp "$here/dom0-init.sh" "$dom0/init" && chmod 755 "$dom0/init"
sed -i "s/@MODULES@/${modules[*]}/" "$dom0/init"
echo '::ctrlaltdel:/bin/reboot' >"$dom0/etc/inittab"
cpio_of "$dom0" "$out/dom0.cpio"
echo "$version" >"$out/version"
echo "novakit: Xen images built in $out (Xen $xenver, kernel $release)" >&2
