#!/usr/bin/env bash
# Installs what building and running need on a Debian machine (a Java 17 JDK, Maven, Node.js and
# npm for the H5 pages), and with --tests what the tests need too (ffmpeg/ffprobe publish and play;
# Chromium runs the pages headless; kubectl renders the Kubernetes overlays). Skips what is
# already there. The npm packages themselves are installed by the Maven build (npm ci).
set -euo pipefail

need=()
command -v javac >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || need+=(maven)
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)   # also for scripts/make-demo-clip.sh and the benchmarks
# Vite needs Node.js 20.19 or newer: where Debian's is older, install a newer Node.js first.
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
optional=()
if [ "${1:-}" = "--tests" ]; then
  command -v ffprobe >/dev/null 2>&1 || need+=(ffmpeg)
  # the browser tests drive Debian's Chromium with playwright-core (no browser download)
  [ -x /usr/bin/chromium ] || need+=(chromium)
  # kubectl comes from the Kubernetes or Google Cloud apt repository where one is configured
  command -v kubectl >/dev/null 2>&1 || optional+=(kubectl)
fi

if [ ${#need[@]} -eq 0 ] && [ ${#optional[@]} -eq 0 ]; then
  exit 0
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
  else
    echo "install-deps: need root (or sudo) to install: ${need[*]} ${optional[*]}" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
if [ ${#need[@]} -gt 0 ]; then
  echo "install-deps: installing ${need[*]}" >&2
  "${as_root[@]}" apt-get install -y -qq --no-install-recommends $(printf '%s\n' "${need[@]}" | sort -u) >/dev/null
fi
for pkg in "${optional[@]}"; do
  if [ -n "$(apt-cache policy "$pkg" 2>/dev/null | awk '/Candidate:/ && $2 != "(none)"')" ]; then
    echo "install-deps: installing $pkg" >&2
    "${as_root[@]}" apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null
  else
    echo "install-deps: $pkg is not in this machine's apt sources; the tests that render k8s/ need it" >&2
  fi
done
