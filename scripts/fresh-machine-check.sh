#!/usr/bin/env bash
# Opt-in (downloads a root file system, a few hundred MB of packages, Maven and npm dependencies):
# checks that the README's two commands are the whole set-up on a brand-new Debian 12. Makes a
# Debian 12 minbase root with debootstrap in a temporary folder, copies a clean clone of the
# current commit in, and inside it runs scripts/run.sh until the demo stream plays over HTTP-FLV
# (ffprobe inside the root), stops it, then runs scripts/test.sh to the end. Prints each step's
# time and result and removes the root. Needs root (debootstrap, chroot, mounts). The root gets
# only what the network needs from this machine: its Debian apt sources, apt proxy settings,
# locally added CA certificates, DNS and hosts, and ~/.m2/settings.xml or a registry/proxy
# ~/.npmrc where there is one. The logs stay in a folder it names. Environment: FRESH_KEEP=1 keeps
# the root too; FRESH_RUN_WAIT (seconds, default 2400) bounds the wait for the demo stream;
# FRESH_TEST_ARGS go to test.sh (i.e. Maven), e.g. -Dmaven.test.failure.ignore=true to run every
# module's tests past a failing one (failures still fail the check).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
wait_for=${FRESH_RUN_WAIT:-2400}

if [ "$(id -u)" -ne 0 ]; then
  echo "fresh-machine-check: needs root (debootstrap, chroot and mounts); try sudo $0" >&2
  exit 1
fi
commit=$(git -C "$repo" rev-parse HEAD)
if [ -n "$(git -C "$repo" status --porcelain --untracked-files=no)" ]; then
  echo "fresh-machine-check: note: uncommitted changes are not checked, only commit ${commit:0:12}" >&2
fi
if ! command -v debootstrap >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null; }
fi

# The Debian mirror this machine's apt uses (deb822 or one-line sources), else Debian's own.
mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
  | grep -v '^\s*#' | grep -oE 'https?://[^ ]*/debian/?( |$)' | head -n 1 | tr -d ' ') || true
