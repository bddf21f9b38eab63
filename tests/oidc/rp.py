"""An independent OpenID Connect client for the provider's tests: raw HTTP with httpx, tokens checked
with PyJWT against the JWKS the provider publishes.

Nothing here imports the provider: what the client knows comes from discovery, the JWKS and the
pages, as for any relying party. The browser does not follow redirects, so every step is visible.
"""

import base64
import hashlib
import secrets
import ssl
import time
from dataclasses import dataclass, field
from functools import cached_property
from http.cookiejar import Cookie, CookieJar
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
import jwt
from bs4 import BeautifulSoup
from joserfc import jwt as jose_jwt
from joserfc.jwk import ECKey, RSAKey

from tests.idp.factories import PASSWORD

EMAIL = "claire.testeuse@exemple.fr"
SCOPE = "openid profile email phone habilitations"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
# Built once: httpx would load the CA bundle for every client (100 ms each), though everything is plain HTTP.
TLS = ssl.create_default_context()


def pkce_pair() -> tuple[str, str]:
    """A code verifier and its S256 challenge (RFC 7636 §4.2)."""
    verifier = secrets.token_urlsafe(48)
    return verifier, s256(verifier)


def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def query(url: str) -> dict[str, str]:
    """The query parameters of a URL; each must appear once (a repeated `iss` or `state` is a bug)."""
    values = parse_qs(urlsplit(url).query, keep_blank_values=True)
    assert all(len(found) == 1 for found in values.values()), f"repeated parameter in {url}"
    return {name: found[0] for name, found in values.items()}


def without_query(url: str) -> str:
    return url.split("?", 1)[0]


@dataclass
class Provider:
    """The provider as a client sees it: a base URL and what discovery says.

    `back_channel` is the relying parties' server-to-server connection (no cookies kept).
    """

    url: str
    back_channel: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.back_channel = self.http(cookies=False)

    def http(self, cookies: bool = True) -> httpx.Client:
        return httpx.Client(
            base_url=self.url,
            follow_redirects=False,
            timeout=30,
            verify=TLS,
            cookies=None if cookies else NoCookies(),
        )

    def close(self) -> None:
        self.back_channel.close()

    @cached_property
    def metadata(self) -> dict[str, Any]:
        response = self.back_channel.get("/.well-known/openid-configuration")
        assert response.status_code == 200
        return dict(response.json())

    def jwks(self) -> dict[str, Any]:
        response = self.back_channel.get(self.metadata["jwks_uri"])
        assert response.status_code == 200
        return dict(response.json())


@dataclass
class AuthRequest:
    """One authorization request and the secrets the client keeps for the callback."""

    params: dict[str, str]
    verifier: str

    @property
    def state(self) -> str:
        return self.params["state"]

    @property
    def nonce(self) -> str | None:
        return self.params.get("nonce")


