"""Walking an app with odd input: every route of its URL map, the query parameters its views read, every form
of its pages, and telling a clear answer (any status under 500, no exception logged) from a server error.

Requests go through WebTest, so that the real rendered forms (CSRF token included) are what is fuzzed; bodies
and query strings are built as bytes by hand, so that what is not UTF-8 reaches the app as sent.
"""

import inspect
import itertools
import logging
import re
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_from_bytes, urlsplit

import webtest
from flask import Flask, request, request_started
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.routing import IntegerConverter, Rule

from shared import health
from shared.oidc_client import flow
from tests.security.oddities import ODD_INTEGERS, ODD_SETTINGS, ODD_VALUES, odd_bytes

# --- what a session of the suite tried and found ----------------------------------------------------------


@dataclass(frozen=True)
class ServerError:
    app: str
    method: str
    url: str
    body: str
    status: int | None
    trace: str

    def __str__(self) -> str:
        body = f"\n    body: {self.body}" if self.body else ""
        return f"{self.app}: {self.method} {self.url} -> {self.status}{body}\n    {self.trace}"


@dataclass
class Tally:
    """Shared by the whole session: the conftest prints it at the end of the run."""

    exercised: dict[str, set[str]] = field(default_factory=dict)  # app -> keys of the rules reached
    requests: int = 0
    errors: list[ServerError] = field(default_factory=list)


TALLY = Tally()


def rule_key(rule: Rule) -> str:
    return f"{rule.rule} [{','.join(sorted((rule.methods or set()) - {'HEAD', 'OPTIONS'}))}]"


class _ErrorRecords(logging.Handler):
    """Every record at ERROR or above, from any logger: an exception the error page hid is still a failure."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _last_lines(text: str, count: int = 4) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return "\n    ".join(lines[-count:])


def _shorten(data: bytes | str, limit: int = 160) -> str:
    text = data if isinstance(data, str) else repr(data)[2:-1]
    return text if len(text) <= limit else f"{text[:limit]}… ({len(data)} bytes)"


# --- encoding ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FilePart:
    """A multipart file where the form has a text field (or an odd file where it has a file field)."""

    content: bytes = b"%PDF-1.4 not a text field\x00\xff"
    filename: bytes = b"odd.pdf"  # bytes: a name that is not UTF-8 reaches the app as sent


Value = bytes | FilePart
Pairs = list[tuple[str, Value]]


def urlencoded(pairs: Iterable[tuple[str, bytes]]) -> str:
    return "&".join(f"{quote(name, safe='')}={quote_from_bytes(value, safe='')}" for name, value in pairs)


def multipart(pairs: Pairs) -> tuple[bytes, str]:
    boundary = "odd-input-boundary-7d4a"
    chunks = []
    for name, value in pairs:
        if isinstance(value, FilePart):
            head = (
                f'Content-Disposition: form-data; name="{name}"; filename="'.encode()
                + value.filename
                + b'"\r\nContent-Type: application/octet-stream\r\n\r\n'
            )
            data = value.content
        else:
            head, data = f'Content-Disposition: form-data; name="{name}"\r\n\r\n'.encode(), value
        chunks.append(f"--{boundary}\r\n".encode() + head + data + b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


# --- forms ---------------------------------------------------------------------------------------------------


@dataclass
class FormSpec:
    page: str  # where the form is shown (fetched again for a fresh CSRF token)
    action: str  # path and query it posts to
    method: str
    fields: list[tuple[str, str]]  # what a browser sends as the page renders it (sensible values filled in)
    names: list[str]  # every control name, the fuzzed ones

    @property
    def key(self) -> tuple[str, str, tuple[str, ...]]:
        return (self.method, urlsplit(self.action).path, tuple(sorted(set(self.names))))


def parse_forms(page: webtest.TestResponse, sensible: Callable[[str, list[str]], str]) -> list[FormSpec]:
    specs = []
    for form in page.forms.values():
        action = form.action or page.request.path_qs
        if urlsplit(action).netloc:  # a form to another site: not ours to fuzz
            continue
        sent: list[tuple[str, str]] = []
        names: list[str] = []
        submit_done = False
        for name, controls in form.fields.items():
            if not name:
                continue
            names.append(name)
            for control in controls:
                if isinstance(control, webtest.forms.Submit):
                    if not submit_done:  # the browser sends the button clicked: the first one
                        sent.append((name, control.value_if_submitted() or ""))
                        submit_done = True
                    continue
                if isinstance(control, webtest.forms.Checkbox) and not control.checked:
                    continue
                if isinstance(control, webtest.forms.Radio):  # one control for the group: its choice, or the first
                    chosen = [option[0] for option in control.options if option[1]] or [control.options[0][0]]
                    sent.append((name, chosen[0] or ""))
                    continue
                value = control.value
                options = [option[0] for option in getattr(control, "options", []) if option[0]]
                if not value:
                    value = sensible(name, options)
                sent.append((name, value or ""))
        specs.append(FormSpec(page.request.path_qs, action, (form.method or "GET").upper(), sent, names))
    return specs


# --- query parameters the views read ------------------------------------------------------------------------

_READ = [
    r'request\.args\.get\(\s*"([^"]+)"',
    r'request\.args\[\s*"([^"]+)"\]',
    r'"([^"]+)"\s+(?:not\s+)?in\s+(?:request\.)?args',
    r'\bargs\.get\(\s*"([^"]+)"',
    r'\bargs\[\s*"([^"]+)"\]',
    r'request\.values\.get\(\s*"([^"]+)"',
    r'params\.get\(\s*"([^"]+)"',
]


def names_read_by(view: Callable[..., Any]) -> set[str]:
    """The query parameters a view's module reads (`request.args.get("x")`, `"x" in args`, `…_ARGS = (…)`)."""
    source = Path(inspect.getsourcefile(inspect.unwrap(view)) or "").read_text(encoding="utf-8")
    names = {name for pattern in _READ for name in re.findall(pattern, source)}
    for group in re.findall(r"_ARGS\s*=\s*\(([^)]*)\)", source):
        names.update(re.findall(r'"([^"]+)"', group))
    return names


