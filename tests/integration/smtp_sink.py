"""An aiosmtpd handler for the export tests: a Maildir mailbox that answers RCPT TO with
550 for recipients whose local part starts with "refused" (a permanent refusal).

    /usr/bin/python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c smtp_sink.RefusingMailbox DIR
    (with this folder on PYTHONPATH)
"""
from aiosmtpd.handlers import Mailbox


class RefusingMailbox(Mailbox):
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.split("@")[0].startswith("refused"):
            return "550 5.1.1 <%s>: recipient refused" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"
