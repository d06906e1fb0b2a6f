"""core/v1 Events as the API serves them: kubelet/controller style (count) and events.k8s.io style (series)."""

from __future__ import annotations

from datetime import datetime, timedelta

from tools.scenarios import ids
from tools.scenarios.cluster import Cluster, Obj

# Components that report through the events.k8s.io API (eventTime + series, no first/lastTimestamp).
NEW_API_COMPONENTS = {"default-scheduler"}


def event(c: Cluster, involved: Obj, reason: str, message: str, *, first: datetime,
          last: datetime | None = None, count: int = 1, type: str = "Normal", component: str = "kubelet",
          host: str | None = None, field_path: str | None = None, action: str | None = None) -> Obj:
    """One Event about ``involved``; older than an hour it would have expired, so callers keep it recent."""
    last = last or first
    meta_i = involved["metadata"]
    ns = meta_i.get("namespace") or "default"
    ref: Obj = {"apiVersion": involved["apiVersion"], "kind": involved["kind"], "name": meta_i["name"],
                "resourceVersion": meta_i.get("resourceVersion", ""), "uid": meta_i["uid"]}
    if meta_i.get("namespace"):
        ref["namespace"] = meta_i["namespace"]
    if field_path:
        ref["fieldPath"] = field_path
    nanos = int(first.timestamp()) * 1_000_000_000 + ids.number(0, 999_999_999, c.slug, meta_i["name"], reason, message)
    name = f"{meta_i['name']}.{nanos:x}"
    meta: Obj = {"creationTimestamp": ids.ts(first), "name": name, "namespace": ns,
                 "resourceVersion": c.next_rv(), "uid": ids.uid(c.slug, "event", name)}
    ev: Obj = {"apiVersion": "v1", "involvedObject": ref, "kind": "Event", "message": message, "metadata": meta,
               "reason": reason, "type": type}
    if component in NEW_API_COMPONENTS:
        ev.update(action=action or "Scheduling", eventTime=ids.micro_ts(first + timedelta(microseconds=ids.number(1, 999_999, name))), firstTimestamp=None,
                  lastTimestamp=None, reportingComponent=component,
                  reportingInstance=f"{component}-ip-10-0-0-12.eu-west-1.compute.internal", source={})
        if count > 1:
            ev["series"] = {"count": count, "lastObservedTime": ids.micro_ts(last)}
    else:
        src: Obj = {"component": component}
        if host:
            src["host"] = host
        ev.update(count=count, eventTime=None, firstTimestamp=ids.ts(first), lastTimestamp=ids.ts(last),
                  reportingComponent=component, reportingInstance=host or "", source=src)
    return c.add(ev)


def pod_started_events(c: Cluster, pod: Obj, container: str, *, at: datetime, pulled_cached: bool = True,
                       count: int = 1, last: datetime | None = None) -> None:
    """Scheduled / Pulled / Created / Started for one container of a new pod."""
    node = pod["spec"].get("nodeName")
    ns, name = pod["metadata"]["namespace"], pod["metadata"]["name"]
    event(c, pod, "Scheduled", f"Successfully assigned {ns}/{name} to {node}", first=at, component="default-scheduler",
          action="Binding")
    image = next(x["image"] for x in pod["spec"]["containers"] if x["name"] == container)
    fp = f"spec.containers{{{container}}}"
    msg = (f'Container image "{image}" already present on machine' if pulled_cached
           else f'Successfully pulled image "{image}" in 2.113s (2.113s including waiting). Image size: 48213370 bytes.')
    for reason, text in (("Pulled", msg), ("Created", f"Created container: {container}"),
                         ("Started", f"Started container {container}")):
        event(c, pod, reason, text, first=at, last=last, count=count, host=node, field_path=fp)
