"""The SMTP server of the export tests (aiosmtpd), run as its own process:

    /usr/bin/python3 smtp_sink.py --listen 127.0.0.1:PORT --maildir DIR
        [--starttls CERT KEY]     offer STARTTLS and refuse any mail before it
        [--smtps CERT KEY]        TLS from the first byte (smtps://)
        [--login USER:PASSWORD]   AUTH PLAIN / LOGIN, offered over TLS only, required before MAIL
                                  (without it, every login offered over TLS is refused)

It prints "ready" once it accepts connections and stops on SIGTERM or SIGINT; tests start it
with spawn(). Its mailbox (RefusingMailbox) keeps each message in the Maildir with two headers
saying how it came: X-Sink-TLS (the TLS version, or "none") and X-Sink-Login (the user who
logged in, or "none"); it answers RCPT TO with 550 for recipients whose local part starts with
"refused" (a permanent refusal). make_certificates() writes throwaway ones for it (openssl).
"""
import argparse
import os
import select
import signal
import ssl
import subprocess
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import AuthResult, LoginPassword

from fixture_common import end_process

PYTHON = "/usr/bin/python3"


class RefusingMailbox(Mailbox):
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.split("@")[0].startswith("refused"):
            return "550 5.1.1 <%s>: recipient refused" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = self.prepare_message(session, envelope)
        tls = server.transport.get_extra_info("ssl_object")
        message["X-Sink-TLS"] = tls.version() if tls else "none"
        login = session.auth_data.login.decode() if session.authenticated else "none"
        message["X-Sink-Login"] = login
        self.handle_message(message)
        return "250 OK"


class Login:
    """The one user and password the sink accepts (an aiosmtpd authenticator)."""

    def __init__(self, user, password):
        self.user, self.password = user.encode(), password.encode()

    def __call__(self, server, session, envelope, mechanism, auth_data):
        accepted = (isinstance(auth_data, LoginPassword) and auth_data.login == self.user
                    and auth_data.password == self.password)
        if not accepted:
            return AuthResult(success=False, handled=False)  # smtp_AUTH answers 535
        return AuthResult(success=True, auth_data=auth_data)


def server_context(cert, key):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listen", required=True, metavar="HOST:PORT")
    parser.add_argument("--maildir", required=True)
    tls = parser.add_mutually_exclusive_group()
    tls.add_argument("--starttls", nargs=2, metavar=("CERT", "KEY"))
    tls.add_argument("--smtps", nargs=2, metavar=("CERT", "KEY"))
    parser.add_argument("--login", metavar="USER:PASSWORD")
    args = parser.parse_args(argv)
    host, port = args.listen.rsplit(":", 1)
    options = {}
    if args.starttls:
        options.update(tls_context=server_context(*args.starttls), require_starttls=True)
    if args.login:
        user, _, password = args.login.partition(":")
        # AUTH only over TLS; aiosmtpd counts STARTTLS alone as TLS, so smtps:// needs this said.
        options.update(authenticator=Login(user, password), auth_required=True, auth_require_tls=not args.smtps)
    # The controller's thread inherits the blocked signals; this thread waits for them.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    controller = Controller(RefusingMailbox(args.maildir), hostname=host, port=int(port),
                            ssl_context=server_context(*args.smtps) if args.smtps else None,
                            server_hostname="sink.roomrec.test", **options)
    controller.start()
    print("ready", flush=True)
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    controller.stop()


def make_certificates(folder):
    """Throwaway TLS material in folder (openssl, P-256 keys, valid 2 days), as a dict of paths:
    ca (a CA's certificate); cert/key (for 127.0.0.1, SAN IP:127.0.0.1, signed by that CA);
    other_host_cert/key (signed by it, for another name); rogue_ca, rogue_cert/key (another
    CA, and a certificate for 127.0.0.1 that the first CA did not sign)."""
    def run(*command):
        subprocess.run(["openssl", *command], check=True, capture_output=True)

    def path(name):
        return os.path.join(folder, name)

    def authority(name):
        run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
            "-subj", f"/CN=roomrec test {name}", "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign", "-keyout", path(name + ".key"), "-out", path(name + ".pem"))

    def leaf(name, authority_name, san):
        with open(path(name + ".ext"), "w") as ext:
            ext.write(f"subjectAltName={san}\nextendedKeyUsage=serverAuth\n")
        run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", f"/CN={name}",
            "-keyout", path(name + ".key"), "-out", path(name + ".csr"))
        run("x509", "-req", "-in", path(name + ".csr"), "-CA", path(authority_name + ".pem"), "-CAkey",
            path(authority_name + ".key"), "-set_serial", str(int.from_bytes(os.urandom(8), "big")), "-days", "2",
            "-extfile", path(name + ".ext"), "-out", path(name + ".pem"))

    authority("ca")
    authority("rogue-ca")
    leaf("server", "ca", "IP:127.0.0.1")
    leaf("other-host", "ca", "DNS:smtp.other.example")
    leaf("rogue-server", "rogue-ca", "IP:127.0.0.1")
    return dict(ca=path("ca.pem"), cert=path("server.pem"), key=path("server.key"),
                other_host_cert=path("other-host.pem"), other_host_key=path("other-host.key"),
                rogue_ca=path("rogue-ca.pem"), rogue_cert=path("rogue-server.pem"), rogue_key=path("rogue-server.key"))


def spawn(port, maildir, *options, timeout=15):
    """This sink in its own process on 127.0.0.1:port, once it answers (options: the command
    line's, e.g. "--starttls", cert, key). Stop it with stop()."""
    process = subprocess.Popen([PYTHON, __file__, "--listen", f"127.0.0.1:{port}", "--maildir", maildir, *options],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    ready = select.select([process.stdout], [], [], timeout)[0]  # a line, or the end if it died
    if not ready or process.stdout.readline().strip() != "ready":
        stop(process)
        raise AssertionError("the SMTP sink did not start")
    return process


def stop(process, kill=False):
    end_process(process, kill, timeout=10)
    process.stdout.close()


if __name__ == "__main__":
    sys.exit(main())
