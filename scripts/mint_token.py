#!/usr/bin/env python3
"""Mints a roomrec join token (Janus signed-token format, realm janus.plugin.roomrec).

    scripts/mint_token.py SECRET ROOM USER ROLE [SECONDS_VALID] [--email ADDRESS]

--email adds the email= descriptor: the address recording mails go to (docs/API.md).
"""
import base64
import hashlib
import hmac
import sys
import time

REALM = "janus.plugin.roomrec"


def mint(secret, room, user, role, valid_for=3600, realm=REALM, expiry=None, descriptors=None, email=None):
    expiry = int(time.time()) + valid_for if expiry is None else expiry
    fields = [str(expiry), realm] + (descriptors if descriptors is not None
                                     else [f"room={room}", f"user={user}", f"role={role}"])
    if email is not None:
        fields.append(f"email={email}")
    data = ",".join(fields)
    signature = base64.b64encode(hmac.new(secret.encode(), data.encode(), hashlib.sha1).digest()).decode()
    return f"{data}:{signature}"


if __name__ == "__main__":
    args = sys.argv[1:]
    email = None
    if "--email" in args:
        at = args.index("--email")
        if at + 1 >= len(args):
            sys.exit(__doc__)
        email = args[at + 1]
        del args[at:at + 2]
    if len(args) not in (4, 5):
        sys.exit(__doc__)
    print(mint(args[0], args[1], args[2], args[3], int(args[4]) if len(args) == 5 else 3600, email=email))
