#!/usr/bin/env bash
# Builds a Debian unstable chroot with Debian's lemonade-server package
# (lemond) into a cache outside the repository, and prints the chroot's path.
# A second run reuses the cache. Root only; Debian packages only.
#
#   bash test-support/lemond/build-lemond-chroot.sh     # ~2.5 min once
#
# The archive is the one this machine's own apt sources name (no host is
# written here): the first `deb` source of Debian's main archive. lemond
# needs glibc >= 2.43, hence unstable; libgomp1 is for an OpenMP llama-server
# bind-mounted into the chroot at run time (llamacpp.backend: system).
set -euo pipefail

CACHE="${VIGIL_LEMOND_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vigil-testbed}"
ROOT="$CACHE/lemond-chroot"
SUITE="${VIGIL_LEMOND_SUITE:-unstable}"

if [[ $(id -u) -ne 0 ]]; then
  echo "building the lemond chroot needs root (debootstrap, chroot)" >&2
  exit 2
fi
command -v debootstrap >/dev/null || { echo "debootstrap is not installed (apt-get install debootstrap)" >&2; exit 2; }

mkdir -p "$CACHE"
exec 9>"$CACHE/.lemond-chroot.lock"
flock 9

if [[ -f "$ROOT/.complete" && -x "$ROOT/usr/bin/lemond" ]]; then
  echo "$ROOT"
  exit 0
fi

# What a failed build said stays beside the cache: the lemond tests quote it (a broken day in unstable shows there).
FAILED="$CACHE/lemond-chroot.failed"
LOG="$CACHE/lemond-chroot.log"
: >"$LOG"
exec 3>&2 2> >(tee -a "$LOG" >&3)
TEE=$!
# On failure: let tee finish writing, then keep its log.
trap 'exec 2>&3; wait "$TEE" 2>/dev/null; cp "$LOG" "$FAILED"' ERR

# The archive from the machine's apt sources: one-line `deb URL SUITE …` or deb822 `URIs:`.
mirror="${VIGIL_DEBIAN_MIRROR:-}"
if [[ -z "$mirror" ]]; then
  mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/ && $i !~ /-security/) { print $i; exit } }' || true)
fi
if [[ -z "$mirror" ]]; then
  mirror=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk 'tolower($1) == "uris:" { for (i = 2; i <= NF; i++) print $i }' | grep -v -- '-security' | head -1 || true)
fi
if [[ -z "$mirror" ]]; then
  echo "no Debian archive found in /etc/apt/sources.list* (set VIGIL_DEBIAN_MIRROR)" >&2
  exit 2
fi

started=$SECONDS
# Never delete through a mount (a /proc or /dev left mounted inside by a killed run).
if grep -q " $ROOT/" /proc/self/mounts; then
  echo "something is mounted under $ROOT: unmount it first (grep $ROOT /proc/self/mounts)" >&2
  exit 2
fi
rm -rf "$ROOT"
echo "debootstrap $SUITE from $mirror into $ROOT (lemonade-server, libgomp1)" >&2
# debootstrap lays down the base; apt inside the chroot then resolves lemonade-server's
# dependencies (it pre-depends on systemd-sysusers, a virtual package debootstrap cannot choose).
debootstrap --variant=minbase --include=ca-certificates "$SUITE" "$ROOT" "$mirror" >&2
# Its /proc is mounted in a private mount namespace: it goes when apt-get ends, whatever happens.
unshare --mount --propagation private sh -c 'mount -t proc proc "$1/proc" && exec chroot "$1" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends lemonade-server libgomp1' sh "$ROOT" >&2
chroot "$ROOT" apt-get clean
test -x "$ROOT/usr/bin/lemond" || { echo "lemonade-server installed no /usr/bin/lemond" >&2; exit 1; }
chroot "$ROOT" dpkg-query -W lemonade-server libc6 >&2
echo "$((SECONDS - started))" >"$ROOT/build-seconds"
touch "$ROOT/.complete"
rm -f "$FAILED"
echo "$ROOT"