# --- the walker ----------------------------------------------------------------------------------------------


class Walker:
    """One app, one browser (WebTest client): sends odd requests and records what each got."""

    def __init__(self, name: str, app: Flask, client: webtest.TestApp) -> None:
        self.name, self.app, self.client = name, app, client
        # A crash must become the 500 page (as in production), not an exception in the test.
        app.config["PROPAGATE_UNEXPECTED_ERRORS"] = False
        app.config["PROPAGATE_EXCEPTIONS"] = False
        self.records = _ErrorRecords()
        self.errors: list[ServerError] = []
        self.addresses = (f"198.18.{n // 250}.{n % 250 + 1}" for n in itertools.count())
        self.exercised = TALLY.exercised.setdefault(name, set())
        self.requests = 0

    def __enter__(self) -> "Walker":
        logging.getLogger().addHandler(self.records)
        request_started.connect(self._started, self.app)
        return self

    def __exit__(self, *exc: object) -> None:
        request_started.disconnect(self._started, self.app)
        logging.getLogger().removeHandler(self.records)

    def _started(self, sender: Flask, **extra: Any) -> None:
        if request.url_rule is not None:
            self.exercised.add(rule_key(request.url_rule))

    # Sending ---------------------------------------------------------------------------------------------------

    def send(
        self,
        method: str,
        path: str,
        query: Iterable[tuple[str, bytes]] = (),
        body: Pairs | None = None,
        headers: dict[str, str] | None = None,
    ) -> webtest.TestResponse | None:
        query = list(query)
        url = path + (f"?{urlencoded(query)}" if query else "")
        data, content_type = b"", None
        if body is not None:
            if any(isinstance(value, FilePart) for _, value in body):
                data, content_type = multipart(body)
            else:
                data = urlencoded(body).encode()  # type: ignore[arg-type]
                content_type = "application/x-www-form-urlencoded"
        environ = {"REMOTE_ADDR": next(self.addresses)}  # per-IP login throttling must not hide what follows
        self.records.records.clear()
        self.requests += 1
        TALLY.requests += 1
        response, crash = None, None
        try:
            if method == "GET":
                response = self.client.get(url, headers=headers or {}, extra_environ=environ, expect_errors=True)
            else:
                # The body as built, byte for byte (`post(params=…)` would parse it again as a query string).
                response = self.client.request(
                    url,
                    method=method,
                    body=data,
                    headers=headers or {},
                    content_type=content_type,
                    environ=environ,
                    expect_errors=True,
                )
        except Exception:  # raised out of the app or by WebTest's WSGI checks: a broken answer too
            crash = traceback.format_exc()
        status = response.status_int if response is not None else None
        logged = [record for record in self.records.records]
        if crash or (status is not None and status >= 500) or logged:
            trace = crash or ""
            for record in logged:
                trace += record.getMessage() + "\n"
                if record.exc_info:
                    trace += "".join(traceback.format_exception(*record.exc_info))
            body_text = _shorten(data) if body is not None else ""
            error = ServerError(self.name, method, _shorten(url, 300), body_text, status, _last_lines(trace))
            self.errors.append(error)
            TALLY.errors.append(error)
        return response

    # Routes ----------------------------------------------------------------------------------------------------

    def rules(self, excluded: set[str]) -> list[Rule]:
        return [rule for rule in self.app.url_map.iter_rules() if rule.rule not in excluded]

    def path_variants(self, rule: Rule, real: dict[str, list[str]]) -> Iterator[str]:
        """The path with real values first, then each argument in turn given its other real and odd values."""
        arguments = sorted(rule.arguments)
        base = {name: real.get(name, self._default(rule, name))[0] for name in arguments}
        yield self._build(rule, base)
        for name in arguments:
            converter = rule._converters[name]
            for other in real.get(name, [])[1:]:
                yield self._build(rule, {**base, name: other})
            odd = ODD_INTEGERS if isinstance(converter, IntegerConverter) else ODD_VALUES
            for value in odd:
                if not value or (b"/" in value and "path" not in type(converter).__name__.lower()):
                    continue  # would not reach this rule
                if not _is_utf8(value):
                    continue  # WebTest cannot carry such a path (Werkzeug replaces what is not UTF-8)
                yield self._build(rule, {**base, name: quote_from_bytes(value, safe="")})

    @staticmethod
    def _default(rule: Rule, name: str) -> list[str]:
        converter = rule._converters[name]
        if isinstance(converter, IntegerConverter):
            return ["1"]
        items = getattr(converter, "items", None)  # <any(…)>
        if items:
            return sorted(items)
        return ["x"]

    @staticmethod
    def _build(rule: Rule, values: dict[str, str]) -> str:
        path = rule.rule
        for name, value in values.items():
            path = re.sub(r"<(?:[^<>:]+(?:\([^<>]*\))?:)?" + re.escape(name) + ">", value, path)
        return path

    def walk_rule(self, rule: Rule, real: dict[str, list[str]], token: Callable[[], str]) -> str | None:
        """Every method of the rule on every path variant; returns the sensible path."""
        sensible = None
        for path in self.path_variants(rule, real):
            sensible = sensible or path
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                if method == "GET":
                    self.send("GET", path)
                else:
                    self.send(method, path, body=[("csrf_token", token().encode())])
        return sensible

    def walk_query(self, path: str, names: Iterable[str]) -> None:
        """Each parameter the view reads given each odd value, then Hypothesis' mixes of them and other names."""
        names = sorted(set(names))
        for name in names:
            for value in ODD_VALUES:
                self.send("GET", path, [(name, value)])
        known = st.sampled_from(names) if names else st.just("q")
        any_name = st.one_of(known, known, st.text(alphabet="abcdefghijklmnopqrstuvwxyz_[]", min_size=1, max_size=8))

        @ODD_SETTINGS
        @given(st.lists(st.tuples(any_name, odd_bytes()), min_size=1, max_size=5))
        def mixes(pairs: list[tuple[str, bytes]]) -> None:
            self.send("GET", path, pairs)

        mixes()

    # Forms -------------------------------------------------------------------------------------------------------

    def fuzz_form(
        self, spec: FormSpec, refresh: Callable[[FormSpec], FormSpec], fuzzed: Callable[[str], bool] | None = None
    ) -> None:
        """Each field in turn given each odd value, then a file part, then Hypothesis' mixes over all
        fields; the sensible submission last (it may change what the page shows). A request refused
        for its CSRF token (the session changed meanwhile) is sent again with a fresh one. `fuzzed` may
        keep some fields sensible: those many fields one loop of the view parses alike (a sample is walked)."""
        state = {"spec": refresh(spec)}

        def submit(change: Callable[[list[tuple[str, str]]], Pairs], retry: bool = True) -> None:
            for attempt in range(2):
                current = state["spec"]
                response = self.send(current.method, current.action, body=change(current.fields))
                if response is None or not _refused_for_csrf(response) or attempt or not retry:
                    return
                state["spec"] = refresh(current)

        def replaced(name: str, value: Value) -> Callable[[list[tuple[str, str]]], Pairs]:
            def change(fields: list[tuple[str, str]]) -> Pairs:
                pairs: Pairs = [(key, value if key == name else old.encode()) for key, old in fields]
                if name not in {key for key, _ in fields}:
                    pairs.append((name, value))
                return pairs

            return change

        # The token, « csrf_token » or a prefixed form's « <prefix>-csrf_token »: sent odd once, never fuzzed (each
        # refusal would only fetch the page again).
        tokens = [name for name in spec.names if name.rsplit("-", 1)[-1] == "csrf_token"] or ["csrf_token"]
        targets = [
            name for name in dict.fromkeys(spec.names) if name not in tokens and (fuzzed is None or fuzzed(name))
        ]
        for name in targets:
            for value in ODD_VALUES:
                submit(replaced(name, value))
            submit(replaced(name, FilePart()))
        for name in tokens:
            submit(replaced(name, b"\xff\x00"), retry=False)  # refused for its token: as it must be

        choices = st.sampled_from(["keep", "odd", "odd", "drop", "twice", "file"])

        @ODD_SETTINGS
        @given(st.data())
        def mixes(data: st.DataObject) -> None:
            plan = {name: data.draw(choices, label=name) for name in targets}
            values = {name: data.draw(odd_bytes(), label=f"{name} value") for name in targets if plan[name] != "keep"}

            def change(fields: list[tuple[str, str]]) -> Pairs:
                pairs: Pairs = []
                for key, old in fields:
                    how = plan.get(key, "keep")
                    if how == "keep":
                        pairs.append((key, old.encode()))
                    elif how == "odd":
                        pairs.append((key, values[key]))
                    elif how == "twice":
                        pairs += [(key, old.encode()), (key, values[key])]
                    elif how == "file":
                        pairs.append((key, FilePart(values[key])))
                return pairs

            submit(change)

        mixes()
        submit(lambda fields: [(key, old.encode()) for key, old in fields])


