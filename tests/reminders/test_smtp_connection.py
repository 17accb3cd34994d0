"""Sending through a real SMTP server (aiosmtpd on 127.0.0.1): one connection for a batch's
e-mails, not one each; an e-mail the server refuses costs that e-mail only, the next ones go
through a fresh connection."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller

from reminders.models import Reminder
from reminders.sending import reminders_send
from tests.conftest import World
from tests.reminders.conftest import frozen, moment, sweep_at
from tests.reminders.test_ledger import with_sic_due


@dataclass
class Sink:
    """Records each accepted message's recipients and the connection (client port) it came
    by; refuses the recipients in `refused`."""

    refused: set[str] = field(default_factory=set)
    received: list[tuple[tuple[str, int], list[str]]] = field(default_factory=list)
    greeted: list[tuple[str, int]] = field(default_factory=list)  # a connection each

    async def handle_EHLO(self, server, session, envelope, hostname, responses) -> list[str]:
        session.host_name = hostname
        self.greeted.append(session.peer)
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if address in self.refused:
            return "550 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        self.received.append((session.peer, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"

    @property
    def connections(self) -> int:
        return len(set(self.greeted))

    @property
    def recipients(self) -> list[str]:
        return [address for _peer, to in self.received for address in to]


@pytest.fixture
def sink(settings) -> Iterator[Sink]:
    handler = Sink()
    with socket.socket() as probe:  # a free port (aiosmtpd checks it is up by connecting)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        yield handler
    finally:
        controller.stop()


def due_ids(world: World) -> list[int]:
    with_sic_due(world)
    sweep_at(moment(0, 8), inline=False)
    return list(Reminder.objects.values_list("pk", flat=True))


def test_a_batch_goes_through_one_connection(world: World, sink: Sink) -> None:
    ids = due_ids(world)
    with frozen(moment(0, 8)):
        report = reminders_send(ids)
    recipients = set(Reminder.objects.values_list("recipient__email", flat=True))
    assert report.sent == len(ids)
    assert sorted(sink.recipients) == sorted(recipients)  # one e-mail each
    assert sink.connections == 1


def test_a_refused_e_mail_costs_that_e_mail_only(world: World, sink: Sink) -> None:
    ids = due_ids(world)
    # The batch goes recipient by recipient: the first one is refused, the others follow.
    in_order = list(
        Reminder.objects.order_by("recipient_id").values_list("recipient__email", flat=True)
    )
    first = in_order[0]
    sink.refused = {first}
    with frozen(moment(0, 8)):
        report = reminders_send(ids)
    assert sorted(sink.recipients) == sorted(set(in_order) - {first})
    assert sink.connections == 2  # a fresh one after the refusal, for all the others
    refused = list(Reminder.objects.filter(recipient__email=first))
    assert report.failed == len(refused)
    for row in refused:
        assert row.sent_at is None
        assert row.attempts == 1
        assert "550" in row.last_error
