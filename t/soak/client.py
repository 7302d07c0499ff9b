#!/usr/bin/env python3
"""Load and checks of the soak test (t/soak/run.sh starts nginx and the
emulator, then runs this).  Standard library only.

Threads send, at a target rate, a mix of valid party requests (API key
and player entity token), bad input (broken JSON, schema and policy
violations, forged fields), bad credentials, huge bodies and headers,
wrong methods and media types, and connections dropped mid-body.  Every
answer must be JSON (application/json for 200, application/problem+json
with a matching "status" otherwise) with a status expected for its kind.

The load runs in two phases: a warm-up, then a pause in which the
workers' RSS and open fds are sampled (the steady state), then the rest
of the time, then the same pause and sample.  At the end it reads the
emulator's counters and nginx's error.log and asserts:

  - no worker exited on a signal, no [alert]/[crit]/[emerg], no
    sanitizer report, the secret key and title tokens never logged;
  - the same worker pids at the end as after the warm-up;
  - every response JSON with an expected status;
  - private RSS (RssAnon) and fds of each worker back to the steady
    state, with slack (the shared zone's pages are reported apart: they
    are touched as records fill the zone);
  - PlayFab allocated at most one network per client request that
    passed validation (parties_allocated <= validated requests), at
    least one per 200, and RequestPartyService was called at most once
    per validated request plus once per title token PlayFab refused;
    replays of an Idempotency-Key count as neither: a retry of a
    request that got 200 must get the same 200 back, replayed, and the
    same key with another body 422;
  - once the faults are switched off, a request succeeds (no stuck
    lease, the zone usable).

Prints a summary; exits 1 on any violation.
"""

import argparse
import collections
import http.client
import json
import os
import random
import socket
import sys
import threading
import time

API_KEY = "soak-api-key-7f3c"
PLAYER_TOKEN = "soak-player-token-1"
SECRET_ENV = "SOAK_SECRET"

REGIONS = ["EastUs", "WestUs", "NorthEurope"]
OTHER_REGIONS = ["JapanEast", "BrazilSouth"]

# problem codes of requests refused before RequestPartyService could be
# called: anything else passed validation (and authentication)
CLIENT_CODES = {
    "malformed_json", "unknown_field", "duplicate_field", "missing_field",
    "invalid_value", "policy_violation", "unauthorized", "forbidden",
    "method_not_allowed", "payload_too_large", "unsupported_media_type",
    "bad_request", "idempotency_conflict", "idempotency_mismatch",
}

PLAYFAB_STATUSES = {200, 400, 429, 502, 503, 504}

# kind -> (weight, expected statuses)
KINDS = {
    "valid_key": (40, PLAYFAB_STATUSES),
    "valid_player": (14, PLAYFAB_STATUSES),
    "bad_player": (3, {401, 429, 502, 503, 504}),
    "bad_json": (15, {400}),
    "bad_auth": (8, {401}),
    "huge_body": (3, {413}),
    "huge_chunked": (1, {413}),
    "huge_header": (2, {400}),
    "wrong_type": (3, {415}),
    "wrong_method": (2, {405}),
    "forged": (6, {400} | PLAYFAB_STATUSES),
    "idempotent": (6, PLAYFAB_STATUSES | {422}),
    "abort": (3, None),
}

# kinds whose 400 must be a validation code, never playfab_rejected
VALIDATION_ONLY = {"bad_json", "huge_header"}


def network(rng, **overrides):
    nc = {"MaxUsers": rng.randint(1, 32), "MaxDevices": rng.randint(1, 32),
          "MaxUsersPerDevice": rng.randint(1, 8),
          "MaxDevicesPerUser": rng.randint(1, 4),
          "MaxEndpointsPerDevice": rng.randint(0, 32)}
    if rng.random() < 0.5:
        nc["DirectPeerConnectivityOptions"] = rng.choice(
            ["None", "AnyPlatformType", "OnlyServers"])
    if rng.random() < 0.2:
        nc["PartyInvitationConfiguration"] = {
            "Identifier": "inv-%d" % rng.randint(0, 10 ** 6),
            "Revocability": rng.choice(["Creator", "Anyone"])}
    nc.update(overrides)
    return nc


