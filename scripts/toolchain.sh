# Sourced by ./dev. Puts a Node and pnpm of the pinned versions first on PATH.
#
# The machines this project targets ship an end-of-life Node 20, and the only
# registry they reach is npm's, so Node 24 comes from the registry's `node`
# package (a real binary shipped inside the package) and pnpm from its own
# package, both installed into .tools/ beside the checkout. Nothing is
# installed globally, and a machine that already has the right versions on
# PATH uses them as they are.

novakit_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tools_dir="$novakit_root/.tools"

pinned() { # pinned node|pnpm -> version from package.json's novakitToolchain
  sed -n "/\"novakitToolchain\"/,/}/s/.*\"$1\": *\"\\([^\"]*\\)\".*/\\1/p" "$novakit_root/package.json"
}

want_node=$(pinned node)
want_pnpm=$(pinned pnpm)

have_version() { # have_version CMD -> its version, or nothing
  command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | sed 's/^v//'
}

if [ "$(have_version "$tools_dir/node_modules/.bin/node")" != "$want_node" ] ||
   [ "$(have_version "$tools_dir/node_modules/.bin/pnpm")" != "$want_pnpm" ]; then
  if [ "$(have_version node)" = "$want_node" ] && [ "$(have_version pnpm)" = "$want_pnpm" ]; then
    : # the machine already has both
  else
    if ! command -v npm >/dev/null 2>&1; then
      echo "novakit: npm is needed once, to fetch Node $want_node and pnpm $want_pnpm from the npm registry; install Node.js (any version) first." >&2
      exit 2
    fi
    echo "novakit: provisioning Node $want_node and pnpm $want_pnpm into .tools/ (once)..." >&2
    mkdir -p "$tools_dir"
    [ -f "$tools_dir/package.json" ] || echo '{"private":true}' >"$tools_dir/package.json"
    # The node package's preinstall selects the platform binary; it must run.
    (cd "$tools_dir" && npm install --no-audit --no-fund --loglevel=error \
      "node@$want_node" "pnpm@$want_pnpm" >&2) || {
      echo "novakit: could not install node@$want_node and pnpm@$want_pnpm from the npm registry (see above)." >&2
      exit 2
    }
  fi
fi

if [ -x "$tools_dir/node_modules/.bin/node" ]; then
  export PATH="$tools_dir/node_modules/.bin:$PATH"
fi
