#!/usr/bin/env python3
"""PlayFab emulator for the ngx_http_playfab_party test suite.

Serves, over plain HTTP on loopback, the three PlayFab operations the module
calls, with the request schemas, envelopes and error codes of
shared/playfab-api/playfab-party-api.json:

  POST /Authentication/GetEntityToken       X-SecretKey   -> title token
  POST /Party/RequestPartyService           X-EntityToken -> descriptor
  POST /Authentication/ValidateEntityToken  X-EntityToken -> player identity

the JWK Set of an identity provider, which the studio's nginx fetches:

  GET  /.well-known/jwks.json                               -> {"keys": [...]}

and a control API under /_emu/ that tests use to configure faults, register
player tokens and inspect what the module sent:

  POST /_emu/reset               JSON config (optional) -> "ok\\n"
  GET  /_emu/count/OP            -> "N\\n"
  GET  /_emu/last/OP             -> {"headers", "body", "token_index"} or {}
  GET  /_emu/headers/OP          -> request header names, sorted, one a line
  GET  /_emu/token_index/OP      -> "N\\n"
  GET  /_emu/sleep?ms=N          -> "ok\\n" after N ms
  POST /_emu/revoke              -> "ok\\n", every title token so far revoked
  POST /_emu/expire              -> "ok\\n", every title token so far expired
  POST /_emu/jwks                -> "ok\\n", the body (any text) is the JWK Set
                                    served from now on: a key rotation
  GET  /_emu/stats               -> {"GetEntityToken": N, ..., "tokens_issued",
                                     "parties_allocated"}
  GET  /_emu/random_faults       -> {"total": N, "injected": {OP: {KIND: N}}}
  GET  /_emu/signal?pid=N&sig=S[&master=1][&delay_ms=N][&wait_ms=N]
                                 -> "ok\n" once nginx process N (or its
                                    master) got signal S (HUP, KILL, ...),
                                    delay_ms after the request came in

OP is GetEntityToken, RequestPartyService, ValidateEntityToken or Jwks.  The
control endpoints accept any method.  The reset body is described in the
docstrings of parse_reset_config() and parse_fault().

Standard library only.  Usage:

  playfab_emulator.py --listen 127.0.0.1:PORT [--secret S] [--title-id T]
      [--token-lifetime SECONDS] [--pid-file F] [--quiet]
      [--exit-with-parent]

PORT 0 picks a free port; the line printed when ready names the real one.
"""

import argparse
import base64
import email.utils
import gzip
import json
import os
import random
import signal
import sys
import threading
import time
import uuid
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


# ---------------------------------------------------------------------------
# The PlayFab API surface
# ---------------------------------------------------------------------------

OPERATIONS = {
    "/Authentication/GetEntityToken": "GetEntityToken",
    "/Party/RequestPartyService": "RequestPartyService",
    "/Authentication/ValidateEntityToken": "ValidateEntityToken",
}

AZURE_REGIONS = frozenset((
    "AustraliaEast", "AustraliaSoutheast", "BrazilSouth", "CentralUs",
    "EastAsia", "EastUs", "EastUs2", "JapanEast", "JapanWest",
    "NorthCentralUs", "NorthEurope", "SouthCentralUs", "SoutheastAsia",
    "WestEurope", "WestUs", "SouthAfricaNorth", "WestCentralUs",
    "KoreaCentral", "FranceCentral", "WestUs2", "CentralIndia", "UaeNorth",
    "UkSouth", "SwedenCentral", "CanadaCentral", "MexicoCentral",
))

DIRECT_PEER_CONNECTIVITY = frozenset((
    "None", "SamePlatformType", "DifferentPlatformType", "AnyPlatformType",
    "SameEntityLoginProvider", "DifferentEntityLoginProvider",
    "AnyEntityLoginProvider", "AnyPlatformTypeAndEntityLoginProvider",
    "OnlyServers",
))

REVOCABILITY = frozenset(("Creator", "Anyone"))

UINT32_MAX = 0xFFFFFFFF

# PartyNetworkConfiguration numeric fields: (min, max), from the schema's
# descriptions; all are uint32 and required
NETWORK_LIMITS = {
    "MaxUsers": (1, UINT32_MAX),
    "MaxDevices": (1, 128),
    "MaxUsersPerDevice": (1, 8),
    "MaxDevicesPerUser": (1, UINT32_MAX),
    "MaxEndpointsPerDevice": (0, 32),
}

JWKS_PATH = "/.well-known/jwks.json"
JWKS_OP = "Jwks"

# the faults that make sense for the JWK Set; "malformed" is cut JSON,
# "oversize" the set padded with blanks, "status" alone an error page
JWKS_FAULTS = ("times", "delay_ms", "status", "body", "headers",
               "malformed", "oversize", "close", "reset_mid")
JWKS_MALFORMED_BODY = b'{"keys":[{"kty":"RSA",'

IDENTIFIER_MAX = 127
ENTITY_KEYS_MAX = 1024
DESCRIPTOR_BYTES = 96

# the subset of PlayFab's errorCodes this emulator answers with
ERROR_CODES = {
    "UnkownError": 500,        # sic, as in PlayFab's table
    "InvalidParams": 1000,
    "NotFound": 1001,
    "NotAuthorized": 1089,
    "ServiceUnavailable": 1123,
    "DownstreamServiceUnavailable": 1127,
    "APIRequestLimitExceeded": 1130,
    "NotAuthorizedByTitle": 1191,
    "EntityTokenMissing": 1334,
    "EntityTokenInvalid": 1335,
    "EntityTokenExpired": 1336,
    "EntityTokenRevoked": 1337,
    "PartyBadRequest": 1434,
}

