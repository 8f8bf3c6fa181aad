"""deploy/: checked as far as a machine without a Docker engine allows."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from dockerfile_parse import DockerfileParser

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"


def _documents(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def _k8s_resources() -> list[dict[str, Any]]:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    return [doc for name in kustomization["resources"] for doc in _documents(K8S / name)]


def test_dockerfile_is_slim_non_root_with_healthcheck() -> None:
    parser = DockerfileParser(path=str(DEPLOY / "Dockerfile"))
    instructions = [(i["instruction"], i["value"]) for i in parser.structure]
    froms = [value for kind, value in instructions if kind == "FROM"]
    assert froms
    assert all("slim" in value for value in froms)
    users = [value for kind, value in instructions if kind == "USER"]
    assert users
    assert users[-1].split(":")[0] not in ("root", "0")
    assert any(kind == "HEALTHCHECK" and "/healthz" in value for kind, value in instructions)
    assert ("ENTRYPOINT", '["replyguard"]') in instructions
    # The model's compiled copy is made while building, before the user drops to non-root, in
    # the folder the running image reads (its root filesystem may be read-only).
    compile_at = instructions.index(("RUN", "replyguard compile"))
    assert compile_at < instructions.index(("USER", users[-1]))
    assert any(
        kind == "ENV" and "REPLYGUARD_MODEL_CACHE=/" in value
        for kind, value in instructions[:compile_at]
    )
    assert any(kind == "CMD" and '"serve"' in value for kind, value in instructions)
    for kind, value in instructions:
        if kind == "COPY" and "--from" not in value:
            for source in value.split()[:-1]:
                assert (ROOT / source).exists(), f"COPY source {source} is missing"


def test_dockerfile_passes_hadolint() -> None:
    hadolint = shutil.which("hadolint") or shutil.which(
        "hadolint", path=str(Path(sys.executable).parent)
    )
    if hadolint is None:
        pytest.skip("hadolint is not installed")
    result = subprocess.run(
        [hadolint, "--failure-threshold", "warning", str(DEPLOY / "Dockerfile")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_runs_the_service_beside_a_persistent_redis() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    redis = compose["services"]["redis"]
    app = compose["services"]["replyguard"]
    mounted = [volume.split(":")[0] for volume in redis["volumes"]]
    assert "./redis.conf" in mounted
    assert (DEPLOY / "redis.conf").exists()
    assert app["build"]["dockerfile"] == "deploy/Dockerfile"
    assert (DEPLOY / app["build"]["context"] / app["build"]["dockerfile"]).exists()
    assert app["environment"]["REPLYGUARD_REDIS_URL"].startswith("redis://redis:")
    assert app["depends_on"]["redis"]["condition"] == "service_healthy"
    assert app["command"][0] == "serve"
    assert set(compose["volumes"]) >= {"redis-data"}


def test_redis_conf_keeps_everything() -> None:
    settings = dict(
        line.split(None, 1)
        for line in (DEPLOY / "redis.conf").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    )
    assert settings["appendonly"] == "yes"
    assert settings["appendfsync"] in ("everysec", "always")
    assert settings["maxmemory-policy"] == "noeviction"


@pytest.mark.parametrize(
    "resource", _k8s_resources(), ids=lambda r: f"{r['kind']}/{r['metadata']['name']}"
)
def test_k8s_manifests_match_the_schema(resource: dict[str, Any]) -> None:
    kubernetes_validate.validate(resource, "1.30.0", strict=True)


def test_k8s_deployment_probes_and_secrets() -> None:
    resources = _k8s_resources()
    by_kind = {(r["kind"], r["metadata"]["name"]): r for r in resources}
    deployment = by_kind[("Deployment", "replyguard")]
    pod = deployment["spec"]["template"]
    [container] = pod["spec"]["containers"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert pod["spec"]["securityContext"]["runAsNonRoot"] is True
    env = {item["name"]: item for item in container["env"]}
    secret_ref = env["REPLYGUARD_MODERATOR_TOKENS"]["valueFrom"]["secretKeyRef"]
    secret = by_kind[("Secret", secret_ref["name"])]
    assert secret_ref["key"] in secret["stringData"]
    service = by_kind[("Service", "replyguard")]
    assert service["spec"]["selector"].items() <= pod["metadata"]["labels"].items()
    port_names = {port["name"] for port in container["ports"]}
    assert service["spec"]["ports"][0]["targetPort"] in port_names
    redis_url = env["REPLYGUARD_REDIS_URL"]["value"]
    assert ("Service", redis_url.split("//")[1].split(":")[0]) in by_kind
