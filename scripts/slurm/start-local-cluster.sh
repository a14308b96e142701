#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for the tests of 'hdkd sweep --launcher slurm' (docs/SCALING.md).
#
#   scripts/slurm/start-local-cluster.sh
#
# Idempotent: a cluster it set up that answers with the same configuration is left alone, and so is any Slurm it did
# not set up (/etc/slurm/slurm.conf without its marker) that answers. Otherwise, as root, it installs Debian's
# slurm-wlm and munge with apt-get when they are missing, writes /etc/slurm/slurm.conf (this node with its real CPUs
# and memory, daemons on the loopback address only, select/cons_tres, proctrack/linuxproc and task/none, which work in
# containers without cgroups; no accounting), starts munged, slurmctld and slurmd (slurmd as root), restarting them
# if the configuration changed, and waits until sinfo shows the node idle. Exit 0 when the cluster is up, 1 with one line on stderr saying why not.
# Environment: SLURM_START_TIMEOUT (seconds to wait for the node, default 60).
set -euo pipefail

say() { echo "start-local-cluster: $*" >&2; }
fail() { say "error: $*"; exit 1; }

node_ready() {
    command -v sinfo > /dev/null 2>&1 || return 1
    local state
    state="$(sinfo --noheader --nodes="$(hostname -s)" --format=%t 2> /dev/null | head -1)" || return 1
    case "$state" in idle|mix|alloc|comp) return 0 ;; *) return 1 ;; esac
}

marker="# written by hdkd's scripts/slurm/start-local-cluster.sh"
# a cluster that answers and is not one of ours (a real Slurm client config): leave it alone
if node_ready && ! grep -qF "$marker" /etc/slurm/slurm.conf 2> /dev/null; then
    say "a Slurm not set up by this script already answers; left as it is"
    exit 0
fi

if ! command -v slurmctld > /dev/null 2>&1 || ! command -v slurmd > /dev/null 2>&1 \
        || ! command -v munged > /dev/null 2>&1 || ! command -v sbatch > /dev/null 2>&1; then
    [ "$(id -u)" -eq 0 ] || fail "Slurm is not installed and this is not root (install slurm-wlm and munge)"
    command -v apt-get > /dev/null 2>&1 || fail "Slurm is not installed and there is no apt-get to install it"
    say "installing slurm-wlm and munge with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq > /dev/null || fail "apt-get update failed"
    apt-get install -y -qq slurm-wlm munge > /dev/null || fail "apt-get install slurm-wlm munge failed"
fi
[ "$(id -u)" -eq 0 ] || fail "starting munged, slurmctld and slurmd needs root"

host="$(hostname -s)"
cpus="$(nproc)"
# RealMemory in MiB, a little under the total so that slurmd's own check never finds less than configured
mem_mb="$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 * 0.95 }' /proc/meminfo)"

# munge: a key, its folders, the daemon
if [ ! -s /etc/munge/munge.key ]; then
    if command -v mungekey > /dev/null 2>&1; then mungekey --create --keyfile=/etc/munge/munge.key
    else dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2> /dev/null; fi
fi
mkdir -p /run/munge /var/lib/munge /var/log/munge
chown -R munge:munge /etc/munge /run/munge /var/lib/munge /var/log/munge 2> /dev/null || true
chmod 0700 /etc/munge /var/lib/munge /var/log/munge; chmod 0755 /run/munge; chmod 0400 /etc/munge/munge.key
if ! munge -n > /dev/null 2>&1; then
    if id munge > /dev/null 2>&1; then
        runuser -u munge -- /usr/sbin/munged || /usr/sbin/munged --force
    else
        /usr/sbin/munged --force
    fi
    for _ in $(seq 50); do munge -n > /dev/null 2>&1 && break; sleep 0.1; done
    munge -n > /dev/null 2>&1 || fail "munged does not answer (see /var/log/munge/munged.log)"
fi

mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm /run/slurm
conf=/etc/slurm/slurm.conf
new="$(cat <<CONF
$marker: a one-node cluster for tests
ClusterName=hdkd-local
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/backfill
ReturnToService=2
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurm/slurmctld.pid
SlurmdPidFile=/run/slurm/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
MinJobAge=300
KillWait=5
InactiveLimit=0
SlurmctldTimeout=30
SlurmdTimeout=30
# a job that asks for no memory gets its CPUs' share, not the whole node (which would run one job at a time)
DefMemPerCPU=$(( mem_mb / cpus ))
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
)"
changed=false
if [ ! -f "$conf" ] || [ "$(cat "$conf")" != "$new" ]; then
    printf '%s\n' "$new" > "$conf.tmp" && mv "$conf.tmp" "$conf"
    changed=true
fi
if $changed && pgrep -x slurmctld > /dev/null; then
    # daemons of an older configuration: restart them on this one
    scontrol shutdown > /dev/null 2>&1 || true
    for _ in $(seq 100); do pgrep -x slurmctld > /dev/null || pgrep -x slurmd > /dev/null || break; sleep 0.1; done
fi

if ! $changed && node_ready; then
    say "already running ($(sinfo --noheader --format='partition %P, %D node(s), %c CPUs, %t' | head -1))"
    exit 0
fi
if ! pgrep -x slurmctld > /dev/null; then
    /usr/sbin/slurmctld || fail "slurmctld did not start (see /var/log/slurm/slurmctld.log)"
fi
if ! pgrep -x slurmd > /dev/null; then
    /usr/sbin/slurmd || fail "slurmd did not start (see /var/log/slurm/slurmd.log)"
fi

deadline=$(( $(date +%s) + ${SLURM_START_TIMEOUT:-60} ))
while ! node_ready; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
        state="$(sinfo --noheader --format='%N %t %E' 2>&1 | head -1 || true)"
        fail "node $host not idle after ${SLURM_START_TIMEOUT:-60} s (sinfo: ${state:-no answer}; see /var/log/slurm/)"
    fi
    # a node that came back from an earlier run may be marked down: return it to service
    scontrol update nodename="$host" state=resume > /dev/null 2>&1 || true
    sleep 1
done
say "up: $(sinfo --noheader --format='partition %P, %D node(s), %c CPUs, %m MB, %t' | head -1)"
