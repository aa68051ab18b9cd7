"""Settings from the environment, and the production checklist."""

import os
import re
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from vern.env import env_bool, env_list, env_str


def test_env_bool_is_strict(monkeypatch):
    monkeypatch.setenv("X_FLAG", "false")
    assert env_bool("X_FLAG", default=True) is False
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured):
        env_bool("X_FLAG", default=True)


def test_secrets_can_come_from_files(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("X_SECRET_FILE", str(secret))
    assert env_str("X_SECRET") == "from-a-file"
    monkeypatch.setenv("X_LIST", "a, b,,c")
    assert env_list("X_LIST", []) == ["a", "b", "c"]


def _vern(args, env_extra, tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "VERN_", "DATABASE_"))
    }
    env.update(env_extra)
    env["VERN_DATA_DIR"] = str(tmp_path)
    return subprocess.run(
        [sys.executable, "-m", "vern.manage", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x7Qk2v9LmZp4Rt8Wn3Yb6Hc1Jd5Fg0Se-ProductionOnlyKeyThatIsLong",
    "ALLOWED_HOSTS": "vern.example.no",
    "DATABASE_URL": "postgres://vern@127.0.0.1:5432/vern",
    "VERN_FERNET_KEYS": Fernet.generate_key().decode(),
    "VERN_AUDIT_KEYS": "audit-key-for-the-production-settings-test-0123",
}


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    result = _vern(["check", "--deploy", "--fail-level", "WARNING"], PRODUCTION, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_its_variables(tmp_path):
    result = _vern(["check"], {"DEBUG": "false"}, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr and "VERN_FERNET_KEYS" in result.stderr


def test_production_refuses_to_start_without_audit_keys(tmp_path):
    without = {key: value for key, value in PRODUCTION.items() if key != "VERN_AUDIT_KEYS"}
    result = _vern(["check"], without, tmp_path)
    assert result.returncode != 0
    assert "VERN_AUDIT_KEYS" in result.stderr
    result = _vern(["check"], {**PRODUCTION, "VERN_AUDIT_KEYS": "short"}, tmp_path)
    assert result.returncode != 0
    assert "at least 32 characters" in result.stderr


def test_embedded_mode_generates_an_owner_only_audit_key(tmp_path):
    result = _vern(["check"], {}, tmp_path)
    assert result.returncode == 0, result.stderr
    key_file = tmp_path / "audit_key"
    assert len(key_file.read_text().strip()) >= 32
    assert key_file.stat().st_mode & 0o777 == 0o600


def test_production_refuses_demo_mode(tmp_path):
    result = _vern(["check"], {**PRODUCTION, "VERN_DEMO": "true"}, tmp_path)
    assert result.returncode != 0
    assert "Demo mode" in result.stderr


def test_a_malformed_api_rate_is_refused_at_start(tmp_path):
    result = _vern(["check"], {"VERN_HSDS_RATE": "lots"}, tmp_path)
    assert result.returncode != 0
    assert "VERN_HSDS_RATE" in result.stderr


def test_the_api_rates_documented_as_working_are_accepted_at_start(tmp_path):
    from pathlib import Path

    operations = Path(__file__).resolve().parents[2] / "docs" / "operations.md"
    row = next(
        line
        for line in operations.read_text().splitlines()
        if line.startswith("| `VERN_HSDS_RATE`")
    )
    examples = re.findall(r"`([^`]+)`", re.search(r"\(([^)]*`[^)]*)\)", row).group(1))
    assert examples
    assert "not checked" not in row.lower()
    for example in examples:
        result = _vern(["check"], {"VERN_HSDS_RATE": example}, tmp_path)
        assert result.returncode == 0, f"{example}: {result.stderr}"


@pytest.mark.parametrize(("value", "expected"), [(None, "False"), ("true", "True")])
def test_postgresql_connections_are_health_checked_only_when_asked(tmp_path, value, expected):
    env = {**PRODUCTION, "DEBUG": "true"}
    if value is not None:
        env["DATABASE_CONN_HEALTH_CHECKS"] = value
    code = "from django.conf import settings; print(settings.DATABASES['default']['CONN_HEALTH_CHECKS'])"
    result = _vern(["shell", "-c", code], env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected
