"""Notifiers: console, file outbox, and SMTP against a local server started by the test (aiosmtpd)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import Message as EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from jundeng.services.notify import (
    ConsoleNotifier,
    FileNotifier,
    Message,
    SmtpNotifier,
    address,
    read_contacts,
)
from tests.conftest import free_port

MESSAGES = [
    Message("市教育局", "督办提醒 / reminder", "新建12所中小学：进度 40%，已落后 / 40%, behind"),
    Message("斗门区政府", "督办提醒 / reminder", "保障房新开工：已逾期 / overdue"),
]


class Inbox:
    def __init__(self) -> None:
        self.mails: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook
        self.mails.append(
            (list(envelope.rcpt_tos), message_from_bytes(envelope.original_content, policy=policy.default))
        )
        return "250 OK"


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def test_smtp_notifier_delivers_utf8_mail_and_reports_units_without_address(
    smtp_server: tuple[Inbox, int], tmp_path: Path
) -> None:
    inbox, port = smtp_server
    contacts = tmp_path / "contacts.csv"
    contacts.write_text("unit,email\n市教育局,edu@example.gov.cn\n市教育局,chief@example.gov.cn\n", encoding="utf-8")
    notifier = SmtpNotifier("127.0.0.1", port, sender="jundeng@example.gov.cn")
    failed = notifier.send(address(MESSAGES, read_contacts(contacts)))
    assert failed == ["斗门区政府"] and "no address" in notifier.errors["斗门区政府"]
    assert len(inbox.mails) == 1
    rcpts, mail = inbox.mails[0]
    assert rcpts == ["edu@example.gov.cn", "chief@example.gov.cn"]
    assert mail["Subject"] == "督办提醒 / reminder"
    body = mail.get_payload(decode=True)
    assert isinstance(body, bytes) and "新建12所中小学" in body.decode("utf-8")


def test_file_and_console_notifiers(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox.jsonl"
    assert FileNotifier(outbox).send(MESSAGES) == []
    lines = [json.loads(line) for line in outbox.read_text(encoding="utf-8").splitlines()]
    assert [m["unit"] for m in lines] == ["市教育局", "斗门区政府"]
    stream = io.StringIO()
    ConsoleNotifier(stream).send(MESSAGES)
    assert "== 市教育局 · 督办提醒" in stream.getvalue()
