"""`check --deploy` is clean with a production configuration."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_it_passes_the_deployment_checklist(tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "p" + "x7Kq-93mZr!aB2@vLw#Yt$Ue8%Io^Np&Qs*Rd(Fh)Gj_Hk+Jl=Zc" * 2,
        "DJANGO_ALLOWED_HOSTS": "parcours.chu.example",
        "LABPARCOURS_VAR_DIR": str(tmp_path),
        "LABPARCOURS_PSEUDONYM_KEY": "k" + "9fQw-2Lr!xZ7@pT#" * 3,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def _production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_DEBUG": "0",
        "LABPARCOURS_VAR_DIR": str(tmp_path),
        **extra,
    }


@pytest.mark.parametrize("module", ["labparcours.wsgi", "labparcours.asgi"])
def test_the_server_refuses_to_start_without_a_secret_key(tmp_path: Path, module: str) -> None:
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", f"import {module}"],
        cwd=ROOT,
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_the_celery_worker_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    from django.core.exceptions import ImproperlyConfigured
    from django.test import override_settings

    from labparcours.celery import _refuse_to_start_without_a_secret_key

    with (
        override_settings(SECRET_KEY=""),
        pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET"),
    ):
        _refuse_to_start_without_a_secret_key()


def test_management_commands_that_need_no_key_still_run(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