def _is_utf8(value: bytes) -> bool:
    try:
        value.decode()
    except UnicodeDecodeError:
        return False
    return True


def _refused_for_csrf(response: webtest.TestResponse) -> bool:
    return response.status_int == 400 and "Votre session a expiré ou le formulaire a déjà été envoyé" in response.text


def report(errors: list[ServerError]) -> str:
    """The distinct server errors (one per method, route and last trace line), for the assertion message."""
    seen: dict[tuple[str, str, str], ServerError] = {}
    for error in errors:
        where = re.sub(r"\?.*", "", error.url)
        seen.setdefault((error.method, re.sub(r"/\d{6,}", "/<huge>", where), error.trace[-200:]), error)
    lines = [f"{len(errors)} server errors, {len(seen)} distinct:"] + [str(error) for error in seen.values()]
    return "\n".join(lines)


# --- one identity's whole walk -------------------------------------------------------------------------------


def csrf_token(page: webtest.TestResponse | None) -> str:
    if page is None or "html" not in (page.content_type or ""):
        return ""
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page.text
    )
    return found.group(1) if found else ""


@dataclass
class Identity:
    """Who walks: `ensure` (re)opens the session if the walk ended it and returns a page of theirs (for its
    CSRF token); `sensible` fills a field the page leaves empty; `prepare` runs before fetching a page that
    needs earlier steps (the sign-up's second page)."""

    label: str
    ensure: Callable[[], webtest.TestResponse]
    sensible: Callable[[str, list[str]], str]
    real: dict[str, list[str]]  # path arguments' real values, by name
    pages: list[str] = field(default_factory=list)  # pages beyond the routes' sensible paths (forms shown by query)
    prepare: dict[str, Callable[[], None]] = field(default_factory=dict)
    fuzzed: Callable[[str], bool] | None = None  # the fields fuzz_form walks (all when None)


