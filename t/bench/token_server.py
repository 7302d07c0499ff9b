#!/usr/bin/env python3
"""The benchmark mock's GetEntityToken: PlayFab's envelope, after a delay.

Called once per cold node, never on the hot path.  The delay keeps the
fetch under way while a cold start's concurrent requests arrive, so that
they all have to share it.  A wrong X-SecretKey gets PlayFab's 401.
"""

import argparse
import http.server
import json
import time


def envelope(secret_ok, lifetime):
    if not secret_ok:
        return 401, {"code": 401, "status": "Unauthorized",
                     "error": "NotAuthorized", "errorCode": 1089,
                     "errorMessage": "X-SecretKey is missing or not valid"}
    expires = time.strftime("%Y-%m-%dT%H:%M:%SZ",
                            time.gmtime(time.time() + lifetime))
    return 200, {"code": 200, "status": "OK", "data": {
        "EntityToken": "bench-title-token-" + "x" * 300,
        "TokenExpiration": expires,
        "Entity": {"Id": "BENCH1", "Type": "title", "TypeString": "title"}}}


def handler(args):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            time.sleep(args.delay_ms / 1000)
            status, reply = envelope(
                self.headers.get("X-SecretKey") == args.secret, args.lifetime)
            body = json.dumps(reply).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_):
            pass

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--delay-ms", type=int, default=200)
    parser.add_argument("--lifetime", type=int, default=86400,
                        help="token lifetime, seconds")
    args = parser.parse_args()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port),
                                             handler(args))
    server.serve_forever()


if __name__ == "__main__":
    main()
