#!/usr/bin/env python3
"""Mints a roomrec join token (Janus signed-token format, realm janus.plugin.roomrec).

    scripts/mint_token.py SECRET ROOM USER ROLE [SECONDS_VALID]
"""
import base64
import hashlib
import hmac
import sys
import time

REALM = "janus.plugin.roomrec"


def mint(secret, room, user, role, valid_for=3600, realm=REALM, expiry=None, descriptors=None):
    expiry = int(time.time()) + valid_for if expiry is None else expiry
    fields = [str(expiry), realm] + (descriptors if descriptors is not None
                                     else [f"room={room}", f"user={user}", f"role={role}"])
    data = ",".join(fields)
    signature = base64.b64encode(hmac.new(secret.encode(), data.encode(), hashlib.sha1).digest()).decode()
    return f"{data}:{signature}"


if __name__ == "__main__":
    if len(sys.argv) not in (5, 6):
        sys.exit(__doc__)
    print(mint(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]) if len(sys.argv) == 6 else 3600))
