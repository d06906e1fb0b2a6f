"""Services (Endpoints and EndpointSlices derived from matching pods), Ingresses, NetworkPolicies."""

from __future__ import annotations

from datetime import datetime

from tools.scenarios import ids
from tools.scenarios.cluster import Cluster, Obj
from tools.scenarios.meta import last_applied, managed, manifest_meta, metadata


def service(c: Cluster, ns: str, name: str, *, selector: dict[str, str] | None,
            ports: list[tuple[str, int, int | str]], created: datetime, kind: str = "ClusterIP",
            cluster_ip: str | None = None, labels: dict[str, str] | None = None, headless: bool = False,
            external_name: str | None = None, applied_selector: dict[str, str] | None = None,
            edited: datetime | None = None) -> Obj:
    """A Service; ports are (name, port, targetPort). Endpoints/EndpointSlices are derived at finalize."""
    ip = "None" if headless else cluster_ip or ids.ip_in("10.100", c.slug, "svc", ns, name)
    spec: Obj = {"internalTrafficPolicy": "Cluster", "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
                 "ports": [{"name": n, "port": p, "protocol": "TCP", "targetPort": t} if n else
                           {"port": p, "protocol": "TCP", "targetPort": t} for n, p, t in ports],
                 "sessionAffinity": "None", "type": kind}
    if external_name:
        spec = {"externalName": external_name, "sessionAffinity": "None", "type": "ExternalName"}
    else:
        spec["clusterIP"] = ip
        spec["clusterIPs"] = [ip]
    if selector is not None:
        spec["selector"] = dict(selector)
    if kind == "LoadBalancer":
        spec["allocateLoadBalancerNodePorts"] = True
        spec["externalTrafficPolicy"] = "Cluster"
    manifest_spec = {"ports": [{"name": n, "port": p, "targetPort": t} for n, p, t in ports],
                     "selector": applied_selector if applied_selector is not None else selector}
    manifest = {"apiVersion": "v1", "kind": "Service", "metadata": manifest_meta(name, ns, labels),
                "spec": manifest_spec}
    mfs = [managed("kubectl-client-side-apply", created, {"f:spec": {"f:ports": {}, "f:selector": {}}})]
    if edited is not None:
        mfs.append(managed("kubectl-edit", edited, {"f:spec": {"f:selector": {}}}))
    meta = metadata(c, "Service", name, ns, created, labels=labels, managed_fields=mfs,
                    annotations={"kubectl.kubernetes.io/last-applied-configuration": last_applied(manifest)})
    status: Obj = {"loadBalancer": {}}
    if kind == "LoadBalancer":
        host = f"a{ids.hexid(31, c.slug, name)}-{ids.number(100000000, 999999999, name)}.eu-west-1.elb.amazonaws.com"
        status = {"loadBalancer": {"ingress": [{"hostname": host}]}}
    svc = c.add({"apiVersion": "v1", "kind": "Service", "metadata": meta, "spec": spec, "status": status})
    if _endpoints_finalizer not in c.finalizers:
        c.finalizers.append(_endpoints_finalizer)
    return svc


