import pytest

from firstresponder.analysis.remediation import commands
from firstresponder.analysis.remediation.validator import validate_command
from firstresponder.models import ResourceRef, Topology

from .builders import NS, BundleBuilder, configmap, container


@pytest.fixture
def topology() -> Topology:
    b = BundleBuilder()
    b.app(containers=[container("api"), container("metrics", image="prom/exporter:1")])
    b.add(configmap("payments-config", {"DB_HOST": "db"}))
    return b.topology


DEP = ResourceRef(kind="Deployment", namespace=NS, name="payments-api")


def test_memory_patch_on_existing_container_is_valid(topology: Topology) -> None:
    cmd = commands.set_memory_limit(DEP, "api", "768Mi")
    assert cmd == ("kubectl patch deployment/payments-api -n production --type strategic -p "
                   "'{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"api\",\"resources\":"
                   "{\"limits\":{\"memory\":\"768Mi\"}}}]}}}}'")
    assert validate_command(cmd, topology) == []


def test_patch_naming_a_missing_container_is_refused(topology: Topology) -> None:
    problems = validate_command(commands.set_memory_limit(DEP, "worker", "768Mi"), topology)
    assert any("no container named 'worker'" in p for p in problems)


def test_patch_with_bad_quantity_or_limit_below_request_is_refused(topology: Topology) -> None:
    assert any("not a quantity" in p for p in validate_command(commands.set_memory_limit(DEP, "api", "lots"), topology))
    assert any("above its limit" in p for p in validate_command(commands.set_memory_limit(DEP, "api", "128Mi"), topology))


def test_resources_must_exist(topology: Topology) -> None:
    ghost = ResourceRef(kind="Deployment", namespace=NS, name="ghost")
    assert validate_command(commands.rollout_restart(ghost), topology) == [
        "Deployment/production/ghost is not in the investigated topology"]
    assert validate_command(commands.rollout_restart(DEP), topology) == []
    other_ns = ResourceRef(kind="Deployment", namespace="staging", name="payments-api")
    assert validate_command(commands.rollout_status(other_ns), topology)


def test_configmap_patch_and_noop(topology: Topology) -> None:
    cm = ResourceRef(kind="ConfigMap", namespace=NS, name="payments-config")
    assert validate_command(commands.patch_configmap_data(cm, {"DB_HOST": "db.prod"}), topology) == []
    assert any("changes nothing" in p for p in validate_command(commands.patch_configmap_data(cm, {"DB_HOST": "db"}), topology))


def test_set_image_and_undo(topology: Topology) -> None:
    assert validate_command(commands.set_image(DEP, "api", "repo/app:1.4.1"), topology) == []
    assert validate_command(commands.set_image(DEP, "nope", "repo/app:1.4.1"), topology)
    assert validate_command(commands.rollout_undo(DEP, 1), topology) == []
    assert any("no revision 7" in p for p in validate_command(commands.rollout_undo(DEP, 7), topology))


@pytest.mark.parametrize("cmd", [
    "kubectl delete deployment payments-api -n production",
    "kubectl apply -f x.yaml",
    "helm rollback payments",
    "kubectl get pods -n production; rm -rf /",
    "kubectl patch deployment payments-api -n production -p '{not json'",
    "kubectl scale deployment/payments-api -n production --replicas=-1",
    "kubectl patch configmap payments-config -n production --type merge -p '{\"data\":{\"DB_HOST\":5}}'",
    "kubectl 'unterminated",
])
def test_refuses_unsafe_or_broken_commands(cmd: str, topology: Topology) -> None:
    assert validate_command(cmd, topology)


@pytest.mark.parametrize("cmd", [
    "kubectl get pods -n production -l app=payments-api -w",
    "kubectl describe deployment payments-api -n production",
    "kubectl logs payments-api-7d9f8-ax0 -n production -c api --previous",
    "kubectl scale deployment/payments-api -n production --replicas=3",
])
def test_accepts_reads_and_scale(cmd: str, topology: Topology) -> None:
    assert validate_command(cmd, topology) == []


def test_create_only_missing_configmaps_and_pull_secrets_with_placeholders(topology: Topology) -> None:
    ghost = ResourceRef(kind="Secret", namespace=NS, name="regcred")
    assert validate_command(commands.create_pull_secret(ghost, "ghcr.io"), topology) == []
    leaked = "kubectl create secret docker-registry regcred -n production --docker-username=bob --docker-password=hunter2"
    assert any("placeholder" in p for p in validate_command(leaked, topology))
    existing = ResourceRef(kind="ConfigMap", namespace=NS, name="payments-config")
    assert validate_command(commands.create_configmap(existing), topology) == [
        "ConfigMap/production/payments-config already exists"]
    assert validate_command("kubectl create secret generic x -n production --from-literal=a=b", topology)
