"""Schemathesis hooks for scripts/api-fuzz: a bearer token from a real login.

The fuzzer calls `POST /api/auth/logout` and `DELETE /api/auth/sessions/{id}` like any
other operation, which ends the session its token belongs to; every 401 after that makes
schemathesis log in again (its default `retry_on=[401]`), so the run goes on authenticated.
"""

import json
import os
import urllib.request

import schemathesis

BASE = os.environ["API_FUZZ_URL"]
USERNAME = os.environ["API_FUZZ_USER"]
PASSWORD = os.environ["API_FUZZ_PASSWORD"]


@schemathesis.auth(refresh_interval=600)
class ChatdBearer:
    def get(self, case, context):
        body = json.dumps({"username": USERNAME, "password": PASSWORD}).encode()
        req = urllib.request.Request(
            f"{BASE}/api/auth/login",
            data=body,
            headers={"content-type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.load(resp)["accessToken"]

    def set(self, case, data, context):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"