# the error a "status"-only fault answers with
GENERIC_ERRORS = {
    400: "InvalidParams",
    401: "NotAuthorized",
    403: "NotAuthorizedByTitle",
    404: "NotFound",
    429: "APIRequestLimitExceeded",
    502: "DownstreamServiceUnavailable",
    503: "ServiceUnavailable",
}

# data of the "wrong_shape" fault: each lacks a required field and has
# another of the wrong type
WRONG_SHAPES = {
    "GetEntityToken": {"EntityToken": 12345, "Entity": "title"},
    "RequestPartyService": {"PartyId": 7, "InvitationId": ["x"]},
    "ValidateEntityToken": {"Entity": "title_player_account",
                            "Lineage": 0},
}

MALFORMED_BODY = b'{"code":200,"data":'

JSON_TYPE = "application/json; charset=utf-8"
TEXT_TYPE = "text/plain; charset=utf-8"


class PlayFabError(Exception):
    """A PlayFab error reply: HTTP status, error name and message."""

    def __init__(self, http_status, error, message):
        super().__init__(message)
        self.http_status = http_status
        self.error = error
        self.message = message


def status_name(code):
    """PlayFab's "status" string: the reason phrase without spaces."""
    try:
        return HTTPStatus(code).phrase.replace(" ", "")
    except ValueError:
        return "Error"


def ok_envelope(data):
    return {"code": 200, "status": "OK", "data": data}


def error_envelope(code, error, message):
    return {"code": code, "status": status_name(code), "error": error,
            "errorCode": ERROR_CODES[error], "errorMessage": message}


def generic_error_envelope(code):
    error = GENERIC_ERRORS.get(code, "UnkownError")
    return error_envelope(code, error, "emulated fault: HTTP %d" % code)


def to_json(value):
    return json.dumps(value, separators=(",", ":")).encode()


def reject_constant(name):
    """json.loads hook: NaN and Infinity are not JSON."""
    raise ValueError("invalid JSON constant " + name)


def parse_json(raw):
    """Strict JSON from bytes; ValueError on anything else."""
    return json.loads(raw, parse_constant=reject_constant)


def rfc3339(timestamp):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(timestamp))


# ---------------------------------------------------------------------------
# RequestPartyServiceRequest validation
# ---------------------------------------------------------------------------

def party_bad_request(message):
    return PlayFabError(400, "PartyBadRequest", message)


def field_path(path, key):
    return key if not path else "%s.%s" % (path, key)


def check_object(value, path, allowed, required=()):
    """value must be an object with only allowed keys and all required."""
    if not isinstance(value, dict):
        raise party_bad_request("%s must be an object" % (path or "body"))
    unknown = sorted(set(value) - set(allowed))
    if unknown:
        raise party_bad_request("unknown field " + field_path(path, unknown[0]))
    for key in required:
        if key not in value:
            raise party_bad_request(field_path(path, key) + " is required")


def check_string(obj, key, path, max_len=None):
    if key not in obj:
        return
    value = obj[key]
    name = field_path(path, key)
    if not isinstance(value, str):
        raise party_bad_request(name + " must be a string")
    if max_len is not None and len(value) > max_len:
        raise party_bad_request("%s is longer than %d characters"
                                % (name, max_len))


def check_enum(obj, key, path, allowed):
    if key in obj and obj[key] not in allowed:
        raise party_bad_request("%s: unknown value %s"
                                % (field_path(path, key), json.dumps(obj[key])))


def check_regions(regions):
    if not isinstance(regions, list) or not regions:
        raise party_bad_request("PreferredRegions must be a non-empty array")
    for i, region in enumerate(regions):
        if region not in AZURE_REGIONS:
            raise party_bad_request("PreferredRegions[%d]: unknown region %s"
                                    % (i, json.dumps(region)))


def check_entity_keys(keys, path):
    if not isinstance(keys, list):
        raise party_bad_request(path + " must be an array")
    if len(keys) > ENTITY_KEYS_MAX:
        raise party_bad_request("%s has more than %d items"
                                % (path, ENTITY_KEYS_MAX))
    for i, key in enumerate(keys):
        item = "%s[%d]" % (path, i)
        check_object(key, item, ("Id", "Type"), ("Id",))
        check_string(key, "Id", item)
        check_string(key, "Type", item)


def check_invitation(invitation, path):
    check_object(invitation, path,
                 ("Identifier", "Revocability", "EntityKeys"))
    check_string(invitation, "Identifier", path, IDENTIFIER_MAX)
    check_enum(invitation, "Revocability", path, REVOCABILITY)
    if "EntityKeys" in invitation:
        check_entity_keys(invitation["EntityKeys"],
                          field_path(path, "EntityKeys"))


def check_network_configuration(config):
    path = "NetworkConfiguration"
    allowed = tuple(NETWORK_LIMITS) + ("DirectPeerConnectivityOptions",
                                       "PartyInvitationConfiguration")
    check_object(config, path, allowed, tuple(NETWORK_LIMITS))
    for key, (low, high) in NETWORK_LIMITS.items():
        value = config[key]
        # bool is an int in Python, never in JSON
        if type(value) is not int or not low <= value <= high:
            raise party_bad_request("%s must be an integer between %d and %d"
                                    % (field_path(path, key), low, high))
    check_enum(config, "DirectPeerConnectivityOptions", path,
               DIRECT_PEER_CONNECTIVITY)
    if "PartyInvitationConfiguration" in config:
        check_invitation(config["PartyInvitationConfiguration"],
                         field_path(path, "PartyInvitationConfiguration"))


