#!/bin/sh
# Boots the Raspberry Pi image in qemu-system-aarch64 (the `virt` machine, software
# emulation) with the kernel and initrd that are on its boot partition, and checks from this
# machine, through forwarded loopback ports, that porchlight answers HTTP and DNS, and that
# the console shows the first-start setup link. All of it runs in a private network namespace
# holding only a loopback interface, so the guest (user-mode networking) reaches nothing but
# the forwarded ports. Needs root. Takes a few minutes; not part of tests/run.sh.
#
#   sh firmware-image/build.sh rpi-image && sh tests/firmware/rpi-boot.sh
#
# Variables: BOOT_TIMEOUT seconds to wait for porchlight (default 600).
. "$(dirname "$0")/lib.sh"
# Tools first, while there is a network.
apt_install qemu-system-arm qemu-utils ipxe-qemu curl bind9-dnsutils
if [ -z "${RPI_BOOT_NETNS:-}" ]; then
    exec unshare --net env RPI_BOOT_NETNS=1 sh "$0" "$@"
fi
ip link set lo up
work=$ROOT/target/rpi
img=$work/porchlight-rpi-arm64.img
for f in "$img" "$work/vmlinuz" "$work/initrd.img"; do
    [ -f "$f" ] || fail "$f missing: firmware-image/build.sh rpi-image"
done
t=$(mktemp -d)
# A copy-on-write overlay: the image itself stays as built.
qemu-img create -q -f qcow2 -b "$img" -F raw "$t/disk.qcow2"
http=$(free_port) dns=$(free_port) ssh=$(free_port)
qemu-system-aarch64 -M virt -cpu cortex-a72 -smp 2 -m 1024 -display none -monitor none \
    -kernel "$work/vmlinuz" -initrd "$work/initrd.img" \
    -append "root=LABEL=RASPIROOT rw console=ttyAMA0 systemd.journald.forward_to_console=1" \
    -drive if=none,id=disk,file="$t/disk.qcow2",format=qcow2 -device virtio-blk-pci,drive=disk \
    -netdev "user,id=net,hostfwd=tcp:127.0.0.1:$http-:8080,hostfwd=udp:127.0.0.1:$dns-:53,hostfwd=tcp:127.0.0.1:$dns-:53,hostfwd=tcp:127.0.0.1:$ssh-:22" \
    -device virtio-net-pci,netdev=net -serial "file:$work/boot-console.log" &
qemu=$!
trap 'kill $qemu 2>/dev/null; rm -rf "$t"' EXIT
started=$(date +%s)
timeout=${BOOT_TIMEOUT:-600}
until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$http/")" = 200 ]; do
    kill -0 $qemu 2>/dev/null || { tail -n 40 "$work/boot-console.log"; fail "qemu exited"; }
    [ $(($(date +%s) - started)) -lt "$timeout" ] || { tail -n 40 "$work/boot-console.log"; fail "no HTTP answer after ${timeout}s"; }
    sleep 5
done
ok "rpi image: porchlight answers HTTP $(($(date +%s) - started)) s after power-on"
same "rpi image: porchlight answers DNS over TCP" "ns1.example.com." \
    "$(dig +short +tcp +time=5 -p "$dns" @127.0.0.1 dyn.example.com NS)"
same "rpi image: porchlight answers DNS over UDP" "ns1.example.com." \
    "$(dig +short +time=5 +tries=3 -p "$dns" @127.0.0.1 dyn.example.com NS)"
i=0
until grep -q 'porchlight: finish setting up at http://10\.0\.2\.15:8080/setup?code=' "$work/boot-console.log" || [ $i -ge 60 ]; do
    sleep 2; i=$((i + 1))
done
grep -q 'porchlight: finish setting up at http://10\.0\.2\.15:8080/setup?code=' "$work/boot-console.log" ||
    { tail -n 40 "$work/boot-console.log"; fail "rpi image: no setup link on the console"; }
ok "rpi image: the console shows the setup link"
code=$(sed -n 's|.*setup?code=\([A-Za-z0-9_-]*\).*|\1|p' "$work/boot-console.log" | tail -n 1)
same "rpi image: the setup page opens with that code" 200 \
    "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$http/setup?code=$code")"
# An SSH server would greet with "SSH-2.0-…" on the forwarded port.
banner=$(python3 -c 'import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.settimeout(10)
try: print(s.recv(64).decode(errors="replace").strip())
except OSError: pass' "$ssh" 2>/dev/null || true)
case $banner in SSH-*) fail "rpi image: SSH is on ($banner)" ;; esac
ok "rpi image: SSH is off"
