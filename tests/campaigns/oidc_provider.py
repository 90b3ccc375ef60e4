"""A small OpenID Connect provider on 127.0.0.1 for the sign-in tests (no outside network).

Threaded http.server: discovery, /authorize (redirects back with a code), /token (an RS256 id token signed with a
key made here), /jwks, /userinfo. ``identity`` is who the next sign-in is; ``tamper`` spoils the next id token's
signature; ``foreign_key`` signs it with a key the JWKS does not publish.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

CLIENT_ID = "thidua-test"
CLIENT_SECRET = "bi-mat-thu-nghiem"
KID = "khoa-1"
# Made once per test run (a 2048-bit key takes a moment): the service's key, and another it never publishes.
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


class Provider:
    def __init__(self) -> None:
        self.key = KEY
        self.other_key = OTHER_KEY
        self.identity: dict[str, Any] = {}
        self.tamper = False
        self.foreign_key = False
        self.audience = CLIENT_ID
        self.codes: dict[str, dict[str, Any]] = {}
        self.tokens: dict[str, dict[str, Any]] = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Provider:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def settings(self) -> dict[str, Any]:
        return {
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_OP_ISSUER": self.issuer,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.issuer}/authorize",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.issuer}/token",
            "OIDC_OP_USER_ENDPOINT": f"{self.issuer}/userinfo",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.issuer}/jwks",
        }

    def _id_token(self, grant: dict[str, Any]) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": grant["identity"].get("sub", "nguoi-dung"),
            "iat": now,
            "exp": now + 300,
            "nonce": grant["nonce"],
            **grant["identity"],
        }
        key = self.other_key if self.foreign_key else self.key
        token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": KID})
        if self.tamper:  # change the payload, keep the signature: the signature no longer matches
            header, payload, signature = token.split(".")
            forged = jwt.utils.base64url_encode(json.dumps({**claims, "email": "ke.gia.mao@example.vn"}).encode())
            token = f"{header}.{forged.decode()}.{signature}"
        return token

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _json(self, body: dict[str, Any], status: int = 200) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                url = urlparse(self.path)
                query = {key: values[0] for key, values in parse_qs(url.query).items()}
                if url.path == "/.well-known/openid-configuration":
                    self._json({"issuer": provider.issuer, **provider.settings()})
                elif url.path == "/authorize":
                    code = secrets.token_urlsafe(16)
                    provider.codes[code] = {"nonce": query.get("nonce"), "identity": dict(provider.identity)}
                    back = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"
                    self.send_response(302)
                    self.send_header("Location", back)
                    self.end_headers()
                elif url.path == "/jwks":
                    public = RSAAlgorithm.to_jwk(provider.key.public_key(), as_dict=True)
                    self._json({"keys": [{**public, "kid": KID, "alg": "RS256", "use": "sig"}]})
                elif url.path == "/userinfo":
                    grant = provider.tokens.get(self.headers.get("Authorization", "").removeprefix("Bearer "))
                    if grant is None:
                        self._json({"error": "invalid_token"}, 401)
                    else:
                        self._json({"sub": grant["identity"].get("sub", "nguoi-dung"), **grant["identity"]})
                else:
                    self._json({"error": "not_found"}, 404)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                form = {key: values[0] for key, values in parse_qs(self.rfile.read(length).decode()).items()}
                grant = provider.codes.pop(form.get("code", ""), None)
                if urlparse(self.path).path != "/token" or grant is None or form.get("client_secret") != CLIENT_SECRET:
                    self._json({"error": "invalid_grant"}, 400)
                    return
                access = secrets.token_urlsafe(16)
                provider.tokens[access] = grant
                self._json({"access_token": access, "token_type": "Bearer", "id_token": provider._id_token(grant)})

        return Handler
