#!/bin/sh
# dom0's /init (copied into its initramfs by build-images.sh): the Xen
# toolstack's daemons, then ssh for the driver, then busybox init.
export PATH=/usr/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
ln -sf /proc/self/fd /dev/fd
for m in @MODULES@; do modprobe "$m" || echo "dom0-init: modprobe $m failed"; done
mount -t xenfs xenfs /proc/xen
mkdir -p /var/lock /run/xen /run/xenstored /var/lib/xen /var/lib/xenstored /var/log/xen/console
# The driver's state directory: instances' configs and save images, in RAM.
mkdir -p /var/lib/novakit/xen && mount -t tmpfs -o size=1200m tmpfs /var/lib/novakit/xen
hostname xen-dom0
ip link set lo up
ip addr add 10.0.2.15/24 dev eth0 && ip link set eth0 up
dropbear -r /etc/dropbear/dropbear_ed25519_host_key -s -p 22 -E 2>/var/log/dropbear.log
xenstored --pid-file /run/xenstored.pid
n=0
until xenstore-read -s / >/dev/null 2>&1 || [ $n -ge 60 ]; do n=$((n + 1)); sleep 0.5; done
xen-init-dom0
# Guests' consoles are logged as guest-<name>.log: the driver's console-output.
xenconsoled --pid-file=/run/xenconsoled.pid --log=guest --log-dir=/var/log/xen/console
echo "NOVAKIT-XEN-DOM0-READY" >/run/novakit-ready
echo "NOVAKIT-XEN-DOM0-READY" >/dev/console
exec /bin/init
