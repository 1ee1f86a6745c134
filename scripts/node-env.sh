# Sourced by the scripts that run node or npm: puts the Node.js that
# scripts/ensure-toolchains.sh installed first on PATH, when it installed one
# (the system's was missing or too old, as Debian 12's nodejs 18 is).
onramp_node_home="${ONRAMP_CACHE_DIR:-$HOME/.cache/onramp}/node"
if [ -x "$onramp_node_home/bin/node" ]; then
  export PATH="$onramp_node_home/bin:$PATH"
fi
