"""``ZohoBooksClient``: one Zoho Books organization over httpx, paced, retried and counted.

One concern per layer: ``ZohoOAuth`` keeps the token, ``OrgRateLimiter`` paces, ``_send`` retries one
GET, ``_check_envelope`` turns Zoho's envelope into typed errors, and the paging helpers walk lists.
JSON numbers with a fraction are parsed as ``Decimal``: money never passes through a float.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from loader.zoho.auth import TOKEN_LIMIT_WAITS, TokenCache, ZohoCredentials, ZohoOAuth
from loader.zoho.daily_cap import DailyCap
from loader.zoho.envelope import (
    CODE_CONCURRENCY,
    CODE_DAILY_LIMIT,
    CODE_RATE_LIMIT,
    check_envelope,
    error_code,
)
from loader.zoho.errors import (
    ZohoDailyLimitError,
    ZohoMalformedResponseError,
    ZohoRateLimitError,
    ZohoTransientError,
)
from loader.zoho.ratelimit import DEFAULT_LIMITERS, LimiterRegistry, RateLimits, zoho_time_scale
from loader.zoho.regions import accounts_url_for, api_base_url_for

log = logging.getLogger(__name__)

MAX_PER_PAGE = 200
_USAGE_FLUSH_EVERY = 25

JsonObject = dict[str, Any]


class ConnectionSettings(Protocol):
    """What the client needs of a connection's configuration (``loader.config.ZohoConnectionConfig``)."""

    @property
    def name(self) -> str: ...
    @property
    def region(self) -> str: ...
    @property
    def organization_id(self) -> str: ...
    @property
    def accounts_url(self) -> str | None: ...
    @property
    def api_base_url(self) -> str | None: ...
    @property
    def requests_per_minute(self) -> int: ...
    @property
    def max_in_flight(self) -> int: ...


