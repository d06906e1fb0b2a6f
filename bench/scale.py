"""Sections 1-3: cluster size, latency hiding, and the simulator's own speed.

Each cluster is generated into a temp dir and served by the simulator in a separate process
(``bench.simserver``), so tracemalloc and the wall clock see the investigation alone.
"""

from __future__ import annotations

import statistics
import time
import tracemalloc
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench.figures import Figure, Verdict, judged
from bench.simserver import RemoteCluster
from bench.synthetic import DEMO_DIR, GeneratedCluster, generate_cluster
from bench.tracing import TracingReader, reads_in_series, serial_rounds
from firstresponder.cli.alerts import load_alerts
from firstresponder.kube.connection import connect_kubeconfig
from firstresponder.models import Alert, Report
from firstresponder.services.investigation import investigate
from firstresponder.snapshot import load_snapshot
from firstresponder.topology import TopologyBudget, discover

SIZES = (100, 1_000, 10_000)
RUNS = 5  # timed rounds per size (the median is reported)
LATENCY = 0.05
MEMORY_LIMIT_MB = 256
SIM_REQUESTS = 200
READER_PROBE_PODS = 1_000  # the project's reader is timed on the largest size up to this


def demo_alert() -> Alert:
    """The demo's CrashLoopBackOff alert, planted in every generated cluster."""
    return load_alerts(DEMO_DIR / "alert.json", "auto")[0]


@dataclass
class Run:
    seconds: float
    requests: int
    bytes: int
    report: Report


def run_once(kubeconfig: Path, alert: Alert, *, max_workers: int | None = None) -> Run:
    """One deterministic investigation through a fresh gateway (fresh counters and connections).

    ``max_workers`` None: the engine's shipped concurrency; 1: everything sequential.
    """
    reader = connect_kubeconfig(kubeconfig, "bench")
    started = time.perf_counter()
    if max_workers is None:
        report = investigate(alert, reader)
    else:
        report = investigate(alert, reader, max_workers=max_workers, budget=TopologyBudget(max_workers=max_workers))
    return Run(time.perf_counter() - started, reader.stats.requests, reader.stats.bytes, report)


