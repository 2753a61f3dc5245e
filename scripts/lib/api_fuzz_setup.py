"""Test data for scripts/api-fuzz, and the schemathesis configuration that hands it out.

Registers the fuzzing user and a second one, makes a group of both with a slug, sends a
message into it, and writes a schemathesis.toml whose dictionaries offer these ids (and
the slug) for the parameters that name them, most of the time: random UUIDs only ever
reach "no such chat". Usage: api_fuzz_setup.py CONFIG_OUT CACHE_DIR (with the API_FUZZ_*
variables of the hooks set).
"""

import json
import os
import sys
import urllib.request

BASE = os.environ["API_FUZZ_URL"]
USER = os.environ["API_FUZZ_USER"]
PASSWORD = os.environ["API_FUZZ_PASSWORD"]


def call(method, path, body=None, token=None):
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(BASE + path, data=data, headers=headers, method=method)
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.load(resp)


def register(username):
    body = {"username": username, "password": PASSWORD, "passwordConfirm": PASSWORD}
    return call("POST", "/api/auth/register", body)["id"]


def main():
    config_out, cache_dir = sys.argv[1], sys.argv[2]
    me = register(USER)
    peer = register(USER + "-peer")
    token = call("POST", "/api/auth/login", {"username": USER, "password": PASSWORD})[
        "accessToken"
    ]
    group = call(
        "POST",
        "/api/chats/group",
        {"name": "Fuzz", "slug": "fuzz-group", "participantIds": [peer]},
        token,
    )["id"]
    message = call(
        "POST",
        f"/api/chats/{group}/messages",
        {"content": "hello", "clientId": "fuzz-1"},
        token,
    )["messageId"]

    def values(items):
        return "[" + ", ".join(json.dumps(i) for i in items) + "]"

    bind = '{{ dictionary = "{}", probability = 0.7 }}'
    with open(config_out, "w", encoding="utf-8") as out:
        out.write(
            f"""# Written by scripts/lib/api_fuzz_setup.py for one run of scripts/api-fuzz.
[cache]
directory = {json.dumps(cache_dir)}

[dictionaries.users]
values = {values([peer, me])}

[dictionaries.ids]
values = {values([group, message, peer])}

[dictionaries.slugs]
values = ["fuzz-group"]

[parameters]
"path.id" = {bind.format("ids")}
"path.user_id" = {bind.format("users")}
"path.slug" = {bind.format("slugs")}
"query.chatId" = {bind.format("ids")}
"query.around" = {bind.format("ids")}
"body.userId" = {bind.format("users")}
"body.userIds[*]" = {bind.format("users")}
"body.participantIds[*]" = {bind.format("users")}
"body.replyToId" = {bind.format("ids")}
"""
        )


main()
