"""What a container's exit code means, and which cause the pod's own data supports."""

from __future__ import annotations

_SIGNALS = {1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 6: "SIGABRT", 9: "SIGKILL", 11: "SIGSEGV", 15: "SIGTERM"}

_CODES = {
    0: "exited successfully (0)",
    1: "application error (1): the process exited with a generic failure; its log says why",
    2: "misuse of a shell builtin or invalid arguments (2)",
    126: "command not executable (126): permission or format problem with the entrypoint",
    127: "command not found (127): wrong command/entrypoint or a binary missing from the image",
    128: "invalid exit argument (128)",
    130: "interrupted by SIGINT (130)",
    134: "aborted by SIGABRT (134): abort() or a failed assertion",
    139: "segmentation fault, SIGSEGV (139): the process read invalid memory",
    143: "terminated by SIGTERM (143): a normal shutdown request (rollout, scale-down, eviction, "
         "or a kill after failing liveness probes)",
    255: "exit status out of range (255): often a fatal runtime error",
}


def signal_of(exit_code: int) -> int | None:
    return exit_code - 128 if 128 < exit_code < 160 else None


def exit_meaning(exit_code: int, reason: str | None, *, pod_reason: str | None = None,
                 has_liveness_probe: bool = False) -> str:
    """A human reading of the exit code; for 137 it says whether OOM, eviction or a probe kill fits."""
    if exit_code == 137:
        return _sigkill_meaning(reason, pod_reason, has_liveness_probe)
    if exit_code in _CODES:
        return _CODES[exit_code]
    signal = signal_of(exit_code)
    if signal is not None:
        return f"killed by signal {_SIGNALS.get(signal, signal)} ({exit_code})"
    return f"application exit code {exit_code}: see the container log"


def _sigkill_meaning(reason: str | None, pod_reason: str | None, has_liveness_probe: bool) -> str:
    base = "SIGKILL (137): "
    if reason == "OOMKilled":
        return base + "OOMKilled: the kernel killed it at its memory limit"
    if pod_reason == "Evicted":
        return base + "the pod was evicted by the kubelet (node pressure)"
    if has_liveness_probe:
        return base + ("not OOMKilled: a liveness-probe kill or an external kill; "
                       "Unhealthy/Killing events tell which")
    return base + "not OOMKilled and no liveness probe: killed from outside (eviction, node shutdown, runtime)"