@dataclass
class RelyingParty:
    """A registered client: how it authenticates, where it wants the user back."""

    provider: Provider
    client_id: str
    redirect_uri: str
    auth_method: str = "client_secret_basic"
    client_secret: str | None = None
    private_key: RSAKey | ECKey | None = None
    post_logout_redirect_uri: str | None = None

    def new_request(self, scope: str = SCOPE, **extra: str | None) -> AuthRequest:
        """A fresh request with state, nonce and PKCE S256; `extra` adds, overrides or (None) removes."""
        verifier, challenge = pkce_pair()
        params: dict[str, str | None] = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "scope": scope,
            "state": secrets.token_urlsafe(16),
            "nonce": secrets.token_urlsafe(16),
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
        params.update(extra)
        return AuthRequest({name: value for name, value in params.items() if value is not None}, verifier)

    def client_assertion(self, audience: str | None = None, jti: str | None = None) -> str:
        assert self.private_key is not None
        now = int(time.time())
        claims = {
            "iss": self.client_id,
            "sub": self.client_id,
            "aud": audience or self.provider.metadata["token_endpoint"],
            "jti": jti or secrets.token_urlsafe(16),
            "iat": now,
            "exp": now + 60,
        }
        header = {"alg": signing_alg(self.private_key), "kid": self.private_key.kid}
        return jose_jwt.encode(header, claims, self.private_key)

    def post(self, endpoint: str, data: dict[str, str], assertion: str | None = None) -> httpx.Response:
        """POST to one of the provider's endpoints (a metadata name), authenticated as registered."""
        data = dict(data)
        auth: httpx.BasicAuth | None = None
        match self.auth_method:
            case "client_secret_basic":
                auth = httpx.BasicAuth(self.client_id, self.client_secret or "")
            case "client_secret_post":
                data.update(client_id=self.client_id, client_secret=self.client_secret or "")
            case "private_key_jwt":
                data.update(
                    client_id=self.client_id,
                    client_assertion_type=ASSERTION_TYPE,
                    client_assertion=assertion or self.client_assertion(),
                )
            case "none":
                data.update(client_id=self.client_id)
        return self.provider.back_channel.post(self.provider.metadata[endpoint], data=data, auth=auth)

    def token(self, assertion: str | None = None, **data: str) -> httpx.Response:
        return self.post("token_endpoint", data, assertion)

    def redeem(self, code: str, verifier: str, redirect_uri: str | None = None) -> httpx.Response:
        return self.token(
            grant_type="authorization_code",
            code=code,
            redirect_uri=redirect_uri or self.redirect_uri,
            code_verifier=verifier,
        )

    def refresh(self, refresh_token: str) -> httpx.Response:
        return self.token(grant_type="refresh_token", refresh_token=refresh_token)

    def revoke(self, token: str, hint: str | None = None) -> httpx.Response:
        data = {"token": token} | ({"token_type_hint": hint} if hint else {})
        return self.post("revocation_endpoint", data)

    def introspect(self, token: str) -> httpx.Response:
        return self.post("introspection_endpoint", {"token": token})

    def userinfo(self, access_token: str) -> httpx.Response:
        return self.provider.back_channel.get(self.provider.metadata["userinfo_endpoint"], headers=bearer(access_token))

    def verify_id_token(self, id_token: str, nonce: str | None = None, refreshed: bool = False) -> dict[str, Any]:
        """Signature by `kid` against the published JWKS, `iss`, `aud` (a string), `exp`, `nonce`.

        An ID token from a refresh may leave the nonce out; if present, it is the original one.
        """
        header = jwt.get_unverified_header(id_token)
        assert header["alg"] == "RS256"
        matching = [key for key in self.provider.jwks()["keys"] if key["kid"] == header["kid"]]
        assert len(matching) == 1, f"kid {header['kid']} not published once in the JWKS"
        claims: dict[str, Any] = jwt.decode(
            id_token,
            jwt.PyJWK(matching[0]).key,
            algorithms=["RS256"],
            audience=self.client_id,
            issuer=self.provider.url,
            options={"require": ["iss", "sub", "aud", "exp", "iat"]},
        )
        assert isinstance(claims["aud"], str)
        if refreshed:
            assert claims.get("nonce") in (None, nonce)
        else:
            assert claims.get("nonce") == nonce
        return claims


class NoCookies(CookieJar):
    """A server-to-server client keeps no cookies (one shared by threads must not mix them)."""

    def set_cookie(self, cookie: Cookie) -> None:
        pass

    def extract_cookies(self, response: Any, request: Any) -> None:
        pass


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def new_private_key(alg: str = "RS256") -> RSAKey | ECKey:
    """A relying party's own key pair, for private_key_jwt."""
    parameters = {"kid": secrets.token_hex(8)}
    if alg == "ES256":
        return ECKey.generate_key("P-256", parameters=parameters, private=True)
    assert alg == "RS256"
    return RSAKey.generate_key(2048, parameters=parameters, private=True)


def signing_alg(key: RSAKey | ECKey) -> str:
    return "ES256" if isinstance(key, ECKey) else "RS256"


def public_jwks(key: RSAKey | ECKey) -> dict[str, Any]:
    return {"keys": [{**key.as_dict(private=False), "alg": signing_alg(key), "use": "sig"}]}


def shows_login_form(page: httpx.Response) -> bool:
    """« Connectez-vous », wherever the provider shows it (its own page, or the authorization endpoint)."""
    return page.status_code == 200 and 'action="/connexion' in page.text