def _matches(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return all(labels.get(k) == v for k, v in selector.items())


def _resolve(target: int | str, pod: Obj) -> int | None:
    if isinstance(target, int):
        return target
    for ctr in pod["spec"]["containers"]:
        for port in ctr.get("ports", []):
            if port.get("name") == target:
                return int(port["containerPort"])
    return None


def _endpoints_finalizer(c: Cluster) -> None:
    for svc in c.of_kind("Service"):
        selector = svc["spec"].get("selector")
        if not selector:
            continue
        ns, name = svc["metadata"]["namespace"], svc["metadata"]["name"]
        created = svc["metadata"]["creationTimestamp"]
        pods = [p for p in c.of_kind("Pod", ns) if _matches(selector, p["metadata"].get("labels", {}))
                and p["status"].get("podIP") and p["status"].get("phase") not in ("Succeeded", "Failed")]
        ready = [p for p in pods if any(cd["type"] == "Ready" and cd["status"] == "True"
                                        for cd in p["status"]["conditions"])]
        subsets: list[Obj] = []
        endpoints: list[Obj] = []
        for port in svc["spec"]["ports"]:
            resolved = [(p, _resolve(port["targetPort"], p)) for p in pods]
            usable = [(p, n) for p, n in resolved if n is not None]
            if not usable:
                continue
            target = usable[0][1]
            ep_port: Obj = {"port": target, "protocol": "TCP"}
            if port.get("name"):
                ep_port["name"] = port["name"]
            subset: Obj = {"ports": [ep_port]}
            addrs = [_address(p) for p, _ in usable if p in ready]
            not_ready = [_address(p) for p, _ in usable if p not in ready]
            if addrs:
                subset["addresses"] = addrs
            if not_ready:
                subset["notReadyAddresses"] = not_ready
            if addrs or not_ready:
                merged = next((s for s in subsets if s.get("addresses") == subset.get("addresses")
                               and s.get("notReadyAddresses") == subset.get("notReadyAddresses")), None)
                if merged:
                    merged["ports"].append(ep_port)
                else:
                    subsets.append(subset)
        for p in pods:
            ok = p in ready
            endpoints.append({"addresses": [p["status"]["podIP"]],
                              "conditions": {"ready": ok, "serving": ok, "terminating": False},
                              "nodeName": p["spec"]["nodeName"],
                              "targetRef": {"kind": "Pod", "name": p["metadata"]["name"], "namespace": ns,
                                            "uid": p["metadata"]["uid"]},
                              "zone": _zone_of(c, p["spec"]["nodeName"])})
        labels = dict(svc["metadata"].get("labels", {}))
        ep_meta = metadata(c, "Endpoints", name, ns, _dt(created), labels=labels or None,
                           annotations={"endpoints.kubernetes.io/last-change-trigger-time": ids.ts(c.now)}
                           if pods else None,
                           managed_fields=[managed("kube-controller-manager", _dt(created), {"f:subsets": {}})])
        ep: Obj = {"apiVersion": "v1", "kind": "Endpoints", "metadata": ep_meta}
        if subsets:
            ep["subsets"] = subsets
        c.add(ep)
        slice_name = f"{name}-{ids.safe_suffix(5, c.slug, ns, name, 'slice')}"
        # Ports a pod does not have (unknown named targetPort) are left out, as the controller does.
        slice_ports = [{"name": port.get("name", ""), "port": _slice_port(port, pods), "protocol": "TCP"}
                       for port in svc["spec"]["ports"] if _slice_port(port, pods) is not None]
        slice_labels = {**labels, "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
                        "kubernetes.io/service-name": name}
        sl_meta = metadata(c, "EndpointSlice", slice_name, ns, _dt(created), labels=slice_labels, owner=svc,
                           generate_name=f"{name}-", generation=1 + len(pods),
                           managed_fields=[managed("endpointslice-controller.k8s.io", _dt(created),
                                                   {"f:endpoints": {}, "f:ports": {}},
                                                   api_version="discovery.k8s.io/v1")])
        sl_meta["ownerReferences"][0]["blockOwnerDeletion"] = True
        if pods:
            sl_meta["annotations"] = {"endpoints.kubernetes.io/last-change-trigger-time": ids.ts(c.now)}
        c.add({"addressType": "IPv4", "apiVersion": "discovery.k8s.io/v1", "endpoints": endpoints or None,
               "kind": "EndpointSlice", "metadata": sl_meta, "ports": slice_ports if pods else None})


def _slice_port(port: Obj, pods: list[Obj]) -> int | None:
    for p in pods:
        n = _resolve(port["targetPort"], p)
        if n is not None:
            return n
    return None


def _address(pod: Obj) -> Obj:
    return {"ip": pod["status"]["podIP"], "nodeName": pod["spec"]["nodeName"],
            "targetRef": {"kind": "Pod", "name": pod["metadata"]["name"], "namespace": pod["metadata"]["namespace"],
                          "uid": pod["metadata"]["uid"]}}


def _zone_of(c: Cluster, node: str) -> str:
    for n in c.of_kind("Node"):
        if n["metadata"]["name"] == node:
            return str(n["metadata"]["labels"].get("topology.kubernetes.io/zone", "eu-west-1a"))
    return "eu-west-1a"


def _dt(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def ingress_class(c: Cluster, name: str, *, created: datetime, controller: str = "k8s.io/ingress-nginx",
                  default: bool = False) -> Obj:
    annotations = {"ingressclass.kubernetes.io/is-default-class": "true"} if default else None
    meta = metadata(c, "IngressClass", name, None, created, annotations=annotations, generation=1,
                    labels={"app.kubernetes.io/component": "controller", "app.kubernetes.io/name": "ingress-nginx"})
    return c.add({"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass", "metadata": meta,
                  "spec": {"controller": controller}})


def ingress(c: Cluster, ns: str, name: str, *, host: str, paths: list[tuple[str, str, int | str]],
            created: datetime, class_name: str | None = "nginx", tls_secret: str | None = None,
            lb_host: str | None = None, annotations: dict[str, str] | None = None) -> Obj:
    """An Ingress; paths are (path, service, port number or name)."""
    rules = [{"host": host, "http": {"paths": [
        {"backend": {"service": {"name": svc, "port": {"number": port} if isinstance(port, int) else {"name": port}}},
         "path": path, "pathType": "Prefix"} for path, svc, port in paths]}}]
    spec: Obj = {"rules": rules}
    if class_name:
        spec["ingressClassName"] = class_name
    if tls_secret:
        spec["tls"] = [{"hosts": [host], "secretName": tls_secret}]
    meta = metadata(c, "Ingress", name, ns, created, annotations=annotations, generation=1,
                    managed_fields=[managed("kubectl-client-side-apply", created, {"f:spec": {"f:rules": {}}},
                                            api_version="networking.k8s.io/v1")])
    status: Obj = {"loadBalancer": {"ingress": [{"hostname": lb_host}]} if lb_host else {}}
    return c.add({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": meta, "spec": spec,
                  "status": status})


def network_policy(c: Cluster, ns: str, name: str, *, pod_selector: dict[str, str], created: datetime,
                   ingress: list[Obj] | None = None, egress: list[Obj] | None = None,
                   policy_types: list[str] | None = None, manager: str = "kubectl-client-side-apply") -> Obj:
    spec: Obj = {"podSelector": {"matchLabels": pod_selector} if pod_selector else {}}
    types = policy_types or (["Ingress"] if egress is None else ["Ingress", "Egress"])
    spec["policyTypes"] = types
    if ingress is not None:
        spec["ingress"] = ingress
    if egress is not None:
        spec["egress"] = egress
    manifest = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                "metadata": manifest_meta(name, ns), "spec": spec}
    meta = metadata(c, "NetworkPolicy", name, ns, created, generation=1,
                    annotations={"kubectl.kubernetes.io/last-applied-configuration": last_applied(manifest)},
                    managed_fields=[managed(manager, created, {"f:spec": {"f:podSelector": {}, "f:policyTypes": {}}},
                                            api_version="networking.k8s.io/v1")])
    return c.add({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": meta, "spec": spec})


def peer_pods(labels: dict[str, str], namespace: str | None = None) -> Obj:
    peer: Obj = {"podSelector": {"matchLabels": labels}}
    if namespace:
        peer["namespaceSelector"] = {"matchLabels": {"kubernetes.io/metadata.name": namespace}}
    return peer


def tcp_ports(*ports: int) -> list[Obj]:
    return [{"port": p, "protocol": "TCP"} for p in ports]