def valid_body(rng):
    body = {"PreferredRegions": rng.sample(REGIONS, rng.randint(1, 3)),
            "NetworkConfiguration": network(rng)}
    if rng.random() < 0.3:
        body["CustomTags"] = {"match": "m%d" % rng.randint(0, 999),
                              "mode": rng.choice(["ranked", "casual"])}
    if rng.random() < 0.1:
        body["PartyId"] = "%08x-0000-4000-8000-%012x" % (
            rng.getrandbits(32), rng.getrandbits(48))
    return json.dumps(body)


def bad_body(rng):
    """(body bytes) that the validator must refuse with a 400."""
    valid = valid_body(rng)
    choices = [
        lambda: b"",
        lambda: b"not json",
        lambda: valid[:rng.randint(1, len(valid) - 1)].encode(),
        lambda: b"[" * rng.randint(9, 5000) + b"]" * rng.randint(0, 50),
        lambda: ('{"CustomTags":' * 20 + '1' + '}' * 20).encode(),
        lambda: valid.replace('{"PreferredRegions"',
                              '{"PreferredRegions":["EastUs"],'
                              '"PreferredRegions"', 1).encode(),
        lambda: json.dumps({"PreferredRegions": ["EastUs"],
                            "NetworkConfiguration": network(
                                rng, MaxDevices=rng.choice(
                                    [0, 129, -1, 8.5, "8", None, True,
                                     10 ** 30]))}).encode(),
        lambda: json.dumps({"PreferredRegions": ["EastUs"],
                            "NetworkConfiguration": network(
                                rng, MaxUsers=2 ** 32)}).encode(),
        lambda: json.dumps({"PreferredRegions": [rng.choice(OTHER_REGIONS)],
                            "NetworkConfiguration": network(rng)}).encode(),
        lambda: json.dumps({"PreferredRegions": ["Atlantis"],
                            "NetworkConfiguration": network(rng)}).encode(),
        lambda: json.dumps({"PreferredRegions": ["EastUs"],
                            "NetworkConfiguration": network(
                                rng, MaxDevices=64)}).encode(),
        lambda: json.dumps({"PreferredRegions": ["EastUs"],
                            "NetworkConfiguration": {"MaxUsers": 2}}).encode(),
        lambda: json.dumps({"PreferredRegions": ["EastUs"],
                            "NetworkConfiguration": network(rng),
                            "Bogus": 1}).encode(),
        lambda: ('{"PreferredRegions":["EastUs"],"CustomTags":{"t":"\xff"}}'
                 .encode("latin-1")),
        lambda: b'{"PreferredRegions":["East\xc0\xafUs"]}',
        lambda: b'{"PreferredRegions":["EastUs"],"CustomTags":{"t":"\\ud800"}}',
        lambda: b'{"PreferredRegions":["EastUs"],"CustomTags":{"t":"a\\u0000"}}',
        lambda: json.dumps({"PreferredRegions": ["EastUs"],
                            "NetworkConfiguration": network(rng),
                            "CustomTags": {"k%d" % i: "v"
                                           for i in range(17)}}).encode(),
        lambda: json.dumps({"PreferredRegions": ["EastUs"],
                            "NetworkConfiguration": network(rng),
                            "PartyId": "not-a-guid"}).encode(),
        lambda: bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 300))),
        lambda: b'{"PreferredRegions":["EastUs"]} trailing',
        lambda: b'{"NetworkConfiguration":{"MaxUsers":08}}',
    ]
    return rng.choice(choices)()


def forged_body(rng):
    """A body with PlayFabId or TitleId: 400; or forged headers only."""
    body = json.loads(valid_body(rng))
    if rng.random() < 0.5:
        body[rng.choice(["PlayFabId", "TitleId"])] = "FORGED"
    return json.dumps(body)


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.by_kind = collections.Counter()
        self.statuses = collections.Counter()
        self.codes = collections.Counter()
        self.kind_status = collections.Counter()
        self.violations = []
        self.validated = 0          # passed validation and authentication
        self.ok = 0
        self.replayed = 0
        self.in_flight = 0
        self.latency_max = 0.0

    def violation(self, text):
        with self.lock:
            if len(self.violations) < 1000:
                self.violations.append(text)


