from firstresponder.analysis.detectors import config_change
from firstresponder.analysis.remediation.validator import validate_command
from firstresponder.models import Category, EdgeRelation, ResourceRef

from .builders import NS, BundleBuilder, at, configmap, container, env_from_configmap

CM = ResourceRef(kind="ConfigMap", namespace=NS, name="payments-config")
NEW_HOST = "payments-db-v2.production.svc.cluster.local"
OLD_HOST = "payments-db.production.svc.cluster.local"


def scenario(*, changed_at: float = -8, log_hosts: list[str] | None = None, old_pod_healthy: bool = False,
             crash_minutes: float = -5, line: str | None = None) -> BundleBuilder:
    b = BundleBuilder()
    api = container(env=[env_from_configmap("DB_HOST", "payments-config")])
    _dep, pods = b.app(containers=[api], pods=3)
    b.add(configmap("payments-config", {"DB_HOST": NEW_HOST}))
    for p in pods:
        b.link(p, CM, EdgeRelation.CONFIGURES, "env DB_HOST")
    failing, old = (pods[:2], pods[2]) if old_pod_healthy else (pods, None)
    consumers = [f"{p.key} container api env DB_HOST" for p in pods]
    b.config("payments-config", values={"DB_HOST": NEW_HOST}, previous={"DB_HOST": OLD_HOST},
             changed=changed_at, consumers=consumers)
    for p in failing:
        b.crashloop(p)
        b.pod_status(p, started_at=at(changed_at + 1))
        b.event(p, "BackOff", "Back-off restarting failed container api", first=crash_minutes)
        b.logs(p, [line or f"FATAL: could not translate host name \"{NEW_HOST}\" to address"],
               signatures=["dns_failure"], hosts=log_hosts if log_hosts is not None else [NEW_HOST])
    if old is not None:
        b.container_status(old, restart_count=0)
        b.pod_status(old, started_at=at(-600))
    return b


def test_config_change_with_matching_log_host_is_direct() -> None:
    bundle = scenario().build()

    [finding] = config_change.detect(bundle, at(2))

    assert finding.category is Category.CONFIG_CHANGE
    assert finding.culprit == CM
    assert finding.direct
    assert finding.change is not None and finding.change.at == at(-8)
    assert "DB_HOST" in finding.summary
    patch, restart = finding.remediations
    assert patch.command == ("kubectl patch configmap/payments-config -n production --type merge -p "
                             f"'{{\"data\":{{\"DB_HOST\":\"{OLD_HOST}\"}}}}'")
    assert restart.command == "kubectl rollout restart deployment/payments-api -n production"
    assert restart.verify == "kubectl rollout status deployment/payments-api -n production"
    for fix in finding.remediations:
        assert fix.command is not None and validate_command(fix.command, bundle.topology) == []


def test_old_pods_running_on_the_old_value_strengthen_it() -> None:
    [plain] = config_change.detect(scenario().build(), at(2))
    [supported] = config_change.detect(scenario(old_pod_healthy=True).build(), at(2))
    assert supported.strength > plain.strength
    assert any("still run fine on the old value" in r for r in supported.reasons)


def test_logs_naming_another_host_make_it_circumstantial() -> None:
    other = scenario(log_hosts=["redis.cache.svc"], line="FATAL: could not translate host name redis.cache.svc")
    [finding] = config_change.detect(other.build(), at(2))
    assert not finding.direct
    [direct] = config_change.detect(scenario().build(), at(2))
    assert finding.strength < direct.strength


def test_new_value_quoted_in_an_error_line_is_direct() -> None:
    b = scenario(log_hosts=[], line=f"ValueError: invalid DSN {NEW_HOST}:abc")
    [finding] = config_change.detect(b.build(), at(2))
    assert finding.direct


def test_change_after_the_first_crash_is_not_the_cause() -> None:
    # crashes began 20 min before the alert; the ConfigMap changed 3 min before it
    assert config_change.detect(scenario(changed_at=-3, crash_minutes=-20).build(), at(2)) == []


def test_change_to_keys_the_pods_do_not_read_is_ignored() -> None:
    b = scenario()
    b.evidence = [e for e in b.evidence if e.facts.source != "config.object"]
    b.config("payments-config", values={"DB_HOST": NEW_HOST, "BANNER": "new"}, previous={"BANNER": "old"},
             changed=-8, consumers=[], referenced_keys=["DB_HOST"])
    assert config_change.detect(b.build(), at(2)) == []


def test_masked_previous_values_are_never_written_back() -> None:
    b = scenario()
    b.evidence = [e for e in b.evidence if e.facts.source != "config.object"]
    b.config("payments-config", values={"DB_PASSWORD_URL": "postgres://app:****@db-v2"},
             previous={"DB_PASSWORD_URL": "postgres://app:****@db"}, changed=-8,
             consumers=[f"{p} container api env DB_PASSWORD_URL" for p in ("Pod/production/payments-api-7d9f8-ax0",)])
    [finding] = config_change.detect(b.build(), at(2))
    assert all(fix.command is None or "****" not in fix.command for fix in finding.remediations)
    assert any("version control" in fix.description for fix in finding.remediations)


def test_unknown_previous_value_matching_the_current_one_is_circumstantial() -> None:
    b = scenario()
    b.evidence = [e for e in b.evidence if e.facts.source != "config.object"]
    b.config("payments-config", values={"DB_HOST": NEW_HOST}, changed=-8,
             consumers=["Pod/production/payments-api-7d9f8-ax0 env DB_HOST of container api key DB_HOST"])
    [finding] = config_change.detect(b.build(), at(2))
    assert not finding.direct
    assert any("previous value is not recorded" in r for r in finding.reasons)


def test_a_write_long_before_the_failure_without_known_changes_is_ignored() -> None:
    b = scenario()
    b.evidence = [e for e in b.evidence if e.facts.source != "config.object"]
    b.config("payments-config", values={"DB_HOST": NEW_HOST}, changed=-600, consumers=[])
    assert config_change.detect(b.build(), at(2)) == []
