"""Logs never carry a query string: searches and filters may name a patient."""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path

from labparcours.logging import StripQueryStringFilter


def test_it_strips_the_query_string_of_a_logged_request_line() -> None:
    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        ("GET /patients/?q=Lambert+Marcel HTTP/1.1", 200, 512),
        None,
    )
    StripQueryStringFilter().filter(record)
    line = record.getMessage()
    assert "Lambert" not in line
    assert "/patients/?…" in line


def test_gunicorn_logs_the_path_only() -> None:
    path = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"
    spec = importlib.util.spec_from_file_location("gunicorn_conf", path)
    assert spec is not None
    assert spec.loader is not None
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    assert "%(U)s" in conf.access_log_format
    for unsafe in ("%(r)s", "%(q)s", "%(f)s", "%(a)s"):
        assert unsafe not in conf.access_log_format