def walk(walker: Walker, who: Identity, excluded: set[str]) -> None:
    """Every rule with real and odd path values, every query parameter its view reads, every form of its pages."""
    forms: dict[tuple[str, str, tuple[str, ...]], FormSpec] = {}
    token = {"value": csrf_token(who.ensure())}

    def collect(page: webtest.TestResponse | None) -> None:
        if page is None or page.status_int != 200 or "html" not in (page.content_type or ""):
            return
        for spec in parse_forms(page, who.sensible):
            forms.setdefault(spec.key, spec)
        token["value"] = csrf_token(page) or token["value"]

    rules = walker.rules(excluded)
    sensible_paths: list[tuple[Rule, str]] = []
    for rule in rules:
        token["value"] = csrf_token(who.ensure()) or token["value"]
        path = walker.walk_rule(rule, who.real, lambda: token["value"])
        if path and "GET" in (rule.methods or set()):
            sensible_paths.append((rule, path))
    for rule, path in sensible_paths:
        who.ensure()
        page = walker.send("GET", path)
        collect(page)
        names = names_read_by(walker.app.view_functions[rule.endpoint])
        names |= {spec_name for spec in _get_forms(page, who) for spec_name in spec.names}
        walker.walk_query(path, names)
    for extra in who.pages:
        who.ensure()
        if extra in who.prepare:
            who.prepare[extra]()
        collect(walker.send("GET", extra))

    refresh = refresher(walker, who)
    # Logging out last: it ends the session the other forms need (ensure opens it again anyway).
    for spec in sorted(forms.values(), key=lambda spec: "deconnexion" in spec.action or "logout" in spec.action):
        if spec.method == "GET":
            walker.walk_query(urlsplit(spec.action).path, spec.names)
        else:
            walker.fuzz_form(spec, refresh, who.fuzzed)