def check_party_request(raw):
    """Parses raw; raises PartyBadRequest naming the first violation."""
    try:
        request = parse_json(raw)
    except ValueError:
        raise party_bad_request("body is not valid JSON") from None
    check_object(request, "",
                 ("PreferredRegions", "NetworkConfiguration", "PlayFabId",
                  "PartyId", "CustomTags"),
                 ("PreferredRegions", "NetworkConfiguration"))
    check_regions(request["PreferredRegions"])
    check_network_configuration(request["NetworkConfiguration"])
    check_string(request, "PlayFabId", "")
    check_string(request, "PartyId", "")
    if "CustomTags" in request and not isinstance(request["CustomTags"], dict):
        raise party_bad_request("CustomTags must be an object")
    return request


# ---------------------------------------------------------------------------
# Control API configuration (the body of POST /_emu/reset)
# ---------------------------------------------------------------------------

class ConfigError(ValueError):
    """A bad /_emu/reset body; the message is sent back to the test."""


def check_type(value, expected, where):
    """isinstance, except that a JSON boolean is never a number."""
    if not isinstance(value, expected) or \
            (isinstance(value, bool) and expected is not bool):
        raise ConfigError("%s: wrong type" % where)
    return value


def check_keys(obj, types, where):
    """obj is a dict whose keys are all in types and values of that type."""
    check_type(obj, dict, where)
    for key, value in obj.items():
        if key not in types:
            raise ConfigError("%s: unknown key %s" % (where, key))
        check_type(value, types[key], "%s.%s" % (where, key))
    return obj


FAULT_TYPES = {
    "times": int, "delay_ms": int, "status": int, "envelope": dict,
    "body": str, "headers": dict, "malformed": bool, "wrong_shape": bool,
    "oversize": int, "close": bool, "reset_mid": bool, "gzip": bool,
}

# the faults that replace the reply body; at most one per operation
PAYLOAD_FAULTS = ("body", "envelope", "malformed", "wrong_shape", "oversize")

# allowed ranges of the numeric fault fields
FAULT_RANGES = {"times": (0, None), "delay_ms": (0, 600000),
                "status": (100, 599), "oversize": (0, None)}


def check_ranges(fault, where):
    for key, (low, high) in FAULT_RANGES.items():
        value = fault.get(key, low)
        if value < low or (high is not None and value > high):
            raise ConfigError("%s.%s: out of range" % (where, key))


def parse_fault(spec, where):
    """A fault object, checked.

    times N      only the first N calls after the reset (default: all)
    delay_ms N   sleep before answering; combines with any other fault
    status N     HTTP status; alone: a generic error envelope
    envelope {}  sent as the JSON body (HTTP status: "status", else its code)
    body "..."   sent verbatim (HTTP status: "status", else 200)
    headers {}   extra reply headers
    malformed    200, truncated JSON
    wrong_shape  200, an envelope whose data has the wrong shape
    oversize N   the normal reply padded to N bytes
    close        close the connection without a reply
    reset_mid    send the headers and half the body, then close
    gzip         the reply gzip-compressed, Content-Encoding: gzip
    """
    fault = check_keys(spec, FAULT_TYPES, where)
    check_ranges(fault, where)
    payload = [key for key in PAYLOAD_FAULTS
               if key in fault and fault[key] is not False]
    if len(payload) > 1:
        raise ConfigError("%s: %s exclude each other" % (where,
                                                         " and ".join(payload)))
    if "status" in fault and payload and payload[0] not in ("body", "envelope"):
        raise ConfigError("%s: status goes with body or envelope only" % where)
    if fault.get("close") and set(fault) - {"close", "times", "delay_ms"}:
        raise ConfigError("%s: close goes with times and delay_ms only" % where)
    for name, value in fault.get("headers", {}).items():
        check_type(value, (str, int), "%s.headers.%s" % (where, name))
    return fault


PLAYER_TOKEN_TYPES = {"id": str, "type": str, "master": str, "lifetime": int,
                      "title": str}


def parse_player_token(spec, where, now, default_lifetime, title_id):
    """{"id", "type", "master", "lifetime", "title"} -> PlayerToken."""
    check_keys(spec, PLAYER_TOKEN_TYPES, where)
    if "id" not in spec:
        raise ConfigError(where + ": id is required")
    return PlayerToken(entity_id=spec["id"],
                       entity_type=spec.get("type", "title_player_account"),
                       master=spec.get("master", spec["id"]),
                       expires_at=now + spec.get("lifetime", default_lifetime),
                       title_id=spec.get("title", title_id))


RESET_TYPES = {"secret": str, "token_lifetime": int,
               "date_offset": (int, float), "faults": dict,
               "player_tokens": dict, "random_faults": dict,
               "jwks": (dict, str), "jwks_max_age": int}


# random faults: kind -> (the operations it applies to, fault maker);
# a maker gets (rng, max_delay_ms) and returns a fault as parse_fault()
# would accept it
def _error_fault(status, error):
    return lambda rng, max_delay: {
        "status": status,
        "envelope": error_envelope(status, error, "emulated random fault")}


ALL_OPERATIONS = ("GetEntityToken", "RequestPartyService",
                  "ValidateEntityToken")

