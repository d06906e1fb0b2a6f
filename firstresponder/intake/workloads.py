"""Workload names derived from pod, ReplicaSet and Job names (Kubernetes naming conventions)."""

from __future__ import annotations

import re

# Kubernetes' rand.String alphabet (no vowels, no 0/1/3): ReplicaSet hashes and pod suffixes use it.
_SAFE = "bcdfghjklmnpqrstvwxz2456789"
# <deployment>-<pod-template-hash>-<5 random>: the Deployment's pods.
_REPLICASET_POD = re.compile(rf"^(?P<base>.+)-[{_SAFE}]{{6,10}}-[{_SAFE}]{{5}}$")
# <owner>-<5 random>: DaemonSet and Job pods (and bare ReplicaSet pods).
_RANDOM_SUFFIX = re.compile(rf"^(?P<base>.+)-[{_SAFE}]{{5}}$")
# <statefulset>-<ordinal>.
_ORDINAL = re.compile(r"^(?P<base>.+)-(0|[1-9]\d{0,5})$")
# <deployment>-<pod-template-hash>: a ReplicaSet.
_REPLICASET = re.compile(rf"^(?P<base>.+)-[{_SAFE}]{{6,10}}$")
# <cronjob>-<scheduled time in minutes since epoch>: a CronJob's Job.
_CRONJOB_JOB = re.compile(r"^(?P<base>.+)-\d{8,10}$")


def workload_of_pod(pod: str) -> str:
    """The owning workload's name guessed from a pod name (Deployment, StatefulSet, DaemonSet, Job)."""
    match = _REPLICASET_POD.match(pod)
    if match:
        return match["base"]
    match = _RANDOM_SUFFIX.match(pod)
    if match:
        return workload_of_job(match["base"])
    match = _ORDINAL.match(pod)
    if match:
        return match["base"]
    return pod


def workload_of_replicaset(replicaset: str) -> str:
    """The Deployment's name from its ReplicaSet's name."""
    match = _REPLICASET.match(replicaset)
    return match["base"] if match else replicaset


def workload_of_job(job: str) -> str:
    """The CronJob's name when ``job`` is one of its scheduled Jobs, else the Job's own name."""
    match = _CRONJOB_JOB.match(job)
    return match["base"] if match else job


def workload_of_claim(claim: str, workloads: set[str]) -> str | None:
    """The StatefulSet among ``workloads`` whose volumeClaimTemplate produced ``claim`` (``<tpl>-<sts>-<N>``)."""
    match = _ORDINAL.match(claim)
    if not match:
        return None
    stem = match["base"]
    candidates = [name for name in workloads if stem.endswith(f"-{name}")]
    return max(candidates, key=len) if candidates else None
