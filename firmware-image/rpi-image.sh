#!/bin/sh
# Bootable Raspberry Pi SD-card image (Pi 3, 4, 400, Zero 2 W; 64-bit), Debian-based:
# debootstrap builds an arm64 Debian root (run through qemu-user-static), with Debian's
# generic arm64 kernel and the Pi boot firmware (raspi-firmware), then installs the arm64
# porchlight .deb. porchlight runs as a systemd service (DNS on 53, HTTP on 8080); its
# first-start setup link is printed on the console and kept in /etc/issue. Networking: DHCP
# on the wired port (systemd-networkd). SSH is installed but off; put an empty file named
# `ssh` on the boot partition (or run `systemctl enable --now ssh` at the console) to turn it
# on. Log in at the console as root with the password `porchlight` (you must change it).
#
# Layout: MBR, partition 1 FAT32 "RASPIFIRM" (firmware, kernel, config.txt, cmdline.txt),
# partition 2 ext4 "RASPIROOT". Built without loop devices (mkfs.ext4 -d, mtools).
# Writes $DIST/porchlight-$VERSION-rpi-arm64.img.xz (+ .sha256); flash it with
#   xzcat porchlight-….img.xz | sudo dd of=/dev/sdX bs=4M conv=fsync
# The uncompressed image and the kernel and initrd it boots stay in target/rpi/ for the
# boot test (tests/firmware/rpi-boot.sh).
#
# Variables (see lib.sh for DIST and VERSION):
#   SUITE        Debian release (default bookworm)
#   MIRROR       Debian mirror (default http://deb.debian.org/debian)
#   IMAGE_MB     image size in MiB (default 1536); the root file system grows to fill the
#                card at first boot
. "$(dirname "$0")/lib.sh"
SUITE=${SUITE:-bookworm}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
IMAGE_MB=${IMAGE_MB:-1536}
BOOT_MB=256
apt_install debootstrap qemu-user-static binfmt-support dosfstools mtools fdisk e2fsprogs xz-utils
# Foreign binaries in the chroot run through binfmt_misc and qemu-user-static.
if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
    mountpoint -q /proc/sys/fs/binfmt_misc || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
    update-binfmts --enable qemu-aarch64
fi
deb=$DIST/deb/porchlight_$VERSION-1_arm64.deb
[ -f "$deb" ] || DEB_ARCHES=arm64=aarch64 sh "$ROOT/firmware-image/deb.sh"

work=$ROOT/target/rpi
root=$work/rootfs
firm=$work/firmware
mounted=""
cleanup() {
    for m in $mounted; do umount -l "$m" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM
bind() { mount --bind "$1" "$2"; mounted="$2 $mounted"; }
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive LC_ALL=C "$@"; }

# 1. The Debian base, cached as a tarball (debootstrap under emulation takes minutes).
base=$work/base-$SUITE-arm64.tar
rm -rf "$root" "$firm"
mkdir -p "$root" "$firm"
if [ ! -f "$base" ]; then
    debootstrap --arch=arm64 --variant=minbase --components=main,non-free-firmware \
        --include=systemd-sysv,udev,kmod,dbus,iproute2,netbase,procps,ca-certificates,initramfs-tools,adduser,openssh-server,zstd \
        "$SUITE" "$root" "$MIRROR"
    tar --numeric-owner -C "$root" -cf "$base" .
else
    tar --numeric-owner -C "$root" -xf "$base"
fi

# 2. Kernel, Pi firmware and porchlight, with /boot/firmware a mount point as on the card.
echo "deb $MIRROR $SUITE main non-free-firmware" > "$root/etc/apt/sources.list"
echo "deb $MIRROR $SUITE-updates main non-free-firmware" >> "$root/etc/apt/sources.list"
cp /etc/resolv.conf "$root/etc/resolv.conf"
mkdir -p "$root/boot/firmware"
bind "$firm" "$root/boot/firmware"
mount -t proc proc "$root/proc" && mounted="$root/proc $mounted"
bind /dev "$root/dev"
bind /sys "$root/sys"
cp "$deb" "$root/tmp/porchlight.deb"
in_root apt-get update -qq
in_root apt-get install -y -qq --no-install-recommends linux-image-arm64 raspi-firmware firmware-brcm80211 \
    systemd-timesyncd fdisk /tmp/porchlight.deb >/dev/null