@dataclass
class Browser:
    """A person's browser: keeps the provider's cookies, never follows a redirect by itself."""

    provider: Provider
    http: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.http = self.provider.http()

    def close(self) -> None:
        self.http.close()

    def get(self, url: str, **params: str) -> httpx.Response:
        return self.http.get(url, params=params or None)

    def follow(self, response: httpx.Response) -> httpx.Response:
        assert response.is_redirect, f"{response.status_code} is not a redirect"
        location = urljoin(str(response.url), response.headers["location"])
        assert location.startswith(self.provider.url + "/"), f"{location} leaves the provider"
        return self.http.get(location)

    def submit(self, page: httpx.Response, action: str, at: str | None = None, **fields: str) -> httpx.Response:
        """Submit the page's form posting to `action`, with its hidden fields (CSRF token) as rendered;
        to the server at `at` (a base URL) instead of the page's own if given."""
        soup = BeautifulSoup(page.text, "html.parser")
        for form in soup.find_all("form"):
            if action in str(form.get("action") or ""):
                break
        else:
            raise AssertionError(f"no form posting to {action!r} on {page.url}")
        data = {
            str(tag["name"]): str(tag.get("value") or "")
            for tag in form.find_all("input")
            if tag.get("name") and tag.get("type") in ("hidden", None, "text", "email")
        }
        data.update(fields)
        return self.http.post(urljoin(at or str(page.url), str(form["action"])), data=data)

    def login_page(self) -> httpx.Response:
        return self.http.get("/connexion")

    def log_in(
        self, email: str = EMAIL, password: str = PASSWORD, page: httpx.Response | None = None
    ) -> httpx.Response:
        """Fill the real login form (GET the page, keep its CSRF token, POST)."""
        page = page or self.login_page()
        assert page.status_code == 200
        response = self.submit(page, "/connexion", email=email, password=password)
        # Where the login leads (a redirect, or the answer to a service: its code, or the consent page).
        assert response.status_code in (200, 302, 303) and not shows_login_form(response), (
            f"login failed ({response.status_code})"
        )
        return response

    def authorize(self, request: AuthRequest, method: str = "GET") -> httpx.Response:
        endpoint = self.provider.metadata["authorization_endpoint"]
        if method == "POST":
            return self.http.post(endpoint, data=request.params)
        return self.http.get(endpoint, params=request.params)

    def until_client(self, response: httpx.Response, email: str = EMAIL, password: str = PASSWORD) -> httpx.Response:
        """Go through the provider's pages (login form included) until it answers the client or shows a page."""
        for _ in range(6):
            if shows_login_form(response):
                response = self.log_in(email, password, page=response)
                continue
            if not response.is_redirect:
                return response
            location = urljoin(str(response.url), response.headers["location"])
            if not location.startswith(self.provider.url + "/"):
                return response
            response = self.follow(response)
        raise AssertionError("too many redirects inside the provider")

    def log_out(self) -> httpx.Response:
        """The header's « Se déconnecter » button of the provider's own pages."""
        account_page = self.http.get("/mon-compte")
        return self.submit(account_page, "/deconnexion")


@dataclass
class Tokens:
    """What a completed flow gave the client."""

    request: AuthRequest
    callback: dict[str, str]
    response: dict[str, Any]
    claims: dict[str, Any]

    @property
    def access_token(self) -> str:
        return str(self.response["access_token"])

    @property
    def refresh_token(self) -> str:
        return str(self.response["refresh_token"])

    @property
    def id_token(self) -> str:
        return str(self.response["id_token"])


def callback_params(rp: RelyingParty, response: httpx.Response) -> dict[str, str]:
    """The parameters the provider sent back to the client's redirect URI (checked to be exactly it)."""
    assert response.status_code in (302, 303), f"expected a redirect to the client, got {response.status_code}"
    location = response.headers["location"]
    assert without_query(location) == rp.redirect_uri, location
    return query(location)


def code_flow(
    browser: Browser,
    rp: RelyingParty,
    scope: str = SCOPE,
    email: str = EMAIL,
    password: str = PASSWORD,
    method: str = "GET",
    **extra: str | None,
) -> Tokens:
    """A complete authorization code flow: authorize (logging in if asked), callback checks, token, ID token."""
    request = rp.new_request(scope, **extra)
    response = browser.until_client(browser.authorize(request, method), email, password)
    callback = callback_params(rp, response)
    assert callback["state"] == request.state
    assert callback["iss"] == rp.provider.url
    assert "code" in callback, callback
    token_response = rp.redeem(callback["code"], request.verifier)
    assert token_response.status_code == 200, token_response.text
    assert token_response.headers["cache-control"] == "no-store"
    body = token_response.json()
    assert body["token_type"].lower() == "bearer"
    claims = rp.verify_id_token(body["id_token"], request.nonce)
    assert claims["at_hash"] == half_hash(body["access_token"])
    assert isinstance(claims["auth_time"], int)
    assert 0 < claims["exp"] - claims["iat"] <= 600
    return Tokens(request, callback, body, claims)


def half_hash(value: str) -> str:
    """`at_hash` for RS256: the left half of the SHA-256, base64url (OpenID Connect Core §3.1.3.6)."""
    return base64.urlsafe_b64encode(hashlib.sha256(value.encode()).digest()[:16]).rstrip(b"=").decode()
