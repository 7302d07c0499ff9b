#!/usr/bin/env python3
"""Print the JWK Set of one public key, for the key-request scenarios.

    jwks.py KEY.pub

The set holds the one key, without "kid" (a token without one is then
checked with it).  Needs the Python "cryptography" package.
"""

import base64
import json
import sys

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa


def b64url(number, size=None):
    size = size or (number.bit_length() + 7) // 8
    return base64.urlsafe_b64encode(number.to_bytes(size, "big")) \
        .rstrip(b"=").decode()


def jwk(key):
    if isinstance(key, rsa.RSAPublicKey):
        numbers = key.public_numbers()
        return {"kty": "RSA", "n": b64url(numbers.n), "e": b64url(numbers.e)}
    if isinstance(key, ec.EllipticCurvePublicKey):
        numbers = key.public_numbers()
        return {"kty": "EC", "crv": "P-256", "x": b64url(numbers.x, 32),
                "y": b64url(numbers.y, 32)}
    raise SystemExit("jwks.py: an RSA or P-256 public key only")


def main():
    with open(sys.argv[1], "rb") as f:
        key = serialization.load_pem_public_key(f.read())
    print(json.dumps({"keys": [jwk(key)]}, separators=(",", ":")))


if __name__ == "__main__":
    main()
