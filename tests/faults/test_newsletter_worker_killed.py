"""The task worker killed while it sends a newsletter issue, then resumed.

A real `db_worker` process sends through a real SMTP server on loopback
(aiosmtpd, in this test). The server holds the worker at the fifth message,
before it is accepted; the worker is killed there (SIGKILL). After
`resume_newsletter_sending` and a new worker, every confirmed subscriber has
exactly one copy and the unconfirmed address none.
"""

import asyncio
import email
import email.policy
import json
import os
import signal
import subprocess
import threading

from aiosmtpd.controller import Controller

from tests import processes

CONFIRMED = 9
SETUP = f"""
from django.utils import timezone
from wagtail.models import Site
from django.contrib.auth import get_user_model
from newsletter.models import NewsletterIndexPage, NewsletterIssuePage, NewsletterSettings, NewsletterSubscriber
from newsletter import issues
site = Site.objects.get(is_default_site=True)
NewsletterSettings.objects.update_or_create(site=site, defaults={{"postal_address": "1 Main St"}})
home = site.root_page
archive = home.add_child(instance=NewsletterIndexPage(title="Newsletters", slug="newsletters-killed"))
issue = archive.add_child(instance=NewsletterIssuePage(title="Killed", summary="s", body="<p>Hello</p>"))
issue.save_revision().publish()
for n in range({CONFIRMED}):
    NewsletterSubscriber.objects.create(email=f"r{{n}}@example.test", consented_at=timezone.now(), confirmed_at=timezone.now())
NewsletterSubscriber.objects.create(email="pending@example.test", consented_at=timezone.now())
user = get_user_model().objects.filter(is_superuser=True).first()
print(issues.queue_issue(issue, user))
"""
STATES = """
import json
from collections import Counter
from newsletter.models import Delivery
print(json.dumps(Counter(Delivery.objects.values_list("state", flat=True))))
"""


class HoldingInbox:
    """Accepts messages; holds the worker at the `hold_at`-th message's RCPT until released."""

    def __init__(self, hold_at):
        self.hold_at = hold_at
        self.messages = []
        self.seen = 0
        self.holding = threading.Event()
        self.release = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.seen += 1
        if self.seen == self.hold_at:
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def count_to(self, address):
        return sum(1 for rcpts, _ in self.messages if address in rcpts)


def test_a_worker_killed_mid_send_is_resumed_without_a_second_copy_or_a_gap(site_env):
    inbox = HoldingInbox(hold_at=5)
    port = processes.free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    env = {
        **site_env,
        "TASKS_BACKEND": "database",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "EMAIL_USE_TLS": "0",
        "NEWSLETTER_SEND_BATCH_SIZE": "3",
        "NEWSLETTER_SEND_PER_MINUTE": "60000",
        "NEWSLETTER_SEND_LEASE_SECONDS": "0",
    }
    worker = None
    try:
        queued = processes.manage(env, "shell", "-c", SETUP).stdout.strip().splitlines()[-1]
        assert queued == str(CONFIRMED)
        worker = subprocess.Popen(
            [processes.PYTHON, "manage.py", "db_worker", "--no-startup-delay"],
            cwd=processes.ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert inbox.holding.wait(timeout=120), "the worker never reached the fifth message"
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=20)
        inbox.release.set()
        assert len(inbox.messages) == 4  # killed mid-send: four out, five left

        processes.manage(env, "resume_newsletter_sending")
        processes.manage(env, "db_worker", "--batch", "--no-startup-delay", timeout=300)

        for n in range(CONFIRMED):
            assert inbox.count_to(f"r{n}@example.test") == 1, f"r{n}"
        assert inbox.count_to("pending@example.test") == 0
        assert len(inbox.messages) == CONFIRMED
        states = json.loads(
            processes.manage(env, "shell", "-c", STATES).stdout.strip().splitlines()[-1]
        )
        assert states == {"sent": CONFIRMED}
    finally:
        inbox.release.set()
        if worker is not None and worker.poll() is None:
            worker.kill()
            worker.wait(timeout=20)
        controller.stop()