mirror=${mirror:-http://deb.debian.org/debian}

work=$(mktemp -d "${TMPDIR:-/var/tmp}/livestream-fresh.XXXXXX")
root="$work/root"
logs=$(mktemp -d "${TMPDIR:-/var/tmp}/livestream-fresh-logs.XXXXXX")
mkdir -p "$root"
run_pid=""

cleanup() {
  set +e
  if [ -n "$run_pid" ]; then
    kill -- "-$run_pid" 2>/dev/null
    wait "$run_pid" 2>/dev/null
  fi
  # anything still running inside the root (test forks, the launcher) goes before the unmounts
  for p in /proc/[0-9]*; do
    if [ "$(readlink "$p/root" 2>/dev/null)" = "$root" ]; then kill -9 "${p#/proc/}" 2>/dev/null; fi
  done
  sleep 1
  for m in dev sys proc; do
    mountpoint -q "$root/$m" && { umount -R "$root/$m" 2>/dev/null || umount -R -l "$root/$m"; }
  done
  if [ "${FRESH_KEEP:-0}" = 1 ]; then
    echo "fresh-machine-check: kept $work" >&2
  elif ! grep -q " $root/" /proc/mounts; then
    rm -rf "$work"
  else
    echo "fresh-machine-check: $root still has mounts; not removed" >&2
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

results=()
report() { # STEP SECONDS RESULT
  results+=("$(printf '%-40s %6ss  %s' "$1" "$2" "$3")")
  printf 'fresh-machine-check: %s: %s in %ss\n' "$1" "$3" "$2" >&2
}

echo "fresh-machine-check: debootstrap --variant=minbase bookworm from $mirror into $root" >&2
start=$SECONDS
if debootstrap --variant=minbase bookworm "$root" "$mirror" >"$logs/debootstrap.log" 2>&1; then
  report "debootstrap minbase bookworm" $((SECONDS - start)) ok
else
  report "debootstrap minbase bookworm" $((SECONDS - start)) "FAILED (tail of log below)"
  tail -n 30 "$logs/debootstrap.log" >&2
  exit 1
fi

# What the network needs, nothing the project needs.
sources=()
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
  [ -f "$f" ] && grep -v '^\s*#' "$f" | grep -q "$mirror\|debian-security" && sources+=("$f")
done
if [ ${#sources[@]} -gt 0 ]; then
  : >"$root/etc/apt/sources.list"
  for f in "${sources[@]}"; do cp "$f" "$root$f"; done
fi
for f in /etc/apt/apt.conf /etc/apt/apt.conf.d/*; do
  [ -f "$f" ] && grep -qi 'proxy' "$f" && cp "$f" "$root$f"
done
if compgen -G "/usr/local/share/ca-certificates/*" >/dev/null; then
  mkdir -p "$root/usr/local/share/ca-certificates"
  cp -r /usr/local/share/ca-certificates/. "$root/usr/local/share/ca-certificates/"
fi
cp /etc/resolv.conf "$root/etc/resolv.conf"
cp /etc/hosts "$root/etc/hosts"
mkdir -p "$root/root/.m2"
[ -f "$HOME/.m2/settings.xml" ] && cp "$HOME/.m2/settings.xml" "$root/root/.m2/"
[ -f "$HOME/.npmrc" ] && grep -qiE '^\s*(registry|https?-proxy|proxy|cafile)\s*=' "$HOME/.npmrc" \
  && cp "$HOME/.npmrc" "$root/root/.npmrc"

# A clean clone of the current commit.
git clone -q --no-checkout "$repo" "$root/src/livestream"
git -C "$root/src/livestream" checkout -q --detach "$commit"
rm -rf "$root/src/livestream/.git"

mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
mount --rbind /dev "$root/dev"
mount --make-rslave "$root/dev"

# A login shell's environment on the new machine, nothing of this one's.
inside() {
  chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    bash -c "cd /src/livestream && $1"
}

# The demo's ports, unless this machine already uses them (then others: still the README's command).
run_args=""
if ss -ltn 2>/dev/null | grep -qE ':(8080|1935)\s'; then
  run_args="--http-port 18080 --rtmp-port 11935"
fi
port=8080
[ -n "$run_args" ] && port=18080

echo "fresh-machine-check: scripts/run.sh $run_args (log: $logs/run.log)" >&2
start=$SECONDS
setsid bash -c "$(declare -f inside); root='$root'; inside 'scripts/run.sh $run_args'" >"$logs/run.log" 2>&1 &
run_pid=$!
played=""
while [ $((SECONDS - start)) -lt "$wait_for" ] && kill -0 "$run_pid" 2>/dev/null; do
  if [ -x "$root/usr/bin/ffprobe" ] && played=$(inside "timeout 20 ffprobe -v error -rw_timeout 10000000 \
      -show_entries stream=codec_name -of csv=p=0 http://127.0.0.1:$port/live/demo.flv" 2>/dev/null) \
      && [ -n "$played" ]; then
    break
  fi
  played=""
  sleep 5
done
elapsed=$((SECONDS - start))
kill -- "-$run_pid" 2>/dev/null || true
wait "$run_pid" 2>/dev/null || true
run_pid=""
if [ -n "$played" ]; then
  report "run.sh until HTTP-FLV plays" "$elapsed" "ok (demo stream: $(echo $played | tr ' ' '+'))"
else
  report "run.sh until HTTP-FLV plays" "$elapsed" "FAILED (tail of log below)"
  tail -n 40 "$logs/run.log" >&2
fi

echo "fresh-machine-check: scripts/test.sh ${FRESH_TEST_ARGS:-}(log: $logs/test.log)" >&2
start=$SECONDS
tests="ok"
inside "scripts/test.sh ${FRESH_TEST_ARGS:-}" >"$logs/test.log" 2>&1 || tests="FAILED"
summary=$(grep -E 'Tests run: [0-9]+, Failures: [0-9]+, Errors: [0-9]+, Skipped: [0-9]+$' "$logs/test.log" \
  | awk -F'[:,]' '{r+=$2; f+=$4; e+=$6; s+=$8} END {printf "%d tests, %d failures, %d errors, %d skipped", r, f, e, s}')
grep -qE 'Tests run: [0-9]+, (Failures: [1-9]|Failures: [0-9]+, Errors: [1-9])' "$logs/test.log" && tests="FAILED"
report "test.sh" $((SECONDS - start)) "$tests ($summary)"
[ "$tests" = ok ] || { grep -E -A12 '^\[ERROR\] (Failures|Errors):' "$logs/test.log"; tail -n 25 "$logs/test.log"; } >&2

echo
echo "fresh-machine-check: Debian 12 minbase, commit ${commit:0:12} (logs: $logs)"
printf '  %s\n' "${results[@]}"
[ -n "$played" ] && [ "$tests" = ok ]