def peak_memory_mb(kubeconfig: Path, alert: Alert) -> float:
    """tracemalloc peak (Python allocations of this process only) during one investigation."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        run_once(kubeconfig, alert)
        return tracemalloc.get_traced_memory()[1] / 1_048_576
    finally:
        tracemalloc.stop()


def _largest(records: list[dict[str, Any]], n: int = 3) -> list[str]:
    top = sorted(records, key=lambda r: -int(r["bytes"]))[:n]
    return [f"{r['path']}?{'&'.join(f'{k}={v}' for k, v in r['query'].items())} ({r['bytes']:,} B)" for r in top]


@dataclass
class SizeResult:
    cluster: GeneratedCluster
    median_seconds: float
    requests: list[int]
    bytes: int
    peak_mb: float
    root_cause: str
    load_seconds: float
    largest: list[str]
    cluster_wide: int  # requests not scoped to a namespace or a name


def measure_sizes(workdir: Path, sizes: tuple[int, ...], alert: Alert, *, runs: int = RUNS,
                  simulator_probe: Callable[[str, GeneratedCluster], list[Figure]] | None = None,
                  ) -> tuple[list[SizeResult], list[Figure]]:
    """Generate and serve every size at once, then time them in interleaved rounds.

    Interleaving spreads the machine's background load evenly over the sizes, so the ratio of their
    medians compares the investigation, not what else the machine was doing at that minute.
    """
    clusters = [generate_cluster(workdir / f"cluster-{pods}", pods) for pods in sizes]
    with ExitStack() as stack:
        remotes = [stack.enter_context(RemoteCluster(c.directory)) for c in clusters]
        configs = [r.write_kubeconfig(workdir / f"kubeconfig-{c.pods}") for r, c in zip(remotes, clusters, strict=True)]
        for config in configs:
            run_once(config, alert)  # warm-up: the server's first answers, the client's imports
        timed: list[list[Run]] = [[] for _ in sizes]
        for _round in range(runs):
            for n, config in enumerate(configs):
                timed[n].append(run_once(config, alert))
        results = []
        for remote, config, cluster, runs_of_size in zip(remotes, configs, clusters, timed, strict=True):
            remote.records()
            last = run_once(config, alert)
            records = remote.records()
            results.append(SizeResult(
                cluster=cluster, median_seconds=statistics.median(r.seconds for r in runs_of_size),
                requests=[r.requests for r in runs_of_size], bytes=last.bytes, peak_mb=peak_memory_mb(config, alert),
                root_cause=last.report.root_cause.summary, load_seconds=remote.load_seconds,
                largest=_largest(records),
                cluster_wide=sum(1 for r in records if "/namespaces/" not in r["path"] and r["query"])))
        probe = simulator_probe(remotes[-1].url, clusters[-1]) if simulator_probe else []
    return results, probe


def size_figures(results: list[SizeResult]) -> list[Figure]:
    """Section 1's table rows: per size, then the three targets."""
    figures: list[Figure] = []
    base = results[0]
    for r in results:
        c = r.cluster
        label = f"{c.pods:,} pods"
        note = (f"{c.deployments:,} deployments, {c.namespaces} namespaces, {c.nodes} nodes, {c.events:,} events, "
                f"{c.objects:,} objects, {c.bytes / 1e6:.0f} MB")
        figures += [
            Figure("1 size", f"{label}: API requests", float(r.requests[-1]), "", "same at every size",
                   judged(set(r.requests) == set(base.requests)), note,
                   detail={"runs": r.requests, "largest_responses": r.largest,
                           "cluster_wide_requests": r.cluster_wide}),
            Figure("1 size", f"{label}: bytes read", r.bytes / 1e6, "MB", "", Verdict.INFO,
                   "largest: " + "; ".join(r.largest[:1])),
            Figure("1 size", f"{label}: wall time (median of {len(r.requests)}, interleaved)", r.median_seconds, "s", "< 3 s",
                   judged(r.median_seconds < 3.0)),
            Figure("1 size", f"{label}: peak memory (tracemalloc)", r.peak_mb, "MB", f"< {MEMORY_LIMIT_MB} MB",
                   judged(r.peak_mb < MEMORY_LIMIT_MB), "Python allocations of the investigation; simulator in "
                   "another process"),
        ]
    largest = results[-1]
    ratio = largest.median_seconds / base.median_seconds
    figures.append(Figure("1 size", f"wall time {largest.cluster.pods:,} / {base.cluster.pods:,} pods", ratio, "x",
                          "<= 1.5x", judged(ratio <= 1.5)))
    same = len({r.root_cause for r in results}) == 1
    figures.append(Figure("1 size", "same root cause at every size", "yes" if same else "no", "", "yes",
                          judged(same), results[0].root_cause[:80]))
    return figures


def topology_depth(kubeconfig: Path, alert: Alert) -> int:
    """Hops from the alerting resource to the deepest resource discovery reached."""
    topology, _gaps = discover(connect_kubeconfig(kubeconfig, "bench"), alert.resource, namespace=alert.namespace,
                               budget=TopologyBudget())
    return max((n.depth for n in topology.nodes.values()), default=0)


def latency_figures(workdir: Path, directory: Path, alert: Alert, *, latency: float = LATENCY) -> list[Figure]:
    """Section 2: the same investigation with every request delayed, in parallel and sequentially."""
    with RemoteCluster(directory, latency_seconds=latency) as remote:
        kubeconfig = remote.write_kubeconfig(workdir / "kubeconfig-latency")
        run_once(kubeconfig, alert)
        parallel = [run_once(kubeconfig, alert) for _ in range(RUNS)]
        sequential = run_once(kubeconfig, alert, max_workers=1)
        depth = topology_depth(kubeconfig, alert)
        traced = TracingReader(connect_kubeconfig(kubeconfig, "bench"))
        marks: list[float] = []
        investigate(alert, traced, progress=lambda _message: marks.append(time.perf_counter()))
    wall = statistics.median(r.seconds for r in parallel)
    discovery = [r for r in traced.reads if r.started < marks[1]]
    collection = [r for r in traced.reads if r.started >= marks[1]]
    chains = {k: v for k, v in reads_in_series(traced.reads, latency).items() if v > 1}
    speedup = sequential.seconds / wall
    bound = depth * latency
    return [
        Figure("2 latency", f"parallel wall time at {latency * 1000:.0f} ms/request", wall, "s", "",
               Verdict.INFO, f"{parallel[-1].requests} requests, median of {RUNS}"),
        Figure("2 latency", "sequential wall time (max_workers=1)", sequential.seconds, "s", "", Verdict.INFO,
               f"{sequential.requests} requests"),
        Figure("2 latency", "speed-up parallel vs sequential", speedup, "x", ">= 4x", judged(speedup >= 4.0)),
        Figure("2 latency", "topology depth", float(depth), "hops", "", Verdict.INFO,
               f"lower bound depth x latency = {bound:.2f} s"),
        Figure("2 latency", "wall time / (depth x latency)", wall / bound if bound else 0.0, "x", "", Verdict.INFO,
               "1.0 would be one round trip per hop; discovery's root read and the collection rounds add to it"),
        Figure("2 latency", "critical path: discovery + collection", serial_rounds(discovery, latency)
               + serial_rounds(collection, latency), "round trips", "", Verdict.INFO,
               f"discovery {serial_rounds(discovery, latency):.1f}, collection {serial_rounds(collection, latency):.1f}; "
               "longest non-overlapping read chains per module (in series in a task, or queued for a worker): " + ", ".join(f"{k} {v}" for k, v in list(chains.items())[:5]),
               detail={"reads_in_series": chains,
                       "timeline_ms": [(round((r.started - marks[0]) * 1000), round((r.ended - marks[0]) * 1000),
                                        r.operation, r.caller) for r in sorted(traced.reads, key=lambda r: r.started)]}),
    ]


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return statistics.median(ordered), p99


