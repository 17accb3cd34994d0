"""Spy on a service through every module that imported it: page and API alike."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from unittest import mock


@contextmanager
def spied(service: str, *callers: str) -> Iterator[mock.Mock]:
    """`service` ("app.services.name") wrapped in one mock, patched where each caller module
    bound it: the mock counts the calls from all of them, and the real function still runs."""
    module, name = service.rsplit(".", 1)
    spy = mock.Mock(wraps=getattr(importlib.import_module(module), name))
    with ExitStack() as stack:
        for caller in callers:
            stack.enter_context(mock.patch(f"{caller}.{name}", spy))
        yield spy