RANDOM_FAULT_KINDS = {
    "status_500": (ALL_OPERATIONS, lambda rng, d: {"status": 500}),
    "status_502": (ALL_OPERATIONS, lambda rng, d: {"status": 502}),
    "status_503": (ALL_OPERATIONS, lambda rng, d: {"status": 503}),
    "throttled": (ALL_OPERATIONS, lambda rng, d: {
        "status": 429, "headers": {"Retry-After": rng.randint(1, 30)}}),
    "malformed": (ALL_OPERATIONS, lambda rng, d: {"malformed": True}),
    "wrong_shape": (ALL_OPERATIONS, lambda rng, d: {"wrong_shape": True}),
    "close": (ALL_OPERATIONS, lambda rng, d: {"close": True}),
    "reset_mid": (ALL_OPERATIONS, lambda rng, d: {"reset_mid": True}),
    "delay": (ALL_OPERATIONS,
              lambda rng, d: {"delay_ms": rng.randint(0, d)}),
    "oversize": (ALL_OPERATIONS, lambda rng, d: {"oversize": 100000}),
    "gzip": (ALL_OPERATIONS, lambda rng, d: {"gzip": True}),
    "token_refused": (("RequestPartyService", "ValidateEntityToken"),
                      _error_fault(401, "EntityTokenExpired")),
    "party_rejected": (("RequestPartyService",),
                       _error_fault(400, "PartyBadRequest")),
}

RANDOM_FAULT_TYPES = {"probability": (int, float), "seed": int,
                      "kinds": list, "operations": list,
                      "max_delay_ms": int}


class RandomFaults:
    """Faults drawn at random, per call, for soak tests."""

    def __init__(self, probability, seed, kinds, operations, max_delay_ms):
        self.probability = probability
        self.rng = random.Random(seed)
        self.kinds = kinds
        self.operations = operations
        self.max_delay_ms = max_delay_ms

    def draw(self, op):
        """(kind, fault) or (None, {}); call with the state's lock held."""
        if op not in self.operations or \
                self.rng.random() >= self.probability:
            return None, {}
        kinds = [k for k in self.kinds if op in RANDOM_FAULT_KINDS[k][0]]
        if not kinds:
            return None, {}
        kind = self.rng.choice(kinds)
        return kind, RANDOM_FAULT_KINDS[kind][1](self.rng, self.max_delay_ms)


def parse_random_faults(spec, where):
    """{"probability": 0..1, "seed": N, "kinds": [KIND...],
    "operations": [OP...], "max_delay_ms": N} -> RandomFaults.

    Each call of an operation in "operations" (default: all) for which
    no "faults" entry applies gets, with the given probability, one of
    the "kinds" (default: all of RANDOM_FAULT_KINDS that apply to the
    operation), chosen at random: status_500, status_502, status_503,
    throttled (429 with Retry-After), malformed, wrong_shape, close,
    reset_mid, delay (0..max_delay_ms, default 3000, then the normal
    reply), oversize (100000 bytes), gzip, token_refused (401
    EntityTokenExpired; RequestPartyService and ValidateEntityToken) and
    party_rejected (400 PartyBadRequest; RequestPartyService).  "seed"
    (default: random) makes the sequence of draws repeatable.
    """
    check_keys(spec, RANDOM_FAULT_TYPES, where)
    probability = spec.get("probability", 0.1)
    if not 0 <= probability <= 1:
        raise ConfigError(where + ".probability: out of range")
    kinds = spec.get("kinds", sorted(RANDOM_FAULT_KINDS))
    for kind in kinds:
        if kind not in RANDOM_FAULT_KINDS:
            raise ConfigError("%s.kinds: unknown kind %r" % (where, kind))
    operations = spec.get("operations", list(ALL_OPERATIONS))
    for op in operations:
        if op not in ALL_OPERATIONS:
            raise ConfigError("%s.operations: unknown operation %r"
                              % (where, op))
    max_delay_ms = spec.get("max_delay_ms", 3000)
    if not 0 <= max_delay_ms <= 600000:
        raise ConfigError(where + ".max_delay_ms: out of range")
    return RandomFaults(probability, spec.get("seed"), kinds, operations,
                        max_delay_ms)


def parse_reset_config(raw, defaults):
    """The body of POST /_emu/reset -> a Config; ConfigError if bad.

    {"secret": S, "token_lifetime": N, "date_offset": SECONDS,
     "faults": {OP: FAULT}, "player_tokens": {TOKEN: PLAYER},
     "random_faults": RANDOM, "jwks": SET, "jwks_max_age": N}
    Absent keys take the command-line defaults (date_offset 0).  SET: the
    JWK Set served (an object, or a string sent verbatim; default
    {"keys": []}); N: its Cache-Control max-age (absent: no
    Cache-Control).  Faults of Jwks take only the keys of JWKS_FAULTS.
    FAULT:
    see parse_fault(); RANDOM: see parse_random_faults().  PLAYER: {"id": required, "type": default
    "title_player_account", "master": default the id, "lifetime":
    seconds, default token_lifetime; 0 or less: already expired;
    "title": the title the player belongs to (Lineage.TitleId), default
    the emulator's}.
    """
    try:
        spec = parse_json(raw) if raw.strip() else {}
    except ValueError:
        raise ConfigError("reset: body is not valid JSON") from None
    check_keys(spec, RESET_TYPES, "reset")
    config = Config(secret=spec.get("secret", defaults.secret),
                    title_id=defaults.title_id,
                    token_lifetime=spec.get("token_lifetime",
                                            defaults.token_lifetime),
                    date_offset=spec.get("date_offset", 0))
    for op, fault in spec.get("faults", {}).items():
        if op not in OPERATIONS.values() and op != JWKS_OP:
            raise ConfigError("faults: unknown operation " + op)
        config.faults[op] = parse_fault(fault, "faults." + op)
        if op == JWKS_OP and set(fault) - set(JWKS_FAULTS):
            raise ConfigError("faults.Jwks: only " + ", ".join(JWKS_FAULTS))
    jwks = spec.get("jwks", {"keys": []})
    config.jwks = jwks.encode() if isinstance(jwks, str) else to_json(jwks)
    if "jwks_max_age" in spec:
        if spec["jwks_max_age"] < 0:
            raise ConfigError("jwks_max_age: out of range")
        config.jwks_max_age = spec["jwks_max_age"]
    if "random_faults" in spec:
        config.random_faults = parse_random_faults(spec["random_faults"],
                                                   "random_faults")
    now = time.time() + config.date_offset
    for token, player in spec.get("player_tokens", {}).items():
        config.player_tokens[token] = parse_player_token(
            player, "player_tokens." + token, now, config.token_lifetime,
            config.title_id)
    return config