def refresher(walker: Walker, who: Identity) -> Callable[[FormSpec], FormSpec]:
    """The form again from its page (prepared if it must be), with a token of the current session."""

    def refresh(spec: FormSpec) -> FormSpec:
        fallback = csrf_token(who.ensure())
        if spec.page in who.prepare:
            who.prepare[spec.page]()
        page = walker.send("GET", spec.page)
        for fresh in parse_forms(page, who.sensible) if page is not None and page.status_int == 200 else []:
            if fresh.key == spec.key:
                return fresh
        token = csrf_token(page) or fallback
        fields = [(name, token if name == "csrf_token" else value) for name, value in spec.fields]
        return FormSpec(spec.page, spec.action, spec.method, fields, spec.names)

    return refresh


def _get_forms(page: webtest.TestResponse | None, who: Identity) -> list[FormSpec]:
    if page is None or page.status_int != 200 or "html" not in (page.content_type or ""):
        return []
    return [spec for spec in parse_forms(page, who.sensible) if spec.method == "GET"]


def unexercised(walker: Walker, excluded: set[str]) -> list[str]:
    return sorted(rule_key(rule) for rule in walker.rules(excluded) if rule_key(rule) not in walker.exercised)


ISSUER = "http://127.0.0.1:9"  # the services' test configuration: nobody listens there


def pretend_provider(app: Flask) -> None:
    """The provider's discovery document, as if fetched: /connexion and /deconnexion redirect to it (no IdP runs
    here, and an unreachable one is a 503 by design, tested in tests/shared); /readyz's check of it answers as if it
    ran (its 503 when it does not is tests/shared/test_health.py's)."""
    app.extensions[health.CHECKS]["provider"] = lambda: None
    flow.client().server_metadata.update(
        {
            "issuer": ISSUER,
            "authorization_endpoint": f"{ISSUER}/oidc/authorize",
            "token_endpoint": f"{ISSUER}/oidc/token",
            "jwks_uri": f"{ISSUER}/oidc/jwks",
            "end_session_endpoint": f"{ISSUER}/oidc/logout",
            "_loaded_at": time.time(),
        }
    )