def simulator_figures(url: str, cluster: GeneratedCluster, *, count: int = SIM_REQUESTS) -> list[Figure]:
    """Section 3: per-request latency of label-selector lists and gets through a real HTTP client."""
    samples = list(cluster.samples[:count])
    timings: dict[str, list[float]] = {"list pods by label selector (namespaced)": [],
                                       "list pods by label selector (all namespaces)": [], "get pod": []}
    with httpx.Client(base_url=url, headers={"Authorization": "Bearer bench"}, timeout=30) as client:
        for n in range(count):
            namespace, pod, app = samples[n % len(samples)]
            calls = {"list pods by label selector (namespaced)":
                     (f"/api/v1/namespaces/{namespace}/pods", {"labelSelector": f"app.kubernetes.io/name={app}"}),
                     "list pods by label selector (all namespaces)":
                     ("/api/v1/pods", {"labelSelector": f"app.kubernetes.io/name={app}"}),
                     "get pod": (f"/api/v1/namespaces/{namespace}/pods/{pod}", {})}
            for name, (path, params) in calls.items():
                started = time.perf_counter()
                response = client.get(path, params=params)
                timings[name].append(time.perf_counter() - started)
                response.raise_for_status()
    figures = []
    for name, values in timings.items():
        p50, p99 = _percentiles(values)
        figures.append(Figure("3 simulator", f"{name}: p50", p50 * 1000, "ms", "", Verdict.INFO,
                              f"{len(values)} requests on {cluster.pods:,} pods"))
        figures.append(Figure("3 simulator", f"{name}: p99", p99 * 1000, "ms", "", Verdict.INFO))
    return figures


def project_reader_figure(cluster: GeneratedCluster) -> Figure:
    """How long the project's own snapshot reader takes on a generated cluster (it parses JSON with PyYAML)."""
    started = time.perf_counter()
    load_snapshot(cluster.directory)
    seconds = time.perf_counter() - started
    return Figure("3 simulator", f"load_snapshot (project reader), {cluster.pods:,} pods", seconds, "s", "",
                  Verdict.INFO, f"{cluster.bytes / 1e6 / seconds:.1f} MB/s on {cluster.bytes / 1e6:.0f} MB; "
                  "the bench serves the filler through json instead")


def run(workdir: Path, sizes: tuple[int, ...] = SIZES, *, runs: int = RUNS) -> tuple[list[Figure], dict[str, Any]]:
    """Sections 1-3."""
    alert = demo_alert()
    results, probe = measure_sizes(workdir, sizes, alert, runs=runs, simulator_probe=simulator_figures)
    figures = size_figures(results)
    reader_probe = [r for r in results if r.cluster.pods <= READER_PROBE_PODS]
    if reader_probe:
        probe.append(project_reader_figure(reader_probe[-1].cluster))
    figures += latency_figures(workdir, results[0].cluster.directory, alert)
    figures += probe
    load = [Figure("3 simulator", f"snapshot load + index, {r.cluster.pods:,} pods", r.load_seconds, "s", "",
                   Verdict.INFO, "bench loader: filler JSON via json (see notes)") for r in results]
    context = {"sizes": [{"pods": r.cluster.pods, "median_seconds": r.median_seconds, "requests": r.requests,
                          "largest_responses": r.largest} for r in results]}
    return figures + load, context