# ---------------------------------------------------------------------------
# Emulator state
# ---------------------------------------------------------------------------

class Config:
    """What a reset sets: the knobs, faults and player tokens."""

    def __init__(self, secret, title_id, token_lifetime, date_offset=0):
        self.secret = secret
        self.title_id = title_id
        self.token_lifetime = token_lifetime
        self.date_offset = date_offset
        self.faults = {}
        self.player_tokens = {}
        self.random_faults = None       # a RandomFaults, or None
        self.jwks = b'{"keys":[]}'      # the JWK Set served, as bytes
        self.jwks_max_age = None        # its Cache-Control max-age


class TitleToken:
    """A title entity token this emulator issued."""

    def __init__(self, index, expires_at):
        self.index = index              # 1-based issue order since reset
        self.expires_at = expires_at
        self.revoked = False
        self.expired = False            # forced by /_emu/expire


class PlayerToken:
    """A player entity token registered by a reset."""

    def __init__(self, entity_id, entity_type, master, expires_at, title_id):
        self.entity_id = entity_id
        self.entity_type = entity_type
        self.master = master
        self.expires_at = expires_at
        self.title_id = title_id        # the title the player belongs to


class Call:
    """One call of an operation; the last one is what /_emu/last shows."""

    def __init__(self, headers, body, token_index):
        self.headers = headers          # lowercased name -> value
        self.body = body                # raw bytes
        self.token_index = token_index  # title token presented or issued

    def as_json(self):
        """The body parsed if it is JSON, else as text."""
        try:
            body = parse_json(self.body)
        except ValueError:
            body = self.body.decode("utf-8", "replace")
        return {"headers": self.headers, "body": body,
                "token_index": self.token_index}


class EmulatorState:
    """Everything the emulator remembers; every method is thread-safe."""

    def __init__(self, defaults):
        self.defaults = defaults        # a Config from the command line
        self.lock = threading.Lock()
        self.apply(Config(defaults.secret, defaults.title_id,
                          defaults.token_lifetime))

    def apply(self, config):
        """Forgets everything and starts over with config."""
        with self.lock:
            self.generation = getattr(self, "generation", 0) + 1
            self.config = config
            self.title_tokens = {}      # token string -> TitleToken
            self.counts = dict.fromkeys(list(OPERATIONS.values())
                                        + [JWKS_OP], 0)
            self.last = {}              # op -> Call
            self.parties_allocated = 0  # RequestPartyService successes
            self.injected = {}          # op -> {random fault kind -> N}

    def now(self):
        """The emulator's clock: real time shifted by date_offset."""
        return time.time() + self.config.date_offset

    def record(self, op, headers, body):
        """Counts and records a call -> (Call, the fault that applies)."""
        with self.lock:
            self.counts[op] += 1
            n = self.counts[op]
            token = self.title_tokens.get(headers.get("x-entitytoken"))
            call = Call(headers, body, token.index if token else 0)
            self.last[op] = call
            fault = self.config.faults.get(op, {})
            if n > fault.get("times", n):
                fault = {}
            if not fault and self.config.random_faults:
                kind, fault = self.config.random_faults.draw(op)
                if kind:
                    kinds = self.injected.setdefault(op, {})
                    kinds[kind] = kinds.get(kind, 0) + 1
        return call, fault

    def allocated(self):
        """A RequestPartyService created a network."""
        with self.lock:
            self.parties_allocated += 1

    def random_faults(self):
        with self.lock:
            injected = {op: dict(kinds)
                        for op, kinds in self.injected.items()}
        return {"total": sum(sum(k.values()) for k in injected.values()),
                "injected": injected}

    def issue_title_token(self):
        """A new title token -> (token, index, expires_at)."""
        with self.lock:
            index = len(self.title_tokens) + 1
            token = "EMUTOKEN-%d-%s" % (index, uuid.uuid4().hex)
            expires_at = self.now() + self.config.token_lifetime
            self.title_tokens[token] = TitleToken(index, expires_at)
        return token, index, expires_at

    def check_title_token(self, token):
        """Raises the 401 PlayFab answers for a bad X-EntityToken."""
        if token is None:
            raise PlayFabError(401, "EntityTokenMissing",
                               "X-EntityToken header is missing")
        with self.lock:
            issued = self.title_tokens.get(token)
        if issued is None:
            raise PlayFabError(401, "EntityTokenInvalid",
                               "X-EntityToken is not a valid title token")
        if issued.revoked:
            raise PlayFabError(401, "EntityTokenRevoked",
                               "X-EntityToken has been revoked")
        if issued.expired or self.now() >= issued.expires_at:
            raise PlayFabError(401, "EntityTokenExpired",
                               "X-EntityToken has expired")

    def player(self, token):
        """The registered player token; raises the 400 for a bad one."""
        player = self.config.player_tokens.get(token)
        if player is None:
            raise PlayFabError(400, "EntityTokenInvalid",
                               "EntityToken is not valid")
        if self.now() >= player.expires_at:
            raise PlayFabError(400, "EntityTokenExpired",
                               "EntityToken has expired")
        return player

    def mark_title_tokens(self, attribute):
        """Sets revoked or expired on every title token issued so far."""
        with self.lock:
            for token in self.title_tokens.values():
                setattr(token, attribute, True)

    def count(self, op):
        with self.lock:
            return self.counts[op]

    def set_jwks(self, text):
        """The JWK Set served from now on (a rotation at the provider)."""
        with self.lock:
            self.config.jwks = text

    def jwks(self):
        """(the JWK Set's bytes, its max-age or None)."""
        with self.lock:
            return self.config.jwks, self.config.jwks_max_age

    def last_call(self, op):
        with self.lock:
            return self.last.get(op)

    def stats(self):
        with self.lock:
            stats = dict(self.counts)
            stats["tokens_issued"] = len(self.title_tokens)
            stats["parties_allocated"] = self.parties_allocated
        return stats


