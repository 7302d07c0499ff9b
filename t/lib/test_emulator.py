#!/usr/bin/env python3
"""Tests of the PlayFab emulator (t/lib/playfab_emulator.py).

Starts the emulator on a free port and drives every operation, fault mode
and control endpoint over http.client.  Standard library only:

    python3 t/lib/test_emulator.py [-v]
"""

import base64
import email.utils
import gzip
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

EMULATOR = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        "playfab_emulator.py")
SECRET = "emu-secret-key"
TITLE = "EMU01"

GET_TOKEN = "/Authentication/GetEntityToken"
PARTY = "/Party/RequestPartyService"
VALIDATE = "/Authentication/ValidateEntityToken"


def start_emulator(*args):
    """Runs the emulator on a free port -> (process, port)."""
    proc = subprocess.Popen(
        [sys.executable, EMULATOR, "--listen", "127.0.0.1:0", "--quiet"]
        + list(args),
        stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    prefix = "playfab emulator listening on 127.0.0.1:"
    if not line.startswith(prefix):
        proc.kill()
        raise RuntimeError("emulator did not start: %r" % line)
    return proc, int(line[len(prefix):])


def setUpModule():
    global PROC, PORT
    PROC, PORT = start_emulator()


def tearDownModule():
    PROC.send_signal(signal.SIGTERM)
    PROC.wait(timeout=10)
    PROC.stdout.close()


def party_request(**overrides):
    """A valid RequestPartyServiceRequest, top-level keys overridden."""
    request = {
        "PreferredRegions": ["EastUs"],
        "NetworkConfiguration": {
            "MaxUsers": 8, "MaxDevices": 8, "MaxUsersPerDevice": 1,
            "MaxDevicesPerUser": 1, "MaxEndpointsPerDevice": 4,
            "DirectPeerConnectivityOptions": "None",
        },
    }
    request.update(overrides)
    return request


def network(**overrides):
    """party_request()'s NetworkConfiguration with fields overridden."""
    config = dict(party_request()["NetworkConfiguration"])
    config.update(overrides)
    return config


class Reply:
    def __init__(self, response):
        self.status = response.status
        self.headers = response.headers
        self.raw = response.read()

    def json(self):
        return json.loads(self.raw)

    def text(self):
        return self.raw.decode()


class EmulatorTest(unittest.TestCase):
    """Base: a keep-alive connection and helpers; resets before each test."""

    def setUp(self):
        self.conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
        self.reset()

    def tearDown(self):
        self.conn.close()

    def request(self, method, path, body=None, headers=None, conn=None):
        if body is not None and not isinstance(body, (str, bytes)):
            body = json.dumps(body)
        conn = conn or self.conn
        conn.request(method, path, body=body, headers=headers or {})
        return Reply(conn.getresponse())

    def post(self, path, body=None, headers=None):
        return self.request("POST", path, body, headers)

    def reset(self, config=None):
        reply = self.post("/_emu/reset", config if config is not None else "")
        self.assertEqual((reply.status, reply.text()), (200, "ok\n"))

    def get_token(self):
        reply = self.post(GET_TOKEN, {}, {"X-SecretKey": SECRET})
        self.assertEqual(reply.status, 200, reply.raw)
        return reply.json()["data"]["EntityToken"]

    def party(self, body, token):
        return self.post(PARTY, body, {"X-EntityToken": token})

    def control(self, path):
        reply = self.request("GET", "/_emu/" + path)
        self.assertEqual(reply.status, 200, reply.raw)
        return reply

    def count(self, op):
        return int(self.control("count/" + op).text())

    def assertError(self, reply, status, error, code):
        """reply is PlayFab's error envelope with these values."""
        self.assertEqual(reply.status, status, reply.raw)
        self.assertEqual(reply.headers["Content-Type"],
                         "application/json; charset=utf-8")
        envelope = reply.json()
        self.assertEqual(envelope["code"], status)
        self.assertEqual(envelope["error"], error)
        self.assertEqual(envelope["errorCode"], code)
        self.assertIsInstance(envelope["status"], str)
        self.assertIsInstance(envelope["errorMessage"], str)
        return envelope

    def assertOk(self, reply):
        """reply is a success envelope; returns its data."""
        self.assertEqual(reply.status, 200, reply.raw)
        self.assertEqual(reply.headers["Content-Type"],
                         "application/json; charset=utf-8")
        envelope = reply.json()
        self.assertEqual((envelope["code"], envelope["status"]), (200, "OK"))
        return envelope["data"]


class GetEntityTokenTest(EmulatorTest):

    def test_issues_numbered_title_tokens(self):
        for n in (1, 2, 3):
            reply = self.post(GET_TOKEN, {}, {"X-SecretKey": SECRET})
            data = self.assertOk(reply)
            self.assertRegex(data["EntityToken"],
                             r"^EMUTOKEN-%d-[0-9a-f]{32}$" % n)
            self.assertEqual(data["Entity"], {"Id": TITLE, "Type": "title",
                                              "TypeString": "title"})
        self.assertEqual(self.count("GetEntityToken"), 3)
        self.assertEqual(self.control("token_index/GetEntityToken").text(),
                         "3\n")

    def test_expiration_is_date_plus_lifetime(self):
        reply = self.post(GET_TOKEN, {}, {"X-SecretKey": SECRET})
        expiration = self.assertOk(reply)["TokenExpiration"]
        self.assertRegex(expiration, r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        date = email.utils.parsedate_to_datetime(reply.headers["Date"])
        expires = time.mktime(time.strptime(expiration, "%Y-%m-%dT%H:%M:%SZ"))
        self.assertAlmostEqual(expires - time.mktime(date.utctimetuple()),
                               3600, delta=1)

    def test_reset_sets_lifetime_and_clock_offset(self):
        self.reset({"token_lifetime": 60, "date_offset": -86400})
        reply = self.post(GET_TOKEN, {}, {"X-SecretKey": SECRET})
        date = email.utils.parsedate_to_datetime(reply.headers["Date"])
        self.assertAlmostEqual(date.timestamp(), time.time() - 86400, delta=2)
        expiration = self.assertOk(reply)["TokenExpiration"]
        expires = time.mktime(time.strptime(expiration, "%Y-%m-%dT%H:%M:%SZ"))
        self.assertAlmostEqual(expires - time.mktime(date.utctimetuple()),
                               60, delta=1)

    def test_wrong_or_missing_secret_is_401(self):
        for headers in ({"X-SecretKey": "wrong"}, {}):
            reply = self.post(GET_TOKEN, {}, headers)
            self.assertError(reply, 401, "NotAuthorized", 1089)
        self.assertEqual(self.control("stats").json()["tokens_issued"], 0)

    def test_reset_sets_secret(self):
        self.reset({"secret": "other"})
        reply = self.post(GET_TOKEN, {}, {"X-SecretKey": SECRET})
        self.assertError(reply, 401, "NotAuthorized", 1089)
        self.assertOk(self.post(GET_TOKEN, {}, {"X-SecretKey": "other"}))

    def test_body_must_be_an_object(self):
        for body in ("", "[]", "{", "null"):
            reply = self.post(GET_TOKEN, body, {"X-SecretKey": SECRET})
            self.assertError(reply, 400, "InvalidParams", 1000)

    def test_reset_forgets_tokens(self):
        token = self.get_token()
        self.reset()
        self.assertError(self.party(party_request(), token),
                         401, "EntityTokenInvalid", 1335)
        self.assertRegex(self.get_token(), "^EMUTOKEN-1-")


class RequestPartyServiceTest(EmulatorTest):

    def test_success(self):
        token = self.get_token()
        data = self.assertOk(self.party(party_request(), token))
        self.assertEqual(set(data), {"PartyId", "InvitationId",
                                     "SerializedNetworkDescriptor"})
        self.assertRegex(data["PartyId"], r"^[0-9a-f-]{36}$")
        self.assertRegex(data["InvitationId"], r"^[0-9a-f-]{36}$")
        descriptor = base64.b64decode(data["SerializedNetworkDescriptor"],
                                      validate=True)
        self.assertEqual(len(descriptor), 96)

    def test_echoes_identifier_and_party_id(self):
        config = network(PartyInvitationConfiguration={
            "Identifier": "invite-1", "Revocability": "Creator",
            "EntityKeys": [{"Id": "p1", "Type": "title_player_account"}]})
        body = party_request(NetworkConfiguration=config, PartyId="party-7",
                             PlayFabId="ABC", CustomTags={"a": "b"})
        data = self.assertOk(self.party(body, self.get_token()))
        self.assertEqual(data["InvitationId"], "invite-1")
        self.assertEqual(data["PartyId"], "party-7")

    def test_accepts_schema_limits(self):
        body = party_request(
            PreferredRegions=["MexicoCentral", "AustraliaEast"],
            NetworkConfiguration=network(
                MaxUsers=4294967295, MaxDevices=128, MaxUsersPerDevice=8,
                MaxEndpointsPerDevice=0,
                DirectPeerConnectivityOptions="OnlyServers",
                PartyInvitationConfiguration={
                    "Identifier": "i" * 127,
                    "EntityKeys": [{"Id": str(i)} for i in range(1024)]}))
        self.assertOk(self.party(body, self.get_token()))

    def test_rejects_schema_violations(self):
        invitation = "PartyInvitationConfiguration"
        cases = {
            "not an object": "[]",
            "not JSON": "{",
            "NaN": '{"x": NaN}',
            "unknown top-level key": party_request(TitleId="x"),
            "no regions": {"NetworkConfiguration": network()},
            "empty regions": party_request(PreferredRegions=[]),
            "unknown region": party_request(PreferredRegions=["Mars"]),
            "region not a string": party_request(PreferredRegions=[1]),
            "no network": {"PreferredRegions": ["EastUs"]},
            "network not object": party_request(NetworkConfiguration=5),
            "missing MaxUsers": party_request(NetworkConfiguration={
                k: v for k, v in network().items() if k != "MaxUsers"}),
            "MaxDevices 0": party_request(
                NetworkConfiguration=network(MaxDevices=0)),
            "MaxDevices 129": party_request(
                NetworkConfiguration=network(MaxDevices=129)),
            "MaxUsersPerDevice 9": party_request(
                NetworkConfiguration=network(MaxUsersPerDevice=9)),
            "MaxEndpointsPerDevice 33": party_request(
                NetworkConfiguration=network(MaxEndpointsPerDevice=33)),
            "MaxEndpointsPerDevice -1": party_request(
                NetworkConfiguration=network(MaxEndpointsPerDevice=-1)),
            "MaxUsers 0": party_request(
                NetworkConfiguration=network(MaxUsers=0)),
            "MaxUsers above uint32": party_request(
                NetworkConfiguration=network(MaxUsers=4294967296)),
            "MaxDevicesPerUser 0": party_request(
                NetworkConfiguration=network(MaxDevicesPerUser=0)),
            "float": party_request(
                NetworkConfiguration=network(MaxDevices=8.5)),
            "string number": party_request(
                NetworkConfiguration=network(MaxDevices="8")),
            "boolean": party_request(
                NetworkConfiguration=network(MaxDevices=True)),
            "unknown network key": party_request(
                NetworkConfiguration=network(MaxFoo=1)),
            "bad dpco": party_request(NetworkConfiguration=network(
                DirectPeerConnectivityOptions="All")),
            "invitation not object": party_request(
                NetworkConfiguration=network(**{invitation: []})),
            "identifier 128": party_request(NetworkConfiguration=network(
                **{invitation: {"Identifier": "i" * 128}})),
            "identifier not string": party_request(
                NetworkConfiguration=network(**{invitation: {"Identifier": 1}})),
            "bad revocability": party_request(NetworkConfiguration=network(
                **{invitation: {"Revocability": "Nobody"}})),
            "unknown invitation key": party_request(
                NetworkConfiguration=network(**{invitation: {"X": 1}})),
            "entity keys not array": party_request(NetworkConfiguration=network(
                **{invitation: {"EntityKeys": {}}})),
            "1025 entity keys": party_request(NetworkConfiguration=network(
                **{invitation: {"EntityKeys": [{"Id": "a"}] * 1025}})),
            "entity key without Id": party_request(NetworkConfiguration=network(
                **{invitation: {"EntityKeys": [{"Type": "t"}]}})),
            "entity key Id not string": party_request(
                NetworkConfiguration=network(
                    **{invitation: {"EntityKeys": [{"Id": 1}]}})),
            "entity key extra field": party_request(
                NetworkConfiguration=network(
                    **{invitation: {"EntityKeys": [{"Id": "a", "X": 1}]}})),
            "PlayFabId not string": party_request(PlayFabId=1),
            "PartyId not string": party_request(PartyId=None),
            "CustomTags not object": party_request(CustomTags="x"),
        }
        token = self.get_token()
        for name, body in cases.items():
            with self.subTest(name):
                envelope = self.assertError(self.party(body, token), 400,
                                            "PartyBadRequest", 1434)
                self.assertTrue(envelope["errorMessage"])

    def test_error_message_names_the_field(self):
        body = party_request(NetworkConfiguration=network(MaxDevices=200))
        envelope = self.assertError(self.party(body, self.get_token()),
                                    400, "PartyBadRequest", 1434)
        self.assertIn("NetworkConfiguration.MaxDevices",
                      envelope["errorMessage"])

    def test_title_token_checks(self):
        self.assertError(self.post(PARTY, party_request()),
                         401, "EntityTokenMissing", 1334)
        self.assertError(self.party(party_request(), "EMUTOKEN-1-nope"),
                         401, "EntityTokenInvalid", 1335)
        self.assertEqual(self.control("token_index/RequestPartyService")
                         .text(), "0\n")

    def test_revoked_token(self):
        token = self.get_token()
        self.assertEqual(self.control("revoke").text(), "ok\n")
        envelope = self.assertError(self.party(party_request(), token),
                                    401, "EntityTokenRevoked", 1337)
        self.assertEqual(envelope["status"], "Unauthorized")
        # tokens issued after the revocation are fine
        self.assertOk(self.party(party_request(), self.get_token()))

    def test_expired_token(self):
        token = self.get_token()
        self.assertEqual(self.control("expire").text(), "ok\n")
        self.assertError(self.party(party_request(), token),
                         401, "EntityTokenExpired", 1336)
        self.assertOk(self.party(party_request(), self.get_token()))

    def test_token_expires_after_lifetime(self):
        self.reset({"token_lifetime": 1})
        token = self.get_token()
        self.assertOk(self.party(party_request(), token))
        self.control("sleep?ms=1100")
        self.assertError(self.party(party_request(), token),
                         401, "EntityTokenExpired", 1336)

    def test_token_check_comes_before_body_check(self):
        self.assertError(self.party("{", "bogus"),
                         401, "EntityTokenInvalid", 1335)

    def test_records_token_index(self):
        first, second = self.get_token(), self.get_token()
        self.party(party_request(), second)
        self.assertEqual(self.control("token_index/RequestPartyService")
                         .text(), "2\n")
        self.party(party_request(), first)
        self.assertEqual(self.control("last/RequestPartyService")
                         .json()["token_index"], 1)


class ValidateEntityTokenTest(EmulatorTest):

    PLAYERS = {
        "player-ok": {"id": "TP1", "master": "MP1"},
        "player-char": {"id": "C1", "type": "character"},
        "player-old": {"id": "TP2", "lifetime": 0},
        "player-other": {"id": "TP3", "title": "OTHER1"},
    }

    def setUp(self):
        super().setUp()
        self.reset({"player_tokens": self.PLAYERS})
        self.token = self.get_token()

    def validate(self, body, token=None):
        return self.post(VALIDATE, body, {"X-EntityToken": token or self.token})

    def test_known_player(self):
        data = self.assertOk(self.validate({"EntityToken": "player-ok"}))
        self.assertEqual(data, {
            "Entity": {"Id": "TP1", "Type": "title_player_account",
                       "TypeString": "title_player_account"},
            "Lineage": {"MasterPlayerAccountId": "MP1",
                        "TitlePlayerAccountId": "TP1", "TitleId": TITLE,
                        "NamespaceId": "1234"},
            "IdentityProvider": "PlayFab",
            "IdentifiedDeviceType": "Win32"})
        self.assertEqual(self.control("token_index/ValidateEntityToken")
                         .text(), "1\n")

    def test_player_of_another_title(self):
        data = self.assertOk(self.validate({"EntityToken": "player-other"}))
        self.assertEqual(data["Lineage"]["TitleId"], "OTHER1")
        self.assertEqual(data["Entity"]["Id"], "TP3")

    def test_other_entity_type(self):
        data = self.assertOk(self.validate({"EntityToken": "player-char"}))
        self.assertEqual(data["Entity"]["Type"], "character")
        self.assertEqual(data["Lineage"]["MasterPlayerAccountId"], "C1")
        self.assertNotIn("TitlePlayerAccountId", data["Lineage"])

    def test_unknown_and_expired_players(self):
        self.assertError(self.validate({"EntityToken": "nobody"}),
                         400, "EntityTokenInvalid", 1335)
        self.assertError(self.validate({"EntityToken": "player-old"}),
                         400, "EntityTokenExpired", 1336)

    def test_bad_body(self):
        for body in ("{", {}, {"EntityToken": 5}):
            self.assertError(self.validate(body), 400, "InvalidParams", 1000)

    def test_bad_title_token(self):
        self.assertError(self.validate({"EntityToken": "player-ok"}, "x"),
                         401, "EntityTokenInvalid", 1335)
        self.control("expire")
        self.assertError(self.validate({"EntityToken": "player-ok"}),
                         401, "EntityTokenExpired", 1336)

    def test_bad_player_spec(self):
        for players in ({"t": {}}, {"t": {"id": 1}}, {"t": {"id": "a", "x": 1}},
                        {"t": "a"}):
            reply = self.post("/_emu/reset", {"player_tokens": players})
            self.assertEqual(reply.status, 400)


class RoutingTest(EmulatorTest):

    def test_unknown_api_is_404_envelope(self):
        for method, path in (("POST", "/Nope"), ("GET", GET_TOKEN),
                             ("PUT", PARTY)):
            reply = self.request(method, path, "{}")
            self.assertError(reply, 404, "NotFound", 1001)

    def test_every_reply_has_date_and_content_length(self):
        paths = [("POST", GET_TOKEN), ("POST", "/x"), ("GET", "/_emu/stats"),
                 ("GET", "/_emu/nope")]
        for method, path in paths:
            reply = self.request(method, path, "{}")
            self.assertIsNotNone(
                email.utils.parsedate_to_datetime(reply.headers["Date"]))
            self.assertEqual(int(reply.headers["Content-Length"]),
                             len(reply.raw))


class RecordingTest(EmulatorTest):

    def test_last_call_of_each_operation(self):
        self.assertEqual(self.control("last/GetEntityToken").json(), {})
        self.assertEqual(self.control("headers/GetEntityToken").text(), "")
        self.assertEqual(self.control("token_index/GetEntityToken").text(),
                         "0\n")
        self.post(GET_TOKEN, '{"CustomTags":{}}',
                  {"X-SecretKey": SECRET, "X-Multi": "a"})
        last = self.control("last/GetEntityToken").json()
        self.assertEqual(last["body"], {"CustomTags": {}})
        self.assertEqual(last["headers"]["x-secretkey"], SECRET)
        self.assertEqual(last["headers"]["x-multi"], "a")
        self.assertEqual(last["token_index"], 1)
        names = self.control("headers/GetEntityToken").text().splitlines()
        self.assertEqual(names, sorted(names))
        self.assertIn("x-secretkey", names)
        self.assertIn("content-length", names)

    def test_raw_body_kept_when_not_json(self):
        self.post(GET_TOKEN, "not json", {"X-SecretKey": SECRET})
        self.assertEqual(self.control("last/GetEntityToken").json()["body"],
                         "not json")

    def test_repeated_headers_are_joined(self):
        self.conn.putrequest("POST", GET_TOKEN)
        for value in ("a", "b"):
            self.conn.putheader("X-Twice", value)
        self.conn.putheader("Content-Length", "2")
        self.conn.endheaders(b"{}")
        self.conn.getresponse().read()
        headers = self.control("last/GetEntityToken").json()["headers"]
        self.assertEqual(headers["x-twice"], "a, b")

    def test_stats_and_counts(self):
        self.get_token()
        self.party(party_request(), "bad")
        self.party(party_request(), "bad")
        self.assertEqual(self.control("stats").json(), {
            "GetEntityToken": 1, "RequestPartyService": 2,
            "ValidateEntityToken": 0, "Jwks": 0, "tokens_issued": 1,
            "parties_allocated": 0})
        self.assertEqual(self.control("count/RequestPartyService").text(),
                         "2\n")


class FaultTest(EmulatorTest):

    def fault(self, op, fault):
        self.reset({"faults": {op: fault}})

    def test_status_alone_is_generic_error(self):
        for status, error, code in ((503, "ServiceUnavailable", 1123),
                                    (429, "APIRequestLimitExceeded", 1130),
                                    (500, "UnkownError", 500)):
            self.fault("GetEntityToken", {"status": status})
            envelope = self.assertError(
                self.post(GET_TOKEN, {}, {"X-SecretKey": SECRET}),
                status, error, code)
            self.assertEqual(envelope["status"],
                             {503: "ServiceUnavailable", 429: "TooManyRequests",
                              500: "InternalServerError"}[status])
        self.assertEqual(self.control("stats").json()["tokens_issued"], 0)

    def test_times_limits_the_fault(self):
        self.fault("GetEntityToken", {"status": 503, "times": 2})
        statuses = [self.post(GET_TOKEN, {}, {"X-SecretKey": SECRET}).status
                    for _ in range(3)]
        self.assertEqual(statuses, [503, 503, 200])
        self.assertEqual(self.count("GetEntityToken"), 3)
        self.assertEqual(self.control("last/GetEntityToken").json()
                         ["token_index"], 1)

    def test_envelope_with_headers(self):
        envelope = {"code": 429, "status": "TooManyRequests",
                    "error": "PartyTooManyRequests", "errorCode": 1441,
                    "errorMessage": "slow down", "retryAfterSeconds": 7}
        self.fault("RequestPartyService",
                   {"envelope": envelope, "headers": {"Retry-After": 7}})
        reply = self.party(party_request(), self.get_token())
        self.assertEqual(reply.status, 429)
        self.assertEqual(reply.json(), envelope)
        self.assertEqual(reply.headers["Retry-After"], "7")

    def test_envelope_with_status(self):
        self.fault("RequestPartyService",
                   {"envelope": {"code": 200, "status": "OK", "data": {}},
                    "status": 500})
        reply = self.party(party_request(), "any")
        self.assertEqual((reply.status, reply.json()["code"]), (500, 200))

    def test_raw_body(self):
        self.fault("GetEntityToken", {"body": "<html>oops</html>",
                                      "status": 502,
                                      "headers": {"Content-Type": "text/html"}})
        reply = self.post(GET_TOKEN, {}, {"X-SecretKey": SECRET})
        self.assertEqual((reply.status, reply.raw), (502, b"<html>oops</html>"))
        self.assertEqual(reply.headers.get_all("Content-Type"), ["text/html"])

    def test_headers_alone_keep_the_normal_reply(self):
        self.fault("GetEntityToken", {"headers": {"X-Extra": "1"}})
        reply = self.post(GET_TOKEN, {}, {"X-SecretKey": SECRET})
        self.assertOk(reply)
        self.assertEqual(reply.headers["X-Extra"], "1")

    def test_malformed(self):
        self.fault("GetEntityToken", {"malformed": True})
        reply = self.post(GET_TOKEN, {}, {"X-SecretKey": SECRET})
        self.assertEqual(reply.status, 200)
        self.assertEqual(reply.raw, b'{"code":200,"data":')
        self.assertRaises(ValueError, reply.json)

    def test_wrong_shape(self):
        expected_missing = {"GetEntityToken": "TokenExpiration",
                            "RequestPartyService": "SerializedNetworkDescriptor",
                            "ValidateEntityToken": "IdentityProvider"}
        paths = {"GetEntityToken": GET_TOKEN, "RequestPartyService": PARTY,
                 "ValidateEntityToken": VALIDATE}
        for op, missing in expected_missing.items():
            with self.subTest(op):
                self.fault(op, {"wrong_shape": True})
                data = self.assertOk(self.post(paths[op], {}))
                self.assertNotIn(missing, data)

    def test_oversize(self):
        self.fault("GetEntityToken", {"oversize": 100000})
        reply = self.post(GET_TOKEN, {}, {"X-SecretKey": SECRET})
        self.assertEqual(len(reply.raw), 100000)
        self.assertRegex(self.assertOk(reply)["EntityToken"], "^EMUTOKEN-1-")

    def test_delay(self):
        self.fault("GetEntityToken", {"delay_ms": 300})
        start = time.monotonic()
        self.assertOk(self.post(GET_TOKEN, {}, {"X-SecretKey": SECRET}))
        self.assertGreaterEqual(time.monotonic() - start, 0.3)

    def test_close(self):
        self.fault("GetEntityToken", {"close": True, "times": 1})
        with self.assertRaises(http.client.RemoteDisconnected):
            self.post(GET_TOKEN, {}, {"X-SecretKey": SECRET})
        self.conn.close()
        self.assertOk(self.post(GET_TOKEN, {}, {"X-SecretKey": SECRET}))
        self.assertEqual(self.count("GetEntityToken"), 2)

    def test_reset_mid(self):
        self.fault("GetEntityToken", {"reset_mid": True})
        self.conn.request("POST", GET_TOKEN, "{}", {"X-SecretKey": SECRET})
        response = self.conn.getresponse()
        self.assertEqual(response.status, 200)
        with self.assertRaises(http.client.IncompleteRead):
            response.read()

    def test_gzip(self):
        self.fault("GetEntityToken", {"gzip": True})
        reply = self.post(GET_TOKEN, {}, {"X-SecretKey": SECRET})
        self.assertEqual(reply.headers["Content-Encoding"], "gzip")
        envelope = json.loads(gzip.decompress(reply.raw))
        self.assertRegex(envelope["data"]["EntityToken"], "^EMUTOKEN-1-")

    def test_faults_of_one_operation_leave_others_alone(self):
        self.fault("RequestPartyService", {"status": 503})
        self.assertOk(self.post(GET_TOKEN, {}, {"X-SecretKey": SECRET}))

    def test_bad_fault_specs(self):
        bad = [{"nope": 1}, {"status": "503"}, {"times": True},
               {"malformed": True, "wrong_shape": True},
               {"status": 500, "malformed": True},
               {"close": True, "status": 500},
               {"headers": {"X": [1]}}, "close", {"delay_ms": -1},
               {"status": 99}, {"status": 600}, {"times": -1},
               {"body": "", "envelope": {}}]
        for fault in bad:
            with self.subTest(fault=fault):
                reply = self.post("/_emu/reset",
                                  {"faults": {"GetEntityToken": fault}})
                self.assertEqual(reply.status, 400)
                self.assertTrue(reply.text().endswith("\n"))
        reply = self.post("/_emu/reset", {"faults": {"Nope": {}}})
        self.assertEqual(reply.status, 400)


class AllocationTest(EmulatorTest):
    """parties_allocated counts the networks created, not the calls."""

    def allocated(self):
        return self.control("stats").json()["parties_allocated"]

    def test_only_successful_calls_allocate(self):
        token = self.get_token()
        self.assertOk(self.party(party_request(), token))
        self.party(party_request(), "bad")
        self.party(party_request(PreferredRegions=["Mars"]), token)
        self.assertEqual(self.allocated(), 1)
        self.assertEqual(self.count("RequestPartyService"), 3)

    def test_faults_that_replace_the_reply_do_not_allocate(self):
        for fault in ({"status": 503}, {"malformed": True},
                      {"wrong_shape": True}):
            with self.subTest(fault=fault):
                self.reset({"faults": {"RequestPartyService": fault}})
                self.party(party_request(), self.get_token())
                self.assertEqual(self.allocated(), 0)

    def test_a_reply_lost_mid_way_did_allocate(self):
        self.reset({"faults": {"RequestPartyService": {"reset_mid": True}}})
        token = self.get_token()
        self.conn.request("POST", PARTY, json.dumps(party_request()),
                          {"X-EntityToken": token})
        response = self.conn.getresponse()
        with self.assertRaises(http.client.IncompleteRead):
            response.read()
        self.conn.close()
        self.assertEqual(self.allocated(), 1)


class RandomFaultTest(EmulatorTest):

    def random(self, **spec):
        self.reset({"random_faults": spec})

    def injected(self):
        return self.control("random_faults").json()

    def token_statuses(self, n):
        return [self.post(GET_TOKEN, {}, {"X-SecretKey": SECRET}).status
                for _ in range(n)]

    def test_probability_one_always_faults(self):
        self.random(probability=1, kinds=["status_503"])
        self.assertEqual(self.token_statuses(5), [503] * 5)
        self.assertEqual(self.injected(), {
            "total": 5, "injected": {"GetEntityToken": {"status_503": 5}}})

    def test_probability_zero_never_faults(self):
        self.random(probability=0)
        self.assertEqual(self.token_statuses(20), [200] * 20)
        self.assertEqual(self.injected(), {"total": 0, "injected": {}})

    def test_a_seed_repeats_the_sequence(self):
        runs = []
        for _ in range(2):
            self.random(probability=0.5, seed=7,
                        kinds=["status_503", "status_500"])
            runs.append(self.token_statuses(40))
        self.assertEqual(runs[0], runs[1])
        self.assertEqual(set(runs[0]), {200, 500, 503})
        injected = self.injected()["injected"]["GetEntityToken"]
        self.assertEqual(injected["status_500"], runs[0].count(500))
        self.assertEqual(injected["status_503"], runs[0].count(503))

    def test_kinds_apply_to_their_operations_only(self):
        self.random(probability=1, kinds=["party_rejected"])
        token = self.get_token()
        self.assertError(self.party(party_request(), token), 400,
                         "PartyBadRequest", 1434)
        self.assertEqual(self.injected()["injected"],
                         {"RequestPartyService": {"party_rejected": 1}})
        self.assertEqual(self.control("stats").json()["parties_allocated"], 0)

    def test_token_refused_and_throttled(self):
        self.random(probability=1, kinds=["token_refused"],
                    operations=["RequestPartyService"])
        self.assertError(self.party(party_request(), self.get_token()), 401,
                         "EntityTokenExpired", 1336)
        self.random(probability=1, kinds=["throttled"])
        reply = self.post(GET_TOKEN, {}, {"X-SecretKey": SECRET})
        self.assertError(reply, 429, "APIRequestLimitExceeded", 1130)
        self.assertTrue(1 <= int(reply.headers["Retry-After"]) <= 30)

    def test_operations_limit_the_draws(self):
        self.random(probability=1, kinds=["status_503"],
                    operations=["RequestPartyService"])
        self.assertEqual(self.token_statuses(3), [200] * 3)

    def test_explicit_faults_come_first(self):
        self.reset({"faults": {"GetEntityToken": {"status": 502,
                                                  "times": 2}},
                    "random_faults": {"probability": 1,
                                      "kinds": ["status_503"]}})
        self.assertEqual(self.token_statuses(4), [502, 502, 503, 503])
        self.assertEqual(self.injected()["total"], 2)

    def test_delay_is_bounded(self):
        self.random(probability=1, kinds=["delay"], max_delay_ms=50)
        start = time.monotonic()
        self.assertEqual(self.token_statuses(5), [200] * 5)
        self.assertLess(time.monotonic() - start, 5)

    def test_every_kind_gives_an_answer_or_a_closed_connection(self):
        for kind in ("status_500", "status_502", "malformed", "wrong_shape",
                     "close", "reset_mid", "oversize", "gzip", "delay"):
            with self.subTest(kind=kind):
                self.random(probability=1, kinds=[kind], max_delay_ms=10)
                conn = http.client.HTTPConnection("127.0.0.1", PORT,
                                                  timeout=10)
                try:
                    conn.request("POST", GET_TOKEN, "{}",
                                 {"X-SecretKey": SECRET})
                    conn.getresponse().read()
                except (http.client.HTTPException, ConnectionError):
                    self.assertIn(kind, ("close", "reset_mid"))
                finally:
                    conn.close()
                self.assertEqual(self.injected()["total"], 1)

    def test_reset_forgets_random_faults(self):
        self.random(probability=1, kinds=["status_503"])
        self.reset({})
        self.assertEqual(self.token_statuses(2), [200, 200])

    def test_bad_specs(self):
        bad = [{"probability": 1.5}, {"probability": -0.1},
               {"probability": "1"}, {"seed": "x"}, {"kinds": ["nope"]},
               {"kinds": "close"}, {"operations": ["Nope"]},
               {"max_delay_ms": -1}, {"nope": 1}, []]
        for spec in bad:
            with self.subTest(spec=spec):
                reply = self.post("/_emu/reset", {"random_faults": spec})
                self.assertEqual(reply.status, 400)
                self.assertTrue(reply.text().endswith("\n"))


class SignalTest(EmulatorTest):
    """/_emu/signal signals nginx processes only, after delay_ms."""

    def fake_nginx(self, tmp):
        """A sleeping process whose command name is "nginx"."""
        binary = os.path.join(tmp, "nginx")
        with open("/bin/sleep", "rb") as src, open(binary, "wb") as dst:
            dst.write(src.read())
        os.chmod(binary, 0o755)
        return subprocess.Popen([binary, "30"])

    def test_delay_then_signal(self):
        with tempfile.TemporaryDirectory() as tmp:
            proc = self.fake_nginx(tmp)
            try:
                self.assertTrue(wait_for(
                    lambda: comm(proc.pid) == "nginx"))
                start = time.monotonic()
                reply = self.control("signal?pid=%d&sig=TERM&delay_ms=300"
                                     % proc.pid)
                self.assertGreaterEqual(time.monotonic() - start, 0.3)
                self.assertEqual(reply.text(), "ok\n")
                self.assertEqual(proc.wait(timeout=5), -signal.SIGTERM)
            finally:
                proc.kill()
                proc.wait()

    def test_refuses_other_processes_and_bad_queries(self):
        for query in ("pid=%d&sig=TERM" % os.getpid(), "pid=x&sig=TERM",
                      "pid=1&sig=NOPE", "pid=1&sig=TERM&delay_ms=-1",
                      "pid=1&sig=TERM&delay_ms=10001", "sig=TERM"):
            with self.subTest(query=query):
                reply = self.request("GET", "/_emu/signal?" + query)
                self.assertEqual(reply.status, 400)


class ControlTest(EmulatorTest):

    def test_reset_rejects_bad_bodies(self):
        for body in ("{", "[]", '{"nope": 1}', '{"token_lifetime": "1"}',
                     '{"secret": null}'):
            with self.subTest(body=body):
                reply = self.post("/_emu/reset", body)
                self.assertEqual(reply.status, 400)
                self.assertTrue(reply.text().endswith("\n"))

    def test_reset_clears_counts(self):
        self.get_token()
        self.reset({})
        self.assertEqual(self.count("GetEntityToken"), 0)
        self.assertEqual(self.control("last/GetEntityToken").json(), {})

    def test_sleep(self):
        start = time.monotonic()
        self.assertEqual(self.control("sleep?ms=200").text(), "ok\n")
        self.assertGreaterEqual(time.monotonic() - start, 0.2)
        for query in ("", "?ms=x", "?ms=-1", "?ms=60001"):
            reply = self.request("GET", "/_emu/sleep" + query)
            self.assertEqual(reply.status, 400)

    def test_unknown_endpoint_or_operation(self):
        for path in ("/_emu/nope", "/_emu/count/Nope", "/_emu/last/",
                     "/_emu/headers/x", "/_emu/token_index/x"):
            reply = self.request("GET", path)
            self.assertEqual(reply.status, 404)
            self.assertTrue(reply.text().endswith("\n"))


class JwksTest(EmulatorTest):

    SET = {"keys": [{"kty": "oct", "kid": "k1", "k": "c2VjcmV0"}]}

    def jwks(self):
        return self.request("GET", "/.well-known/jwks.json")

    def test_serves_the_set_with_its_max_age(self):
        self.reset({"jwks": self.SET, "jwks_max_age": 60})
        reply = self.jwks()
        self.assertEqual((reply.status, reply.json()), (200, self.SET))
        self.assertEqual(reply.headers["Cache-Control"], "public, max-age=60")
        self.assertEqual(self.count("Jwks"), 1)

    def test_default_is_an_empty_set_without_cache_control(self):
        reply = self.jwks()
        self.assertEqual((reply.status, reply.json()), (200, {"keys": []}))
        self.assertIsNone(reply.headers["Cache-Control"])

    def test_rotation_keeps_counts(self):
        self.reset({"jwks": self.SET})
        self.jwks()
        rotated = b'{"keys":[{"kty":"oct","kid":"k2","k":"c2VjcmV0"}]}'
        reply = self.post("/_emu/jwks", rotated)
        self.assertEqual((reply.status, reply.text()), (200, "ok\n"))
        self.assertEqual(self.jwks().raw, rotated)
        self.assertEqual(self.count("Jwks"), 2)

    def test_verbatim_text(self):
        self.reset({"jwks": '{"keys":[{"kty":"RSA","d":"private"}]}'})
        self.assertEqual(self.jwks().raw,
                         b'{"keys":[{"kty":"RSA","d":"private"}]}')

    def test_faults(self):
        self.reset({"jwks": self.SET, "faults": {"Jwks": {"status": 503,
                                                          "times": 1}}})
        reply = self.jwks()
        self.assertEqual(reply.status, 503)
        self.assertEqual(self.jwks().json(), self.SET)

        self.reset({"jwks": self.SET, "faults": {"Jwks": {"malformed": True}}})
        self.assertRaises(ValueError, self.jwks().json)

        self.reset({"jwks": self.SET,
                    "faults": {"Jwks": {"oversize": 5000}}})
        reply = self.jwks()
        self.assertEqual(len(reply.raw), 5000)
        self.assertEqual(reply.json(), self.SET)

        self.reset({"faults": {"Jwks": {"delay_ms": 300}}})
        start = time.monotonic()
        self.assertEqual(self.jwks().status, 200)
        self.assertGreaterEqual(time.monotonic() - start, 0.3)

        self.reset({"faults": {"Jwks": {"close": True}}})
        with self.assertRaises(http.client.RemoteDisconnected):
            self.jwks()

    def test_bad_specs(self):
        for spec in ({"jwks": 5}, {"jwks_max_age": -1},
                     {"faults": {"Jwks": {"wrong_shape": True}}},
                     {"faults": {"Jwks": {"gzip": True}}}):
            with self.subTest(spec):
                reply = self.post("/_emu/reset", spec)
                self.assertEqual(reply.status, 400, reply.raw)


class ConnectionTest(EmulatorTest):

    def test_keep_alive_survives_errors_and_faults(self):
        self.reset({"faults": {"RequestPartyService": {"status": 503,
                                                        "times": 1}}})
        sock = self.conn.sock           # connected by setUp's reset
        token = self.get_token()
        self.assertEqual(self.party(party_request(), token).status, 503)
        self.assertEqual(self.party("{", token).status, 400)
        self.assertEqual(self.request("GET", "/nope").status, 404)
        self.assertOk(self.party(party_request(), token))
        self.assertIs(self.conn.sock, sock)

    def test_connection_close_is_honoured(self):
        reply = self.post(GET_TOKEN, {}, {"X-SecretKey": SECRET,
                                          "Connection": "close"})
        self.assertEqual(reply.headers["Connection"], "close")
        self.assertIsNone(self.conn.sock)

    def test_http10_closes(self):
        with socket.create_connection(("127.0.0.1", PORT), timeout=5) as s:
            s.sendall(b"GET /_emu/stats HTTP/1.0\r\n\r\n")
            data = b""
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
        self.assertTrue(data.startswith(b"HTTP/1.1 200"))
        self.assertIn(b"Connection: close", data)

    def test_chunked_request_body(self):
        self.conn.request("POST", GET_TOKEN, body=iter([b"{", b"}"]),
                          headers={"X-SecretKey": SECRET},
                          encode_chunked=True)
        self.assertOk(Reply(self.conn.getresponse()))
        self.assertEqual(self.control("last/GetEntityToken").json()["body"],
                         {})

    def test_bad_content_length_closes(self):
        self.conn.putrequest("POST", GET_TOKEN)
        self.conn.putheader("Content-Length", "x")
        self.conn.endheaders()
        reply = Reply(self.conn.getresponse())
        self.assertEqual(reply.status, 400)
        self.assertEqual(reply.headers["Connection"], "close")

    def test_dozens_of_concurrent_keep_alive_clients(self):
        clients, rounds = 40, 5
        self.reset({"faults": {"GetEntityToken": {"delay_ms": 20}}})
        tokens, failures = [], []

        def client():
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
            try:
                for _ in range(rounds):
                    reply = self.request("POST", GET_TOKEN, "{}",
                                         {"X-SecretKey": SECRET}, conn)
                    token = reply.json()["data"]["EntityToken"]
                    tokens.append(token)
                    reply = self.request("POST", PARTY, party_request(),
                                         {"X-EntityToken": token}, conn)
                    if reply.status != 200:
                        failures.append(reply.raw)
            except Exception as e:      # reported by the assertion below
                failures.append(repr(e))
            finally:
                conn.close()

        threads = [threading.Thread(target=client) for _ in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(failures, [])
        self.assertEqual(len(set(tokens)), clients * rounds)
        indexes = sorted(int(token.split("-")[1]) for token in tokens)
        self.assertEqual(indexes, list(range(1, clients * rounds + 1)))
        self.assertEqual(self.count("RequestPartyService"), clients * rounds)


class ProcessTest(unittest.TestCase):
    """Command-line options and clean exits of a separate emulator."""

    def run_and_stop(self, signum, *args):
        proc, port = start_emulator(*args)
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("POST", GET_TOKEN, "{}", {"X-SecretKey": "s2"})
            reply = Reply(conn.getresponse())
            # an idle keep-alive connection must not hold up the exit
            proc.send_signal(signum)
            self.assertEqual(proc.wait(timeout=10), 0)
            conn.close()
            return reply
        finally:
            proc.stdout.close()

    def test_options_and_sigterm(self):
        with tempfile.TemporaryDirectory() as tmp:
            pid_file = os.path.join(tmp, "emu.pid")
            proc, port = start_emulator("--secret", "s2", "--title-id", "T9",
                                        "--token-lifetime", "10",
                                        "--pid-file", pid_file)
            with open(pid_file) as f:
                self.assertEqual(int(f.read()), proc.pid)
            proc.send_signal(signal.SIGTERM)
            self.assertEqual(proc.wait(timeout=10), 0)
            proc.stdout.close()
            self.assertFalse(os.path.exists(pid_file))

    def test_options_apply(self):
        reply = self.run_and_stop(signal.SIGINT, "--secret", "s2",
                                  "--title-id", "T9", "--token-lifetime", "10")
        data = reply.json()["data"]
        self.assertEqual(data["Entity"]["Id"], "T9")
        expires = time.mktime(time.strptime(data["TokenExpiration"],
                                            "%Y-%m-%dT%H:%M:%SZ"))
        date = email.utils.parsedate_to_datetime(reply.headers["Date"])
        self.assertAlmostEqual(expires - time.mktime(date.utctimetuple()),
                               10, delta=1)

    def test_sigterm_with_idle_connection(self):
        self.run_and_stop(signal.SIGTERM, "--secret", "s2")

    def test_exit_with_parent(self):
        """The emulator goes away when its parent is SIGKILLed."""
        with tempfile.TemporaryDirectory() as tmp:
            pid_file = os.path.join(tmp, "emu.pid")
            parent = subprocess.Popen(
                [sys.executable, "-c",
                 "import subprocess, sys, time\n"
                 "subprocess.Popen(sys.argv[1:])\n"
                 "time.sleep(60)\n",
                 sys.executable, EMULATOR, "--listen", "127.0.0.1:0",
                 "--quiet", "--exit-with-parent", "--pid-file", pid_file],
                stdout=subprocess.DEVNULL)
            self.assertTrue(wait_for(lambda: os.path.exists(pid_file)))
            parent.kill()
            parent.wait()
            self.assertTrue(wait_for(lambda: not os.path.exists(pid_file)))


def comm(pid):
    with open("/proc/%d/comm" % pid) as f:
        return f.read().strip()


def wait_for(predicate, seconds=10):
    """Polls predicate until it is true or seconds have passed."""
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


if __name__ == "__main__":
    unittest.main()