class UsageRecorder(Protocol):
    def record_calls(
        self,
        connection: str,
        organization_id: str,
        *,
        calls: int,
        throttled: int = 0,
        daily_limit: int | None = None,
        remaining: int | None = None,
    ) -> None: ...


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded, jittered back-off. Delays are in real seconds, so tests shrink them with a time scale."""

    max_attempts: int = 6
    base_delay: float = 1.0  # 5xx, timeouts, dropped connections
    throttle_delay: float = 10.0  # 429 code 44: a sixth of Zoho's one-minute window
    concurrency_delay: float = 1.0  # 429 code 1070
    max_delay: float = 60.0

    def delay(self, base: float, attempt: int, rng: random.Random) -> float:
        # "Full jitter": spreads the retries of parallel callers instead of stampeding in step.
        return rng.uniform(base / 2, min(self.max_delay, base * 2 ** (attempt - 1)))

    def on_zoho_clock(self, scale: float) -> RetryPolicy:
        """The same policy for a Zoho whose clock runs ``scale`` times faster (the demo's sandbox)."""
        if scale == 1.0:
            return self
        return RetryPolicy(
            self.max_attempts,
            self.base_delay / scale,
            self.throttle_delay / scale,
            self.concurrency_delay / scale,
            self.max_delay / scale,
        )


@dataclass(frozen=True)
class _Retry:
    """Why an attempt failed in a way worth retrying, and the base of the back-off before the next."""

    problem: str
    delay_base: float
    throttled: bool = False


@dataclass(frozen=True)
class Page:
    number: int
    rows: list[JsonObject]
    has_more: bool
    # What Zoho says it sorted by (``page_context.sort_column``): it may ignore a column it does not
    # support, so a walk that relies on an order checks this (None when the answer does not say).
    sort_column: str | None = None
    sort_order: str | None = None


def _int_header(headers: httpx.Headers, name: str) -> int | None:
    value = headers.get(name)
    try:
        return int(float(value)) if value is not None else None
    except ValueError:
        return None


def _oauth(
    connection: ConnectionSettings,
    credentials: ZohoCredentials,
    token_cache: TokenCache | None,
    clock: Callable[[], float],
    sleep: Callable[[float], None],
    token_limit_waits: tuple[float, ...] | None,
    scale: float,
) -> ZohoOAuth:
    """The token source of a client: the waits after Zoho's token limit are on the Zoho clock (``scale``)
    unless given."""
    return ZohoOAuth(
        accounts_url_for(connection),
        credentials,
        token_cache,
        clock=clock,
        sleep=sleep,
        limit_waits=token_limit_waits
        if token_limit_waits is not None
        else tuple(w / scale for w in TOKEN_LIMIT_WAITS),
    )


class ZohoBooksClient:
    """Read access to one organization of one Zoho connection. Thread-safe."""

    def __init__(
        self,
        connection: ConnectionSettings,
        credentials: ZohoCredentials,
        *,
        api_domain: str | None = None,
        token_cache: TokenCache | None = None,
        limits: RateLimits | None = None,
        limiters: LimiterRegistry = DEFAULT_LIMITERS,
        retry: RetryPolicy | None = None,
        usage: UsageRecorder | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30.0,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        seed: int | None = None,
        token_limit_waits: tuple[float, ...] | None = None,
        daily_cap: DailyCap | None = None,
    ) -> None:
        self.connection = connection
        self.organization_id = connection.organization_id
        self._stored_api_domain = api_domain
        # Zoho's minute and back-offs, on the clock of the Zoho this process talks to (1x, except the demo's
        # time-scaled sandbox: see ratelimit.zoho_time_scale).
        scale = zoho_time_scale()
        self.auth = _oauth(connection, credentials, token_cache, clock, sleep, token_limit_waits, scale)
        self.limiter = limiters.for_organization(
            connection.organization_id,
            limits or RateLimits(connection.requests_per_minute, 60.0 / scale, connection.max_in_flight),
        )
        self.retry = retry or RetryPolicy().on_zoho_clock(scale)
        self._usage = usage
        self.daily_cap = daily_cap  # the connection's own daily_call_limit, when set
        self._sleep = sleep
        self._rng = random.Random(seed)
        self._token_url = self.auth.token_request().url
        self._http = httpx.Client(
            auth=self.auth,
            transport=transport,
            timeout=timeout,
            headers={"Accept": "application/json", "User-Agent": "ml-connector"},
            event_hooks={"response": [self._on_response]},
        )
        self._counter_lock = threading.Lock()
        self.calls_made = 0  # API requests that got an answer, retries and 401 replays included
        self.throttled = 0  # 429s received
        self.daily_limit: int | None = None
        self.daily_remaining: int | None = None
        self._daily_resets_at: float | None = None
        self._unflushed_calls = 0
        self._unflushed_throttled = 0
        self._base_url: str | None = None

    def __repr__(self) -> str:
        return (
            f"ZohoBooksClient(connection={self.connection.name!r}, organization_id={self.organization_id!r})"
        )

    def __enter__(self) -> ZohoBooksClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.flush_usage()
        self._http.close()

    # --- where to call ------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """The API base: the connection's override, else ``api_domain`` from the token (fetching one
        if none is known yet), else the region's default."""
        if self._base_url is None:
            domain = self._stored_api_domain or self.auth.api_domain
            if not self.connection.api_base_url and not domain:
                domain = self.auth.ensure_token(self._http).api_domain
            self._base_url = api_base_url_for(self.connection, domain)
        return self._base_url

    # --- counting -----------------------------------------------------------------------

    def _on_response(self, response: httpx.Response) -> None:
        if response.request.url == self._token_url:
            return
        limit = _int_header(response.headers, "X-Rate-Limit-Limit")
        remaining = _int_header(response.headers, "X-Rate-Limit-Remaining")
        reset = _int_header(response.headers, "X-Rate-Limit-Reset")
        with self._counter_lock:
            self.calls_made += 1
            self._unflushed_calls += 1
            if response.status_code == 429:
                self.throttled += 1
                self._unflushed_throttled += 1
            # The headers describe the daily quota (see DECISIONLOG); a limit no larger than the
            # per-minute budget would mean they describe the minute window instead, which the
            # limiter already paces, so only daily-sized figures are kept.
            if limit is not None and limit > self.limiter.limits.requests_per_window:
                self.daily_limit = limit
                self.daily_remaining = remaining
                if reset is not None:
                    # Seconds from now, or an epoch time: both readings are seen in the wild.
                    self._daily_resets_at = reset if reset > 1_000_000_000 else time.time() + reset
            flush = self._unflushed_calls >= _USAGE_FLUSH_EVERY
        if flush:
            self.flush_usage()

    def flush_usage(self) -> None:
        with self._counter_lock:
            calls, throttled = self._unflushed_calls, self._unflushed_throttled
            self._unflushed_calls = self._unflushed_throttled = 0
            limit, remaining = self.daily_limit, self.daily_remaining
        if self._usage is not None and (calls or throttled):
            self._usage.record_calls(
                self.connection.name,
                self.organization_id,
                calls=calls,
                throttled=throttled,
                daily_limit=limit,
                remaining=remaining,
            )

    def _resets_in(self) -> float | None:
        return max(0.0, self._daily_resets_at - time.time()) if self._daily_resets_at else None

    def _daily_limit_error(self, path: str, status: int) -> ZohoDailyLimitError:
        resets = self._resets_in()
        when = f" in about {resets / 3600:.1f} h" if resets is not None else " at midnight, Zoho's time"
        limit = f" of {self.daily_limit}" if self.daily_limit else ""
        return ZohoDailyLimitError(
            f"Zoho's daily API limit for organization {self.organization_id} is spent "
            f"({self.calls_made} calls by this run{limit} allowed today). What was loaded is kept; "
            f"the next run continues where this one stopped once the quota resets{when}.",
            status=status,
            code=CODE_DAILY_LIMIT,
            path=path,
            organization_id=self.organization_id,
            calls_today=self.calls_made,
            daily_limit=self.daily_limit,
            resets_in_seconds=resets,
        )

    # --- one GET ------------------------------------------------------------------------

    def get(
        self, path: str, params: Mapping[str, Any] | None = None, *, organization: bool = True
    ) -> JsonObject:
        """GET ``path`` (relative to the API base) and return Zoho's envelope, checked."""
        query = dict(params or {})
        if organization:
            query["organization_id"] = self.organization_id
        url = f"{self.base_url}/{path.lstrip('/')}"
        response = self._send(path, url, query)
        return self._check_envelope(path, response)

    def _send(self, path: str, url: str, query: dict[str, Any]) -> httpx.Response:
        """One GET with bounded retries. Zoho's body code decides, not the HTTP status alone: codes 44 and
        1070 have been seen with other statuses than 429, and 45 is a stop whatever the status."""
        policy = self.retry
        last = _Retry("no attempt made", policy.base_delay)
        throttled = False
        for attempt in range(1, policy.max_attempts + 1):
            if self.daily_remaining == 0 and (self._resets_in() or 0) > 0:
                # Zoho said the quota is spent; another call would only collect a 45.
                raise self._daily_limit_error(path, 429)
            if self.daily_cap is not None:
                self.daily_cap.take(path)
            outcome = self._attempt(path, url, query, attempt)
            if isinstance(outcome, httpx.Response):
                return outcome
            last, throttled = outcome, throttled or outcome.throttled
            if attempt < policy.max_attempts:
                self._wait_to_retry(path, last, attempt)
        error_type = ZohoRateLimitError if throttled else ZohoTransientError
        raise error_type(
            f"Zoho kept failing on {path} for organization {self.organization_id} after "
            f"{policy.max_attempts} attempts ({last.problem}); nothing partial was kept, run the sync again "
            "later",
            status=0,
            code=None,
            path=path,
        )

    def _attempt(self, path: str, url: str, query: dict[str, Any], attempt: int) -> httpx.Response | _Retry:
        """One request: the answer to check, or why and after how long to retry; raises at the daily cap."""
        policy = self.retry
        with self.limiter.slot():
            try:
                response = self._http.get(url, params=query)
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                return _Retry(f"{type(exc).__name__} (no answer)", policy.base_delay)
        status = response.status_code
        code = error_code(response) if status >= 400 else None
        if code == CODE_DAILY_LIMIT:
            self.daily_remaining = 0
            raise self._daily_limit_error(path, status)
        if code == CODE_CONCURRENCY:
            problem = f"HTTP {status} code {code} (too many calls in flight)"
            return _Retry(problem, policy.concurrency_delay, throttled=True)
        if status == 429 or code == CODE_RATE_LIMIT:
            # Zoho counted more than the limiter did: hold every thread of this org.
            self.limiter.pause(policy.delay(policy.throttle_delay, attempt, self._rng))
            problem = f"HTTP {status} code {code} (over the per-minute limit)"
            return _Retry(problem, policy.throttle_delay, throttled=True)
        if status >= 500:
            shown = f"code {code}" if code is not None else "no Zoho code"
            return _Retry(f"HTTP {status} {shown} (Zoho or its gateway failed)", policy.base_delay)
        return response

    def _wait_to_retry(self, path: str, retry: _Retry, attempt: int) -> None:
        policy = self.retry
        wait = policy.delay(retry.delay_base, attempt, self._rng)
        # The cause in the message itself: log handlers that drop ``extra`` (the CLI's) still show it. The
        # path is relative and carries no query, so no token or id of the login reaches the log.
        log.warning(
            "zoho call failed, retrying: %s on %s (attempt %d of %d, next in %.2f s)",
            retry.problem,
            path,
            attempt,
            policy.max_attempts,
            wait,
            extra={"path": path, "problem": retry.problem, "attempt": attempt, "wait_s": round(wait, 3)},
        )
        self._sleep(wait)

    def _check_envelope(self, path: str, response: httpx.Response) -> JsonObject:
        return check_envelope(path, response, self.connection.name, self.organization_id)

    # --- lists --------------------------------------------------------------------------

    def list_organizations(self) -> list[JsonObject]:
        body = self.get("organizations", organization=False)
        return self._rows(body, "organizations", "organizations")

    def _rows(self, body: JsonObject, root_key: str, path: str) -> list[JsonObject]:
        rows = body.get(root_key)
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise ZohoMalformedResponseError(
                f"Zoho's answer to {path} has no list under {root_key!r}", status=200, code=0, path=path
            )
        return rows

    def get_record(self, path: str, record_id: str, root_key: str) -> JsonObject:
        body = self.get(f"{path}/{record_id}")
        record = body.get(root_key)
        if not isinstance(record, dict):
            raise ZohoMalformedResponseError(
                f"Zoho's answer to {path}/{record_id} has no object under {root_key!r}",
                status=200,
                code=0,
                path=path,
            )
        return record

    def iter_pages(
        self,
        path: str,
        root_key: str,
        params: Mapping[str, Any] | None = None,
        *,
        start_page: int = 1,
        per_page: int = MAX_PER_PAGE,
    ) -> Iterator[Page]:
        page = start_page
        while True:
            body = self.get(path, {**(params or {}), "page": page, "per_page": per_page})
            rows = self._rows(body, root_key, path)
            context = body.get("page_context")
            if not isinstance(context, dict):
                context = {}
            has_more = bool(context.get("has_more_page"))
            sort_column, sort_order = context.get("sort_column"), context.get("sort_order")
            yield Page(
                page,
                rows,
                has_more,
                str(sort_column) if sort_column else None,
                str(sort_order) if sort_order else None,
            )
            if not has_more:
                return
            page += 1

    def iter_records(
        self,
        path: str,
        root_key: str,
        id_field: str,
        params: Mapping[str, Any] | None = None,
        *,
        start_page: int = 1,
    ) -> Iterator[JsonObject]:
        """Every row of a list once: Zoho has been seen to repeat a row across page boundaries."""
        seen: set[str] = set()
        for page in self.iter_pages(path, root_key, params, start_page=start_page):
            for row in page.rows:
                key = str(row.get(id_field))
                if key in seen:
                    log.debug("dropped a row repeated across pages", extra={"path": path, "id": key})
                    continue
                seen.add(key)
                yield row
