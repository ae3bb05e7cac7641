#!/usr/bin/env bash
# The main job, end to end, on the embedded Shaanxi inventory: install what is missing, synthesize
# the province, verify it and check its policies, then bring up the default lab (real FRR, snmpd and
# sshd in network namespaces), push the configs, and show it converged and verified on both families.
# Leaves the lab running for you to explore (`stacks lab status`, `stacks destroy` when done).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
stacks() { node bin/stacks.js "$@"; }
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
step "synth: the whole province as artifacts"
stacks synth
step "verify: reachability and single-failure resilience, IPv4 and IPv6"
stacks verify
step "policy: the plan's rules"
stacks policy
step "plan: the accepted baseline"
stacks plan --accept | tail -n 6
if [ "$(id -u)" -ne 0 ]; then
  echo "the lab needs root (network namespaces); stopping after the model steps" >&2
  exit 0
fi
step "deploy: the default lab scope"
stacks deploy --target lab --auto-approve
step "verify on the live lab: ping and traceroute from every township"
stacks verify --target lab
step "lab status"
stacks lab status
step "kpi: Table 1 indicators against the 2023 and 2025 targets"
stacks kpi