class Client:
    def __init__(self, args, stats):
        self.args = args
        self.stats = stats
        self.next_at = time.monotonic()
        self.sched_lock = threading.Lock()
        self.running = threading.Event()
        self.stop = threading.Event()
        self.kinds = list(KINDS)
        self.weights = [KINDS[k][0] for k in self.kinds]

    def slot(self):
        """Blocks until this thread may send its next request."""
        with self.sched_lock:
            now = time.monotonic()
            self.next_at = max(self.next_at + 1 / self.args.rate, now)
            at = self.next_at
        delay = at - time.monotonic()
        if delay > 0:
            time.sleep(delay)

    def worker(self, index):
        rng = random.Random(self.args.seed * 1000 + index)
        conn = None
        while not self.stop.is_set():
            if not self.running.is_set():
                if conn:
                    conn.close()
                    conn = None
                self.running.wait(0.1)
                continue
            self.slot()
            if not self.running.is_set():
                continue
            kind = rng.choices(self.kinds, self.weights)[0]
            with self.stats.lock:
                self.stats.in_flight += 1
            try:
                conn = self.one(rng, kind, conn)
            finally:
                with self.stats.lock:
                    self.stats.in_flight -= 1
        if conn:
            conn.close()

    def connect(self):
        return http.client.HTTPConnection("127.0.0.1", self.args.port,
                                          timeout=self.args.client_timeout)

    def one(self, rng, kind, conn):
        """One request of this kind; returns the keep-alive connection to
        reuse, or None."""
        if kind == "abort":
            self.abort(rng)
            with self.stats.lock:
                self.stats.by_kind[kind] += 1
            return conn
        if kind == "idempotent":
            if conn:
                conn.close()
            self.idempotent(rng)
            return None

        method, path, body, headers = self.build(rng, kind)
        keep = rng.random() < 0.3
        if conn is None or not keep:
            if conn:
                conn.close()
            conn = self.connect()
        headers.setdefault("Connection", "keep-alive" if keep else "close")
        start = time.monotonic()
        try:
            if kind == "huge_chunked":
                conn.putrequest(method, path)
                for name, value in headers.items():
                    conn.putheader(name, value)
                conn.putheader("Transfer-Encoding", "chunked")
                conn.endheaders()
                chunk = b"[" * 8192
                try:
                    for _ in range(8):
                        conn.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    conn.send(b"0\r\n\r\n")
                except (BrokenPipeError, ConnectionResetError):
                    pass        # nginx answered 413 and stopped reading
            else:
                conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException) as e:
            self.stats.violation("%s: no response: %r" % (kind, e))
            conn.close()
            return None
        elapsed = time.monotonic() - start
        self.check(kind, response, raw, elapsed)
        if response.will_close or not keep:
            conn.close()
            return None
        return conn

    def idempotent(self, rng):
        """A request with an Idempotency-Key, then one or two retries of
        it, and sometimes the key with another body."""
        key = "soak-%d-%d" % (self.args.seed, rng.getrandbits(62))
        body = valid_body(rng)
        headers = {"Content-Type": "application/json", "X-API-Key": API_KEY,
                   "Idempotency-Key": key, "Connection": "close"}
        first = None
        for attempt in range(1 + rng.randint(1, 2)):
            answer = self.send("POST", "/v1/idem-party", body, headers)
            if answer is None:
                return
            response, raw = answer
            replayed = response.getheader("Idempotent-Replayed") == "true"
            self.check("idempotent", response, raw, 0, replayed)
            if first is None:
                first = (response.status, raw)
                if replayed:
                    self.stats.violation("idempotent: a new key replayed")
            elif first[0] == 200 and (response.status, raw) != first:
                self.stats.violation(
                    "idempotent: retry of a 200 got %d %r instead of the "
                    "same descriptor" % (response.status, raw[:100]))
            elif first[0] == 200 and not replayed:
                self.stats.violation("idempotent: retry of a 200 not "
                                     "marked Idempotent-Replayed")
        if first[0] == 200 and rng.random() < 0.3:
            other = valid_body(rng)
            answer = self.send("POST", "/v1/idem-party", other, headers)
            if answer is None:
                return
            response, raw = answer
            self.check("idempotent", response, raw, 0, False)
            if response.status != 422:
                self.stats.violation("idempotent: the key with another "
                                     "body got %d, not 422"
                                     % response.status)

    def send(self, method, path, body, headers):
        """One request on a new connection -> (response, raw), or None
        after recording a violation."""
        conn = self.connect()
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            return response, response.read()
        except (OSError, http.client.HTTPException) as e:
            self.stats.violation("%s %s: no response: %r" % (method, path, e))
            return None
        finally:
            conn.close()

    def build(self, rng, kind):
        """(method, path, body, headers) of a request of this kind."""
        headers = {"Content-Type": "application/json", "X-API-Key": API_KEY}
        path = "/v1/party"
        method = "POST"
        body = valid_body(rng)
        if kind == "valid_player" or kind == "bad_player":
            path = "/v1/player-party"
            del headers["X-API-Key"]
            headers["X-EntityToken"] = PLAYER_TOKEN if kind == "valid_player" \
                else "unknown-player-%d" % rng.randint(0, 10 ** 9)
        elif kind == "bad_json":
            body = bad_body(rng)
        elif kind == "bad_auth":
            choice = rng.randint(0, 4)
            if choice == 0:
                del headers["X-API-Key"]
            elif choice == 1:
                headers["X-API-Key"] = "wrong-%d" % rng.randint(0, 10 ** 9)
            elif choice == 2:
                headers["X-API-Key"] = "k" * rng.randint(1000, 7000)
            elif choice == 3:
                headers["X-API-Key"] = ""
            else:
                path = "/v1/player-party"
                del headers["X-API-Key"]
                headers["X-EntityToken"] = rng.choice(
                    ["", "x" * 5000, "bad token", "tok\x7f"])
        elif kind == "huge_body":
            body = '{"CustomTags":{"t":"' + "x" * rng.randint(17000, 200000) \
                + '"}}'
        elif kind == "huge_chunked":
            body = None
        elif kind == "huge_header":
            headers[rng.choice(["X-API-Key", "Authorization", "X-EntityToken",
                                "Cookie"])] = "h" * rng.randint(9000, 20000)
        elif kind == "wrong_type":
            headers["Content-Type"] = rng.choice(
                ["text/plain", "application/x-www-form-urlencoded",
                 "application/jsonx", "multipart/form-data; boundary=x"])
        elif kind == "wrong_method":
            method = rng.choice(["GET", "PUT", "DELETE", "PATCH"])
            if method == "GET":
                body = None
        elif kind == "forged":
            body = forged_body(rng)
            headers.update({"X-SecretKey": "forged-secret",
                            "X-EntityToken": "forged-token",
                            "PlayFabId": "FORGED",
                            "X-Forwarded-For": "203.0.113.9"})
        return method, path, body, headers

    def abort(self, rng):
        """Headers and part of the body, then the connection is dropped."""
        body = valid_body(rng).encode()
        head = ("POST /v1/party HTTP/1.1\r\nHost: localhost\r\n"
                "Content-Type: application/json\r\nX-API-Key: %s\r\n"
                "Content-Length: %d\r\n\r\n" % (API_KEY, len(body)))
        try:
            with socket.create_connection(("127.0.0.1", self.args.port),
                                          timeout=5) as s:
                s.sendall(head.encode() + body[:len(body) // 2])
                if rng.random() < 0.5:
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                 b"\x01\x00\x00\x00\x00\x00\x00\x00")
        except OSError as e:
            self.stats.violation("abort: cannot connect: %r" % e)

    def check(self, kind, response, raw, elapsed, replayed=False):
        stats = self.stats
        status = response.status
        ctype = response.getheader("Content-Type", "")
        expected = KINDS[kind][1]
        code = None
        problem = None
        try:
            doc = json.loads(raw)
        except ValueError:
            doc = None
        if status == 200:
            if ctype != "application/json" or not isinstance(doc, dict) \
                    or set(doc) != {"PartyId", "InvitationId",
                                    "SerializedNetworkDescriptor"}:
                problem = "200 without a network descriptor: %r %r" % (
                    ctype, raw[:200])
        else:
            if ctype != "application/problem+json" or \
                    not isinstance(doc, dict) or doc.get("status") != status \
                    or not isinstance(doc.get("code"), str):
                problem = "%d not a problem document: %r %r" % (
                    status, ctype, raw[:200])
            else:
                code = doc["code"]
        if problem is None and status not in expected:
            problem = "unexpected status %d (%s)" % (status, code)
        if problem is None and kind in VALIDATION_ONLY and \
                code not in CLIENT_CODES:
            problem = "400 with code %s" % code
        if problem is None and status == 400 and code == "bad_request" and \
                kind != "huge_header":
            problem = "nginx's own 400 for a well-formed request"
        with stats.lock:
            stats.by_kind[kind] += 1
            stats.statuses[status] += 1
            stats.kind_status[(kind, status)] += 1
            if code:
                stats.codes[code] += 1
            if replayed:
                stats.replayed += 1
            elif status == 200 or (code and code not in CLIENT_CODES):
                stats.validated += 1
            if status == 200 and not replayed:
                stats.ok += 1
            stats.latency_max = max(stats.latency_max, elapsed)
        if problem:
            stats.violation("%s: %s" % (kind, problem))


# ---------------------------------------------------------------------------
# nginx processes and the emulator
# ---------------------------------------------------------------------------

def workers(master):
    """pids of the master's children."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            pids.append(int(entry))
    return sorted(pids)


def upstream_sockets(port):
    """inodes of the TCP sockets connected to 127.0.0.1:port."""
    inodes = set()
    try:
        with open("/proc/net/tcp") as f:
            next(f)
            for line in f:
                fields = line.split()
                remote = fields[2]
                if remote == "0100007F:%04X" % port:
                    inodes.add(fields[9])
    except OSError:
        pass
    return inodes


def sample(master, emu_port):
    """{pid: (private RSS kB, shared memory RSS kB, fds, of which idle
    upstream connections)} of the workers.  The shared zone's pages
    count in RssShmem as the workers touch them: that grows up to the
    zone's size as records (identities, idempotency keys) fill it, and
    is no leak."""
    result = {}
    upstream = upstream_sockets(emu_port)
    for pid in workers(master):
        try:
            with open("/proc/%d/status" % pid) as f:
                status = dict(line.split(":", 1) for line in f
                              if ":" in line)
            anon = int(status["RssAnon"].split()[0])
            shmem = int(status["RssShmem"].split()[0])
            links = []
            for fd in os.listdir("/proc/%d/fd" % pid):
                try:
                    links.append(os.readlink("/proc/%d/fd/%s" % (pid, fd)))
                except OSError:
                    pass
        except (OSError, KeyError, ValueError):
            continue
        kept = sum(1 for link in links
                   if link.startswith("socket:[") and link[8:-1] in upstream)
        result[pid] = (anon, shmem, len(links), kept)
    return result


def emulator(args, method, path, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", args.emu_port, timeout=10)
    try:
        conn.request(method, path, body=body,
                     headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        raw = response.read()
    finally:
        conn.close()
    if response.status != 200:
        raise RuntimeError("emulator %s %s: %d %r" % (method, path,
                                                       response.status, raw))
    return raw


def reset_config(args, faults):
    config = {"player_tokens": {PLAYER_TOKEN: {"id": "SOAKTP1",
                                               "master": "SOAKMP1"}}}
    if faults:
        config["random_faults"] = {"probability": args.fault_probability,
                                   "seed": args.seed,
                                   "max_delay_ms": args.max_delay_ms}
    return json.dumps(config)


def wait_idle(stats, seconds):
    """Until no request is in flight (at most 30 s), then seconds more."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with stats.lock:
            if stats.in_flight == 0:
                break
        time.sleep(0.05)
    time.sleep(seconds)


def final_request(args):
    conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=10)
    try:
        conn.request("POST", "/v1/party",
                     body=json.dumps({"PreferredRegions": ["EastUs"],
                                      "NetworkConfiguration": {
                                          "MaxUsers": 2, "MaxDevices": 2,
                                          "MaxUsersPerDevice": 1,
                                          "MaxDevicesPerUser": 1,
                                          "MaxEndpointsPerDevice": 1}}),
                     headers={"Content-Type": "application/json",
                              "X-API-Key": API_KEY})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def scan_log(path, secret):
    """Problems found in error.log, and a count of lines per level."""
    problems = []
    levels = collections.Counter()
    with open(path, "rb") as f:
        for raw in f:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            parts = line.split(" ", 3)
            if len(parts) > 2 and parts[2].startswith("["):
                levels[parts[2].strip("[]")] += 1
            bad = None
            if "exited on signal" in line:
                bad = "worker exited on a signal"
            elif any(tag in line for tag in ("[alert]", "[crit]",
                                             "[emerg]")):
                bad = "alert/crit/emerg"
            elif "AddressSanitizer" in line or "runtime error:" in line:
                bad = "sanitizer report"
            elif secret and secret in line:
                bad = "the secret key logged"
            elif "EMUTOKEN-" in line:
                bad = "a title token logged"
            elif PLAYER_TOKEN in line or API_KEY in line:
                bad = "a client credential logged"
            if bad and len(problems) < 20:
                problems.append("%s: %s" % (bad, line[:300]))
    return problems, levels


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--emu-port", type=int, required=True)
    parser.add_argument("--master-pid", type=int, required=True)
    parser.add_argument("--error-log", required=True)
    parser.add_argument("--duration", type=float, default=120)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fault-probability", type=float, default=0.1)
    parser.add_argument("--max-delay-ms", type=int, default=1500)
    parser.add_argument("--client-timeout", type=float, default=15)
    parser.add_argument("--rss-slack-kb", type=int, default=1024)
    parser.add_argument("--fd-slack", type=int, default=2)
    parser.add_argument("--keepalive", type=int, default=8)
    args = parser.parse_args()
    secret = os.environ.get(SECRET_ENV, "")

    stats = Stats()
    client = Client(args, stats)
    violations = []

    emulator(args, "POST", "/_emu/reset", reset_config(args, True))

    threads = [threading.Thread(target=client.worker, args=(i,), daemon=True)
               for i in range(args.concurrency)]
    for thread in threads:
        thread.start()

    warmup = max(5.0, min(20.0, args.duration * 0.2))
    settle = 3.0
    main_time = max(args.duration - warmup - 2 * settle, 5.0)

    started = time.monotonic()
    client.running.set()
    time.sleep(warmup)
    client.running.clear()
    wait_idle(stats, settle)
    steady = sample(args.master_pid, args.emu_port)
    steady_requests = sum(stats.by_kind.values())

    client.running.set()
    time.sleep(main_time)
    client.running.clear()
    wait_idle(stats, settle)
    end = sample(args.master_pid, args.emu_port)
    client.stop.set()
    deadline = time.monotonic() + 30
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    elapsed = time.monotonic() - started

    emu_stats = json.loads(emulator(args, "GET", "/_emu/stats"))
    injected = json.loads(emulator(args, "GET", "/_emu/random_faults"))

    # the zone still works once PlayFab behaves (no stuck lease)
    emulator(args, "POST", "/_emu/reset", reset_config(args, False))
    final_status, final_body = final_request(args)

    log_problems, levels = scan_log(args.error_log, secret)

    # --- checks -----------------------------------------------------------
    violations.extend(stats.violations)
    violations.extend(log_problems)

    if sorted(steady) != sorted(end):
        violations.append("worker pids changed: %s -> %s"
                          % (sorted(steady), sorted(end)))
    if len(steady) != 2:
        violations.append("expected 2 workers, found %s" % sorted(steady))
    leak_lines = []
    for pid in sorted(set(steady) & set(end)):
        (rss0, shm0, fds0, up0), (rss1, shm1, fds1, up1) = \
            steady[pid], end[pid]
        leak_lines.append("  worker %d: private RSS %d -> %d kB (%+d), "
                          "shared %d -> %d kB, fds %d -> %d (of which idle "
                          "connections to PlayFab %d -> %d)"
                          % (pid, rss0, rss1, rss1 - rss0, shm0, shm1, fds0,
                             fds1, up0, up1))
        if rss1 - rss0 > args.rss_slack_kb:
            violations.append("worker %d private RSS grew %d kB (> %d kB "
                              "slack)" % (pid, rss1 - rss0,
                                          args.rss_slack_kb))
        if (fds1 - up1) - (fds0 - up0) > args.fd_slack:
            violations.append("worker %d has %d more open fds besides the "
                              "idle connections to PlayFab (> %d)"
                              % (pid, (fds1 - up1) - (fds0 - up0),
                                 args.fd_slack))
        if up1 > args.keepalive:
            violations.append("worker %d keeps %d idle connections to "
                              "PlayFab (keepalive %d)"
                              % (pid, up1, args.keepalive))

    allocated = emu_stats["parties_allocated"]
    party_calls = emu_stats["RequestPartyService"]
    refused = sum(kinds.get("token_refused", 0)
                  for op, kinds in injected["injected"].items()
                  if op == "RequestPartyService")
    if allocated > stats.validated:
        violations.append("PlayFab allocated %d networks for %d validated "
                          "requests" % (allocated, stats.validated))
    if allocated < stats.ok:
        violations.append("%d clients got a network, PlayFab allocated %d"
                          % (stats.ok, allocated))
    if party_calls > stats.validated + refused:
        violations.append("%d RequestPartyService calls for %d validated "
                          "requests and %d refused tokens"
                          % (party_calls, stats.validated, refused))
    if final_status != 200:
        violations.append("after the faults, a valid request got %d %r"
                          % (final_status, final_body[:200]))

    # --- summary ----------------------------------------------------------
    total = sum(stats.by_kind.values())
    print("soak: %.0f s, %d requests (%.0f/s), %d threads, seed %d, "
          "fault probability %.2f"
          % (elapsed, total, total / elapsed, args.concurrency, args.seed,
             args.fault_probability))
    print("requests by kind: " + ", ".join(
        "%s %d" % kv for kv in sorted(stats.by_kind.items())))
    print("statuses: " + ", ".join(
        "%d: %d" % kv for kv in sorted(stats.statuses.items())))
    print("problem codes: " + ", ".join(
        "%s %d" % kv for kv in sorted(stats.codes.items())))
    print("slowest response: %.2f s" % stats.latency_max)
    print("emulator: " + ", ".join(
        "%s %s" % kv for kv in sorted(emu_stats.items())))
    print("random faults injected: %d (%s)" % (injected["total"], "; ".join(
        "%s: %s" % (op, ", ".join("%s %d" % kv for kv in sorted(k.items())))
        for op, k in sorted(injected["injected"].items()))))
    print("allocation: %d validated client requests, %d got 200 (and %d "
          "idempotent replays); PlayFab allocated %d, RequestPartyService "
          "called %d times (%d title tokens refused)"
          % (stats.validated, stats.ok, stats.replayed, allocated,
             party_calls, refused))
    print("steady state after %d requests; workers (steady -> end):"
          % steady_requests)
    print("\n".join(leak_lines))
    print("error.log lines by level: " + ", ".join(
        "%s %d" % kv for kv in sorted(levels.items())))
    print("after the faults: %d" % final_status)
    if violations:
        print("VIOLATIONS (%d):" % len(violations))
        for text in violations[:50]:
            print("  " + text)
        if len(violations) > 50:
            print("  ...")
        return 1
    print("soak: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