rm -f "$root/tmp/porchlight.deb"
in_root apt-get clean

# 3. The appliance's own settings.
echo porchlight > "$root/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tporchlight\n::1\tlocalhost ip6-localhost ip6-loopback\n' > "$root/etc/hosts"
cat > "$root/etc/fstab" <<FSTAB
LABEL=RASPIROOT / ext4 rw,noatime 0 1
LABEL=RASPIFIRM /boot/firmware vfat rw,noatime,umask=0077 0 2
FSTAB
cat > "$root/etc/systemd/network/10-wired.network" <<NET
[Match]
Name=e*
[Network]
DHCP=yes
NET
in_root systemctl enable systemd-networkd >/dev/null 2>&1
in_root systemctl disable ssh.service >/dev/null 2>&1
cat > "$root/etc/systemd/system/ssh-from-boot-flag.service" <<'UNIT'
[Unit]
Description=Turn SSH on when the boot partition holds a file named ssh
ConditionPathExists=/boot/firmware/ssh
Before=ssh.service
[Service]
Type=oneshot
ExecStart=/bin/systemctl enable --now ssh.service
ExecStartPost=/bin/rm -f /boot/firmware/ssh
[Install]
WantedBy=multi-user.target
UNIT
in_root systemctl enable ssh-from-boot-flag.service >/dev/null 2>&1
# Grow the root file system to the card's size at first boot.
cat > "$root/etc/systemd/system/grow-root.service" <<'UNIT'
[Unit]
Description=Grow the root partition and file system to fill the card (first boot)
ConditionPathExists=!/var/lib/porchlight-grown
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'dev=$(findmnt -no SOURCE /); disk=/dev/$(lsblk -no PKNAME "$dev"); echo ", +" | sfdisk --no-reread -N 2 "$disk" && partx -u "$disk" && resize2fs "$dev"; touch /var/lib/porchlight-grown'
[Install]
WantedBy=multi-user.target
UNIT
in_root systemctl enable grow-root.service >/dev/null 2>&1
echo 'root:porchlight' | in_root chpasswd
in_root passwd --expire root >/dev/null
printf 'porchlight appliance (Debian %s) \\n \\l\n\n' "$SUITE" > "$root/etc/issue"
rm -f "$root/etc/resolv.conf" "$root/etc/machine-id" && touch "$root/etc/machine-id"
rm -rf "$root/var/lib/apt/lists/"* "$root/var/cache/debconf/"*-old
cleanup
mounted=""

# 4. The kernel and initrd the Pi firmware loads are in the firmware partition; keep copies
#    for booting the image in qemu-system.
cp "$(ls "$root"/boot/vmlinuz-* | tail -n 1)" "$work/vmlinuz"
cp "$(ls "$root"/boot/initrd.img-* | tail -n 1)" "$work/initrd.img"
grep -q 'root=' "$firm/cmdline.txt" || { echo "rpi-image.sh: no cmdline.txt from raspi-firmware" >&2; exit 1; }

# 5. Partitions, file systems, image.
img=$work/porchlight-rpi-arm64.img
root_mb=$((IMAGE_MB - BOOT_MB - 4))
rm -f "$img" "$work/boot.vfat" "$work/root.ext4"
mkfs.vfat -n RASPIFIRM -F 32 -C "$work/boot.vfat" $((BOOT_MB * 1024)) >/dev/null
mcopy -s -i "$work/boot.vfat" "$firm"/* ::
mkfs.ext4 -q -L RASPIROOT -d "$root" "$work/root.ext4" "${root_mb}M"
truncate -s "${IMAGE_MB}M" "$img"
printf 'label: dos\nstart=4MiB, size=%sMiB, type=c, bootable\nstart=%sMiB, type=83\n' "$BOOT_MB" $((BOOT_MB + 4)) | sfdisk -q "$img"
dd if="$work/boot.vfat" of="$img" bs=1M seek=4 conv=notrunc status=none
dd if="$work/root.ext4" of="$img" bs=1M seek=$((BOOT_MB + 4)) conv=notrunc status=none
out=$DIST/porchlight-$VERSION-rpi-arm64.img.xz
xz -T0 -6 -c "$img" > "$out"
checksum "$out"
echo "$out: $(wc -c < "$out") bytes ($IMAGE_MB MiB uncompressed)"