# ---------------------------------------------------------------------------
# The operations: (state, call) -> success data, or PlayFabError
# ---------------------------------------------------------------------------

def json_object_or_none(raw):
    try:
        value = parse_json(raw)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def get_entity_token(state, call):
    if call.headers.get("x-secretkey") != state.config.secret:
        raise PlayFabError(401, "NotAuthorized",
                           "X-SecretKey is missing or not valid")
    if json_object_or_none(call.body) is None:
        raise PlayFabError(400, "InvalidParams", "body must be a JSON object")
    token, call.token_index, expires_at = state.issue_title_token()
    title = state.config.title_id
    return {"EntityToken": token,
            "TokenExpiration": rfc3339(expires_at),
            "Entity": {"Id": title, "Type": "title", "TypeString": "title"}}


def request_party_service(state, call):
    state.check_title_token(call.headers.get("x-entitytoken"))
    request = check_party_request(call.body)
    invitation = request["NetworkConfiguration"].get(
        "PartyInvitationConfiguration", {})
    descriptor = base64.b64encode(os.urandom(DESCRIPTOR_BYTES)).decode()
    state.allocated()
    return {"PartyId": request.get("PartyId", str(uuid.uuid4())),
            "InvitationId": invitation.get("Identifier", str(uuid.uuid4())),
            "SerializedNetworkDescriptor": descriptor}


def validate_entity_token(state, call):
    state.check_title_token(call.headers.get("x-entitytoken"))
    request = json_object_or_none(call.body)
    if request is None or not isinstance(request.get("EntityToken"), str):
        raise PlayFabError(400, "InvalidParams", "EntityToken is required")
    player = state.player(request["EntityToken"])
    lineage = {"MasterPlayerAccountId": player.master,
               "TitleId": player.title_id,
               "NamespaceId": "1234"}
    if player.entity_type == "title_player_account":
        lineage["TitlePlayerAccountId"] = player.entity_id
    return {"Entity": {"Id": player.entity_id, "Type": player.entity_type,
                       "TypeString": player.entity_type},
            "Lineage": lineage,
            "IdentityProvider": "PlayFab",
            "IdentifiedDeviceType": "Win32"}


HANDLERS = {
    "GetEntityToken": get_entity_token,
    "RequestPartyService": request_party_service,
    "ValidateEntityToken": validate_entity_token,
}


def run_operation(state, op, call):
    """The operation's real answer -> (HTTP status, envelope)."""
    try:
        return 200, ok_envelope(HANDLERS[op](state, call))
    except PlayFabError as e:
        return e.http_status, error_envelope(e.http_status, e.error, e.message)


def padded(envelope, size):
    """envelope as JSON of exactly size bytes (if it fits) via "Padding"."""
    envelope = dict(envelope, Padding="")
    fill = size - len(to_json(envelope))
    envelope["Padding"] = "x" * max(fill, 0)
    return to_json(envelope)


def faulted_payload(fault, op):
    """(status, body) of a fault that replaces the reply, or None."""
    if "body" in fault:
        return fault.get("status", 200), fault["body"].encode()
    if "envelope" in fault:
        envelope = fault["envelope"]
        code = envelope.get("code")
        default = code if isinstance(code, int) and 100 <= code <= 599 else 200
        return fault.get("status", default), to_json(envelope)
    if "status" in fault:
        return fault["status"], to_json(generic_error_envelope(fault["status"]))
    if fault.get("malformed"):
        return 200, MALFORMED_BODY
    if fault.get("wrong_shape"):
        return 200, to_json(ok_envelope(WRONG_SHAPES[op]))
    return None


def operation_reply(state, op, call, fault):
    """(status, body bytes) for a call, with its fault applied."""
    payload = faulted_payload(fault, op)
    if payload is not None:
        return payload
    status, envelope = run_operation(state, op, call)
    if "oversize" in fault:
        return status, padded(envelope, fault["oversize"])
    return status, to_json(envelope)


# ---------------------------------------------------------------------------
# Control API: (state, argument, query, body) -> (status, text or JSON value)
# ---------------------------------------------------------------------------

class ControlError(Exception):
    def __init__(self, status, text):
        super().__init__(text)
        self.status = status
        self.text = text


