"""Notifiers for reminders and bulletins: console, file and SMTP (standard library ``smtplib``).

A :class:`Message` goes to one unit; ``recipients`` are the unit's e-mail addresses (from a contacts
CSV: unit,email). The SMTP notifier sends one mail per message and reports the units it could not reach
instead of stopping at the first failure.
"""

from __future__ import annotations

import csv
import json
import smtplib
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol, TextIO


@dataclass(frozen=True)
class Message:
    """A reminder or bulletin for one unit."""

    unit: str
    subject: str
    body: str
    recipients: tuple[str, ...] = ()


class Notifier(Protocol):
    """Anything that can deliver messages; returns the units it failed to reach."""

    def send(self, messages: Sequence[Message]) -> list[str]:
        """Deliver ``messages``; return the units that could not be reached."""
        ...


@dataclass
class ConsoleNotifier:
    """Writes each message to a text stream (the terminal by default)."""

    stream: TextIO | None = None

    def send(self, messages: Sequence[Message]) -> list[str]:
        """Print every message; nothing can fail."""
        import sys

        out = self.stream or sys.stdout
        for m in messages:
            out.write(f"== {m.unit} · {m.subject}\n{m.body}\n\n")
        return []


@dataclass
class FileNotifier:
    """Appends each message as one JSON line to a file (an outbox for another system to pick up)."""

    path: Path

    def send(self, messages: Sequence[Message]) -> list[str]:
        """Append every message to the outbox file."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as handle:
            for m in messages:
                handle.write(json.dumps(asdict(m), ensure_ascii=False) + "\n")
        return []


@dataclass
class SmtpNotifier:
    """Sends each message as an e-mail through an SMTP server (optionally STARTTLS and login)."""

    host: str
    port: int = 25
    sender: str = "jundeng@localhost"
    starttls: bool = False
    username: str | None = None
    password: str | None = None
    timeout: float = 10.0
    errors: dict[str, str] = field(default_factory=dict)

    def send(self, messages: Sequence[Message]) -> list[str]:
        """Send every message that has recipients; return the units without address or not reached."""
        failed: list[str] = []
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.username:
                smtp.login(self.username, self.password or "")
            for m in messages:
                if not m.recipients:
                    failed.append(m.unit)
                    self.errors[m.unit] = "no address / 无邮箱地址"
                    continue
                mail = EmailMessage()
                mail["From"], mail["To"], mail["Subject"] = self.sender, ", ".join(m.recipients), m.subject
                mail.set_content(m.body, charset="utf-8")
                try:
                    smtp.send_message(mail)
                except smtplib.SMTPException as exc:
                    failed.append(m.unit)
                    self.errors[m.unit] = str(exc)
        return failed


def read_contacts(path: str | Path) -> dict[str, tuple[str, ...]]:
    """Return unit → e-mail addresses from a CSV with columns unit,email (one row per address)."""
    contacts: dict[str, list[str]] = {}
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            contacts.setdefault(row["unit"].strip(), []).append(row["email"].strip())
    return {unit: tuple(emails) for unit, emails in contacts.items()}


def address(messages: Iterable[Message], contacts: dict[str, tuple[str, ...]]) -> list[Message]:
    """Return the messages with each unit's recipients filled in from ``contacts``."""
    return [Message(m.unit, m.subject, m.body, contacts.get(m.unit, ())) for m in messages]


NOTIFY = "JUNDENG_NOTIFY"  # the setting of how reminders leave: console (default), file or smtp
OUTBOX = "JUNDENG_OUTBOX"  # via file: the outbox file (default outbox.jsonl)
CONTACTS = "JUNDENG_CONTACTS"  # the units' e-mail addresses: a CSV unit,email


def configured() -> tuple[Notifier, dict[str, tuple[str, ...]]]:
    """Return the notifier the settings name ($JUNDENG_NOTIFY; for smtp $JUNDENG_SMTP_HOST, _PORT, _SENDER; for
    file $JUNDENG_OUTBOX) and the units' addresses ($JUNDENG_CONTACTS, else none)."""
    import os

    from jundeng.errors import JundengError

    via = os.environ.get(NOTIFY, "console").strip() or "console"
    contacts_file = os.environ.get(CONTACTS, "").strip()
    contacts = read_contacts(contacts_file) if contacts_file else {}
    if via == "smtp":
        host = os.environ.get("JUNDENG_SMTP_HOST", "localhost")
        port = int(os.environ.get("JUNDENG_SMTP_PORT", "25"))
        return SmtpNotifier(host, port, sender=os.environ.get("JUNDENG_SMTP_SENDER", "jundeng@localhost")), contacts
    if via == "file":
        return FileNotifier(Path(os.environ.get(OUTBOX, "outbox.jsonl"))), contacts
    if via == "console":
        return ConsoleNotifier(), contacts
    zh, en = f"设置 {NOTIFY} 应为 console、file 或 smtp：{via!r}", f"{NOTIFY} must be console, file or smtp: {via!r}"
    raise JundengError(zh, en)
