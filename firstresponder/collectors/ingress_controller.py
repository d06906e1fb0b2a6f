"""The ingress controller's own log lines about one Ingress (missing certificates, backends, classes)."""

from __future__ import annotations

import re
from typing import Any

from firstresponder.collectors.context import CollectionContext, ResultBuilder, gap_of
from firstresponder.collectors.ids import evidence_id
from firstresponder.collectors.log_patterns import read_log
from firstresponder.collectors.logs import LIMIT_BYTES, TAIL_LINES
from firstresponder.kube.reader import KubeApiError
from firstresponder.models.evidence import CollectorResult, Evidence, LogFacts, LogLine
from firstresponder.models.resource import ResourceRef
from firstresponder.topology.objects import as_dict, as_list, dig, name_of, namespace_of, pod_problem
from firstresponder.topology.routing import ingress_backends, ingress_class_name

NAME = "ingress.controller"
# IngressClass spec.controller (or a class name hint) -> label selector of the controller's pods.
CONTROLLER_PODS: dict[str, str] = {
    "k8s.io/ingress-nginx": "app.kubernetes.io/name=ingress-nginx",
    "traefik.io/ingress-controller": "app.kubernetes.io/name=traefik",
    "ingress.k8s.aws/alb": "app.kubernetes.io/name=aws-load-balancer-controller",
}
_NAME_HINTS = {"nginx": "k8s.io/ingress-nginx", "traefik": "traefik.io/ingress-controller", "alb": "ingress.k8s.aws/alb"}
MAX_LINES = 20


def controller_selector(ctx: CollectionContext, class_name: str | None) -> str:
    """The controller's pod selector from the IngressClass (topology), else from the class name; nginx by default."""
    controller = None
    if class_name:
        obj = ctx.obj(ResourceRef(kind="IngressClass", name=class_name))
        controller = str(dig(obj, "spec", "controller") or "") if obj else None
        if not controller:
            controller = next((c for hint, c in _NAME_HINTS.items() if hint in class_name), None)
    return CONTROLLER_PODS.get(controller or "", CONTROLLER_PODS["k8s.io/ingress-nginx"])


def collect_ingress_controller(ctx: CollectionContext, ref: ResourceRef) -> CollectorResult:
    """LogFacts of the lines a controller pod logged about this Ingress, its Secrets and its Services."""
    out = ResultBuilder(ctx, NAME, ref)
    ingress = ctx.obj(ref)
    if ingress is None:
        out.skipped = True
        return out.result()
    selector = controller_selector(ctx, ingress_class_name(ingress)[0])
    pods = out.attempt(lambda: ctx.reader.list("Pod", None, label_selector=selector), f"controller pods ({selector})")
    if not pods:
        out.skipped = pods is not None
        return out.result()
    found = _first_log(ctx, out, sorted(pods, key=lambda p: (pod_problem(p) is not None, name_of(p))))
    if found is None:
        return out.result()
    pod, containers, text = found
    namespace = namespace_of(pod) or ""
    needles = _needles(ref, ingress)
    lines = text.splitlines()
    latest: dict[str, LogLine] = {}  # repeated lines (resyncs every few seconds) collapse to their latest
    for number, line in enumerate(lines, start=1):
        if any(needle in line for needle in needles):
            latest[re.sub(r"\d+", "#", line)] = LogLine(number=number, text=line[:400])
    matching = sorted(latest.values(), key=lambda line: line.number)
    reading = read_log("\n".join(line.text for line in matching))
    pod_ref = ResourceRef(kind="Pod", name=name_of(pod), namespace=namespace)
    facts = LogFacts(pod=name_of(pod), container=containers[0], previous=False, line_count=len(lines),
                     truncated=len(lines) >= TAIL_LINES, first_error=matching[0] if matching else None,
                     key_lines=matching[-MAX_LINES:], signatures=reading.signatures, hosts=reading.hosts)
    summary = f"ingress controller {name_of(pod)}: {len(matching)} distinct log lines about Ingress {ref.namespace}/{ref.name}"
    if matching:
        summary += f", latest: {matching[-1].text[:200]}"
    out.evidence.append(Evidence(id=evidence_id("logs", "ingress-controller", ref.name), resource=pod_ref,
                                 summary=summary, excerpt="\n".join(line.text for line in matching[-10:])[-2000:],
                                 facts=facts))
    return out.result()


def _first_log(ctx: CollectionContext, out: ResultBuilder,
               pods: list[dict[str, Any]]) -> tuple[dict[str, Any], list[str], str] | None:
    """The first of (up to three) controller pods whose log can be read: every replica syncs every Ingress."""
    for pod in pods[:3]:
        containers = [str(as_dict(c).get("name")) for c in as_list(dig(pod, "spec", "containers"))]
        if not containers:
            continue
        try:
            text = ctx.reader.logs(namespace_of(pod) or "", name_of(pod), containers[0], tail_lines=TAIL_LINES,
                                   limit_bytes=LIMIT_BYTES)
        except KubeApiError as err:
            if err.status in (400, 404):
                continue
            out.gaps.append(gap_of(err, f"logs of ingress controller pod {name_of(pod)}", out.resource))
            return None
        return pod, containers, text
    return None


def _needles(ref: ResourceRef, ingress: dict[str, object]) -> list[str]:
    """``ns/name`` forms of the Ingress, its TLS Secrets and backend Services, as controllers log them."""
    ns = ref.namespace or ""
    names = [ref.name] + [str(as_dict(t).get("secretName")) for t in as_list(dig(ingress, "spec", "tls"))
                          if as_dict(t).get("secretName")]
    names += [service for _h, _p, service, _port in ingress_backends(ingress)]
    return sorted({f"{ns}/{name}" for name in names})
