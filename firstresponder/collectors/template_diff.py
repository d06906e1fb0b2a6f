"""What changed between two pod templates: image, env, envFrom, resources, probes, command, ports."""

from __future__ import annotations

import json
from typing import Any

from firstresponder.collectors.redaction import mask_value
from firstresponder.models.evidence import TemplateDiff
from firstresponder.topology.objects import as_dict, as_list

_CONTAINER_FIELDS = ("image", "command", "args", "envFrom", "ports", "livenessProbe", "readinessProbe",
                     "startupProbe", "volumeMounts")
_POD_FIELDS = ("serviceAccountName", "nodeSelector", "tolerations", "imagePullSecrets", "affinity")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True, separators=(",", ":"))


def _env(container: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for env in as_list(container.get("env")):
        env = as_dict(env)
        name = str(env.get("name", ""))
        if "value" in env:
            out[name] = mask_value(name, str(env["value"]))
        else:
            out[name] = _text(env.get("valueFrom")) or ""
    return out


def _resources(container: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for group in ("requests", "limits"):
        for name, value in as_dict(as_dict(container.get("resources")).get(group)).items():
            out[f"{group}.{name}"] = str(value)
    return out


def _pairs(before: dict[str, str], after: dict[str, str], prefix: str) -> list[TemplateDiff]:
    return [TemplateDiff(path=f"{prefix}.{key}", before=before.get(key), after=after.get(key))
            for key in sorted(set(before) | set(after)) if before.get(key) != after.get(key)]


def template_diff(before: dict[str, Any], after: dict[str, Any]) -> list[TemplateDiff]:
    """Differences between two pod specs (``before`` the previous revision), as readable paths."""
    diffs: list[TemplateDiff] = []
    for field in ("initContainers", "containers"):
        old = {str(c.get("name")): c for c in as_list(before.get(field)) if isinstance(c, dict)}
        new = {str(c.get("name")): c for c in as_list(after.get(field)) if isinstance(c, dict)}
        for name in sorted(set(old) | set(new)):
            prefix = f"{field}[{name}]"
            if name not in old or name not in new:
                diffs.append(TemplateDiff(path=prefix, before="present" if name in old else None,
                                          after="present" if name in new else None))
                continue
            a, b = old[name], new[name]
            for key in _CONTAINER_FIELDS:
                if _text(a.get(key)) != _text(b.get(key)):
                    diffs.append(TemplateDiff(path=f"{prefix}.{key}", before=_text(a.get(key)), after=_text(b.get(key))))
            diffs += _pairs(_env(a), _env(b), f"{prefix}.env")
            diffs += _pairs(_resources(a), _resources(b), f"{prefix}.resources")
    old_volumes = {str(v.get("name")): _text(v) or "" for v in as_list(before.get("volumes")) if isinstance(v, dict)}
    new_volumes = {str(v.get("name")): _text(v) or "" for v in as_list(after.get("volumes")) if isinstance(v, dict)}
    diffs += [TemplateDiff(path=f"volumes[{d.path.split('.', 1)[1]}]", before=d.before, after=d.after)
              for d in _pairs(old_volumes, new_volumes, "volumes")]
    for key in _POD_FIELDS:
        if _text(before.get(key)) != _text(after.get(key)):
            diffs.append(TemplateDiff(path=key, before=_text(before.get(key)), after=_text(after.get(key))))
    return [_capped(d) for d in diffs]


def _capped(diff: TemplateDiff) -> TemplateDiff:
    def cap(value: str | None) -> str | None:
        return value if value is None or len(value) <= 300 else value[:297] + "..."

    return TemplateDiff(path=diff.path, before=cap(diff.before), after=cap(diff.after))