def operation_name(arg):
    if arg not in HANDLERS and arg != JWKS_OP:
        raise ControlError(404, "unknown operation\n")
    return arg


def control_reset(state, arg, query, body):
    try:
        state.apply(parse_reset_config(body, state.defaults))
    except ConfigError as e:
        raise ControlError(400, str(e) + "\n") from None
    return 200, "ok\n"


def control_count(state, arg, query, body):
    return 200, "%d\n" % state.count(operation_name(arg))


def control_last(state, arg, query, body):
    call = state.last_call(operation_name(arg))
    return 200, call.as_json() if call else {}


def control_headers(state, arg, query, body):
    call = state.last_call(operation_name(arg))
    names = sorted(call.headers) if call else []
    return 200, "".join(name + "\n" for name in names)


def control_token_index(state, arg, query, body):
    call = state.last_call(operation_name(arg))
    return 200, "%d\n" % (call.token_index if call else 0)


def control_sleep(state, arg, query, body):
    try:
        ms = int(query.get("ms", [""])[0])
    except ValueError:
        ms = -1
    if not 0 <= ms <= 60000:
        raise ControlError(400, "ms must be 0..60000\n")
    time.sleep(ms / 1000)
    return 200, "ok\n"


def control_revoke(state, arg, query, body):
    state.mark_title_tokens("revoked")
    return 200, "ok\n"


def control_expire(state, arg, query, body):
    state.mark_title_tokens("expired")
    return 200, "ok\n"


def control_jwks(state, arg, query, body):
    state.set_jwks(body)
    return 200, "ok\n"


def control_stats(state, arg, query, body):
    return 200, state.stats()


def control_random_faults(state, arg, query, body):
    return 200, state.random_faults()


def control_signal(state, arg, query, body):
    """Lets a test reload nginx or kill a worker: given a worker's $pid,
    signals it or its master; only nginx processes are accepted.
    delay_ms: sleep before signalling (e.g. while a request that the
    same worker started is still waiting on PlayFab); wait_ms: after."""
    try:
        pid = int(query.get("pid", [""])[0])
        sig = getattr(signal, "SIG" + query.get("sig", [""])[0])
        delay_ms = int(query.get("delay_ms", ["0"])[0])
        wait_ms = int(query.get("wait_ms", ["0"])[0])
    except (ValueError, AttributeError):
        raise ControlError(400, "pid, sig (HUP, KILL...), delay_ms and"
                           " wait_ms\n") from None
    if not 0 <= delay_ms <= 10000:
        raise ControlError(400, "delay_ms must be 0..10000\n")
    if query.get("master", ["0"])[0] == "1":
        pid = parent_pid(pid)
    time.sleep(delay_ms / 1000)
    try:
        with open("/proc/%d/comm" % pid) as f:
            if f.read().strip() != "nginx":
                raise ControlError(400, "not an nginx process\n")
        os.kill(pid, sig)
    except OSError as e:
        raise ControlError(400, "%s\n" % e) from None
    time.sleep(min(max(wait_ms, 0), 10000) / 1000)
    return 200, "ok\n"


