#!/usr/bin/env bash
# Builds the out-of-tree FCOS example plugin against this checkout's jars (scripts/export/fcos_example.sh: staged as
# a small Maven repository, nothing installed into ~/.m2) and drops it into a distribution's plugins/, for the
# RetinaNet -> FCOS rows of RESULTS.md.
#
#   scripts/experiments/hetero/build_fcos.sh HDKD_HOME
#
# Needs `mvn -DskipTests package` to have run in this checkout.
set -euo pipefail
repo_root="$(cd "$(dirname "$0")/../../.." && pwd)"
home="$(realpath "$1")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$repo_root/scripts/export/fcos_example.sh" "$work" -q -DskipTests package
cp "$work/fcos/target/fcos-head-plugin-1.0.0.jar" "$home/plugins/"
echo "installed: $home/plugins/fcos-head-plugin-1.0.0.jar"
