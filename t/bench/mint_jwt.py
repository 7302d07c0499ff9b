#!/usr/bin/env python3
"""Print COUNT signed JWTs, one "Bearer <token>" per line.

    mint_jwt.py KEY RS256|ES256|EdDSA|HS256 COUNT

KEY is a private key in PEM, or for HS256 the secret: the file's bytes
less one final newline, as playfab_auth_jwt_key secret reads it.

Each token has its own jti (so COUNT > 1 gives a new token per request),
iss "bench", aud "party", sub "player-N", and expires in two hours.
Needs the Python "cryptography" package (Debian: python3-cryptography).
"""

import base64
import hashlib
import hmac
import json
import sys
import time

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, utils
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def compact(value):
    return json.dumps(value, separators=(",", ":")).encode()


def signer(key, alg):
    """The JWS signature function of RFC 7518 for alg."""
    if alg == "RS256":
        return lambda data: key.sign(data, padding.PKCS1v15(),
                                     hashes.SHA256())
    if alg == "ES256":
        def es256(data):
            r, s = utils.decode_dss_signature(
                key.sign(data, ec.ECDSA(hashes.SHA256())))
            return r.to_bytes(32, "big") + s.to_bytes(32, "big")
        return es256
    if alg == "EdDSA" and isinstance(key, Ed25519PrivateKey):
        return key.sign
    if alg == "HS256" and isinstance(key, bytes):
        return lambda data: hmac.new(key, data, hashlib.sha256).digest()
    raise SystemExit("mint_jwt.py: unsupported alg " + alg)


def main():
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    path, alg, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(path, "rb") as f:
        data = f.read()
    if alg == "HS256":
        key = data[:-1] if data.endswith(b"\n") else data
    else:
        key = serialization.load_pem_private_key(data, password=None)
    sign = signer(key, alg)
    header = b64url(compact({"alg": alg, "typ": "JWT"}))
    now = int(time.time())
    out = sys.stdout
    for n in range(count):
        claims = {"iss": "bench", "aud": "party", "sub": "player-%d" % n,
                  "iat": now, "nbf": now - 60, "exp": now + 7200,
                  "jti": "bench-%d-%d" % (now, n)}
        signing_input = header + "." + b64url(compact(claims))
        signature = b64url(sign(signing_input.encode()))
        out.write("Bearer %s.%s\n" % (signing_input, signature))


if __name__ == "__main__":
    main()
