#!/usr/bin/env bash
# All tests, as the README says: a one-node Slurm for the Slurm launcher's integration test (SlurmSweepIT), then the
# unit tests and the integration tests against the assembled distribution.
#
#   scripts/test.sh [MAVEN ARGS...]
#
# Starts the cluster with scripts/slurm/start-local-cluster.sh when it can (as root it installs slurm-wlm and munge
# with apt-get if they are missing); where it cannot, the Slurm test is skipped and says why, unless CI=true, where
# it fails. Then runs 'mvn -B verify' with the arguments given.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if ! scripts/slurm/start-local-cluster.sh; then
    if [ "${CI:-}" = true ]; then
        echo "test.sh: Slurm did not start and CI=true: SlurmSweepIT will fail" >&2
    else
        echo "test.sh: Slurm did not start: SlurmSweepIT will be skipped" >&2
    fi
fi
exec mvn -B verify "$@"