def parent_pid(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("PPid:"):
                    return int(line.split()[1])
    except OSError:
        pass
    raise ControlError(400, "no such process\n")


CONTROL = {
    "signal": control_signal,
    "reset": control_reset,
    "count": control_count,
    "last": control_last,
    "headers": control_headers,
    "token_index": control_token_index,
    "sleep": control_sleep,
    "revoke": control_revoke,
    "expire": control_expire,
    "stats": control_stats,
    "jwks": control_jwks,
    "random_faults": control_random_faults,
}

CONTROL_PREFIX = "/_emu/"


# ---------------------------------------------------------------------------
# HTTP
# ---------------------------------------------------------------------------

class Handler(BaseHTTPRequestHandler):
    """One connection; keep-alive unless the client asks otherwise."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True      # headers and body are two writes

    def dispatch(self):
        try:
            body = self.read_body()
        except ValueError:
            self.close_connection = True
            self.send_reply(400, b"bad request body\n", TEXT_TYPE)
            return
        url = urlsplit(self.path)
        if url.path.startswith(CONTROL_PREFIX):
            self.serve_control(url, body)
        elif self.command == "POST" and url.path in OPERATIONS:
            self.serve_operation(OPERATIONS[url.path], body)
        elif self.command == "GET" and url.path == JWKS_PATH:
            self.serve_jwks()
        else:
            envelope = error_envelope(404, "NotFound",
                                      "no API at " + url.path)
            self.send_reply(404, to_json(envelope), JSON_TYPE)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = dispatch

    def read_body(self):
        """The request body; ValueError on a bad length or chunk."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self.read_chunked()
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0:
            raise ValueError("negative Content-Length")
        return self.rfile.read(length)

    def read_chunked(self):
        chunks = []
        while True:
            size = int(self.rfile.readline().split(b";")[0], 16)
            if size == 0:
                break
            chunks.append(self.rfile.read(size))
            self.rfile.readline()
        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
            pass                        # trailer fields, ignored
        return b"".join(chunks)

    def request_headers(self):
        """Header names lowercased; repeated headers joined with ", "."""
        headers = {}
        for name, value in self.headers.items():
            name = name.lower()
            headers[name] = headers[name] + ", " + value \
                if name in headers else value
        return headers

    def serve_operation(self, op, body):
        state = self.server.state
        generation = state.generation
        call, fault = state.record(op, self.request_headers(), body)
        if "delay_ms" in fault:
            time.sleep(fault["delay_ms"] / 1000)
        if fault.get("close") or state.generation != generation:
            # a reset while this call was delayed: its test is over, and
            # it must not issue tokens into the next one
            self.close_connection = True
            return
        status, payload = operation_reply(state, op, call, fault)
        extra = [(name, str(value))
                 for name, value in fault.get("headers", {}).items()]
        if fault.get("gzip"):
            payload = gzip.compress(payload, mtime=0)
            extra.append(("Content-Encoding", "gzip"))
        self.send_reply(status, payload, JSON_TYPE, extra,
                        truncate=fault.get("reset_mid", False))

    def serve_jwks(self):
        """The JWK Set, with its faults (JWKS_FAULTS)."""
        state = self.server.state
        generation = state.generation
        call, fault = state.record(JWKS_OP, self.request_headers(), b"")
        if "delay_ms" in fault:
            time.sleep(fault["delay_ms"] / 1000)
        if fault.get("close") or state.generation != generation:
            self.close_connection = True
            return
        jwks, max_age = state.jwks()
        extra = []
        if max_age is not None:
            extra.append(("Cache-Control", "public, max-age=%d" % max_age))
        if "body" in fault:
            status, payload = fault.get("status", 200), fault["body"].encode()
        elif "status" in fault:
            status, payload = fault["status"], b"<html>emulated fault</html>"
        elif fault.get("malformed"):
            status, payload = 200, JWKS_MALFORMED_BODY
        else:
            status, payload = 200, jwks
            if "oversize" in fault:
                payload += b" " * max(fault["oversize"] - len(payload), 0)
        extra += [(name, str(value))
                  for name, value in fault.get("headers", {}).items()]
        self.send_reply(status, payload, JSON_TYPE, extra,
                        truncate=fault.get("reset_mid", False))

    def serve_control(self, url, body):
        name, _, arg = url.path[len(CONTROL_PREFIX):].partition("/")
        control = CONTROL.get(name)
        try:
            if control is None:
                raise ControlError(404, "unknown control endpoint\n")
            status, answer = control(self.server.state, arg,
                                     parse_qs(url.query), body)
        except ControlError as e:
            status, answer = e.status, e.text
        if isinstance(answer, str):
            self.send_reply(status, answer.encode(), TEXT_TYPE)
        else:
            self.send_reply(status, to_json(answer), JSON_TYPE)

    def send_reply(self, status, body, content_type, extra=(), truncate=False):
        """Status line, headers (Date from the emulator clock, always a
        Content-Length) and body; truncate sends half the body and closes."""
        self.send_response_only(status)
        self.send_header("Date", email.utils.formatdate(
            self.server.state.now(), usegmt=True))
        overridden = {name.lower() for name, _ in extra}
        if "content-type" not in overridden:
            self.send_header("Content-Type", content_type)
        for name, value in extra:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        if self.close_connection or truncate:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body[:len(body) // 2] if truncate else body)
        if truncate:
            self.close_connection = True
        self.log_request(status, len(body))

    def log_message(self, format, *args):
        if not self.server.quiet:
            super().log_message(format, *args)


class EmulatorServer(ThreadingHTTPServer):
    """A thread per connection; idle keep-alive connections are never
    timed out, since nginx would not retry a POST on a reused one."""

    request_queue_size = 128

    def __init__(self, address, state, quiet):
        super().__init__(address, Handler)
        self.state = state
        self.quiet = quiet

    def handle_error(self, request, client_address):
        # a client that goes away mid-reply is routine in fault tests
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------

def listen_address(text):
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit():
        raise argparse.ArgumentTypeError("expected HOST:PORT")
    return host, int(port)


def parse_args(argv):
    parser = argparse.ArgumentParser(description="PlayFab emulator")
    parser.add_argument("--listen", type=listen_address, required=True,
                        metavar="HOST:PORT")
    parser.add_argument("--secret", default="emu-secret-key")
    parser.add_argument("--title-id", default="EMU01")
    parser.add_argument("--token-lifetime", type=int, default=3600,
                        metavar="SECONDS")
    parser.add_argument("--pid-file")
    parser.add_argument("--quiet", action="store_true",
                        help="no per-request log lines on stderr")
    parser.add_argument("--exit-with-parent", action="store_true",
                        help="exit when the parent process is gone")
    return parser.parse_args(argv)


def exit_on_signal(signum, frame):
    """SIGTERM and SIGINT end serve_forever() through its finally."""
    raise SystemExit(0)


def watch_parent():
    """SIGTERM to ourselves once the parent is gone (we get reparented),
    so that a test script killed without running its END blocks leaves
    no emulator behind."""
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, daemon=True).start()


def main(argv=None):
    args = parse_args(argv)
    defaults = Config(args.secret, args.title_id, args.token_lifetime)
    server = EmulatorServer(args.listen, EmulatorState(defaults), args.quiet)
    signal.signal(signal.SIGTERM, exit_on_signal)
    signal.signal(signal.SIGINT, exit_on_signal)
    if args.exit_with_parent:
        watch_parent()
    # a signal may come as soon as the pid file or the line is out
    try:
        if args.pid_file:
            with open(args.pid_file, "w") as f:
                f.write("%d\n" % os.getpid())
        host, port = server.server_address[:2]
        print("playfab emulator listening on %s:%d" % (host, port),
              flush=True)
        server.serve_forever()
    finally:
        server.server_close()
        if args.pid_file and os.path.exists(args.pid_file):
            os.unlink(args.pid_file)


if __name__ == "__main__":
    main()
