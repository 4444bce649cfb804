"""A small async client for one scrapyd node's JSON API, plus its items and log files.

Only what the coordinator and ``policywatch deploy`` need: daemonstatus, schedule,
status, listjobs, cancel, addversion, listspiders/listversions, and the job's items
feed (``/items/<project>/<spider>/<job>.jl``, fetched from a byte offset so that a
running job's items can be pulled as they are written). Every failure becomes a
:class:`NodeError`; :class:`NodeDown` means the node could not be reached at all, so
the caller should try another node.

Node URLs may carry credentials for scrapyd's basic auth (``http://user:pw@host:6800``);
they are sent as an Authorization header and never appear in :attr:`ScrapydNode.name`,
which is what logs and messages use.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import httpx

from policywatch.cluster.errors import NodeDown, NodeError

#: Job states reported by scrapyd's status.json (None: the node does not know the job).
PENDING, RUNNING, FINISHED = "pending", "running", "finished"


@dataclass(frozen=True)
class NodeLoad:
    """What daemonstatus.json says: jobs queued, running and remembered as finished."""

    pending: int
    running: int
    finished: int

    @property
    def busy(self) -> int:
        """Jobs that occupy or wait for a process slot."""
        return self.pending + self.running


def node_address(url: str) -> str:
    """``url`` without its login (``user:password@``): the node's name in logs and its base URL."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url.rstrip("/")
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2])).rstrip("/")


def check_node_url(url: str) -> str:
    """``url`` if it is an http(s) URL with a host, else a NodeError naming what is wrong."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise NodeError(f"not a scrapyd node URL (want http://host:port): {node_address(url)!r}")
    try:
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise NodeError(f"bad port in node URL {node_address(url)!r}") from exc
    return url.strip().rstrip("/")


def parse_node_urls(values: Iterable[str]) -> list[str]:
    """Node URLs given repeatedly and/or comma-separated → checked, de-duplicated, in order."""
    urls = [part.strip() for value in values for part in (value or "").split(",") if part.strip()]
    if not urls:
        raise NodeError("no scrapyd node URL given")
    return list(dict.fromkeys(check_node_url(url) for url in urls))


class ScrapydNode:
    """One scrapyd node. Share an ``httpx.AsyncClient`` between nodes or let each own one."""

    def __init__(self, url: str, *, client: httpx.AsyncClient | None = None, timeout: float = 10.0) -> None:
        url = check_node_url(url)
        parts = urlsplit(url)
        self.name = node_address(url)
        self._auth = httpx.BasicAuth(parts.username or "", parts.password or "") if parts.username else None
        self._base = self.name
        self._own_client = client is None
        self._client = client or httpx.AsyncClient(timeout=timeout)

    def __repr__(self) -> str:
        return f"ScrapydNode({self.name!r})"

    async def aclose(self) -> None:
        """Close the HTTP client if this node created it."""
        if self._own_client:
            await self._client.aclose()

    # the JSON API
    async def load(self) -> NodeLoad:
        """Pending, running and finished job counts (daemonstatus.json)."""
        data = await self._api("GET", "daemonstatus.json")
        return NodeLoad(int(data.get("pending", 0)), int(data.get("running", 0)), int(data.get("finished", 0)))

    async def schedule(self, project: str, spider: str, *, job: str, args: dict[str, str] | None = None,
                       settings: dict[str, str] | None = None, priority: float = 0.0) -> str:
        """Queue a crawl (schedule.json) under the given job id; returns the job id."""
        reserved = {"project", "spider", "jobid", "priority", "setting", "_version"}
        clash = reserved & set(args or {})
        if clash:
            raise NodeError(f"spider argument(s) {', '.join(sorted(clash))} clash with schedule.json parameters")
        form: dict[str, str | list[str]] = {"project": project, "spider": spider, "jobid": job,
                                            "priority": str(priority), **(args or {})}
        form["setting"] = [f"{key}={value}" for key, value in (settings or {}).items()]
        data = await self._api("POST", "schedule.json", data=form)
        return str(data.get("jobid", job))

    async def job_state(self, project: str, job: str) -> str | None:
        """``pending``, ``running``, ``finished``, or None when the node does not know the job."""
        data = await self._api("GET", "status.json", params={"project": project, "job": job})
        return data.get("currstate")

    async def jobs(self, project: str) -> dict[str, list[dict[str, Any]]]:
        """listjobs.json: the pending, running and finished jobs of ``project``."""
        data = await self._api("GET", "listjobs.json", params={"project": project})
        return {state: data.get(state, []) for state in (PENDING, RUNNING, FINISHED)}

    async def cancel(self, project: str, job: str) -> str | None:
        """Cancel a job (cancel.json); returns the state it was in (None: already gone)."""
        data = await self._api("POST", "cancel.json", data={"project": project, "job": job})
        return data.get("prevstate")

    async def add_version(self, project: str, version: str, egg: bytes) -> int:
        """Upload an egg (addversion.json); returns how many spiders the node found in it."""
        files = {"egg": (f"{project}-{version}.egg", egg, "application/zip")}
        data = await self._api("POST", "addversion.json", data={"project": project, "version": version},
                               files=files, timeout=120.0)
        return int(data.get("spiders", 0))

    async def spiders(self, project: str) -> list[str]:
        """The spiders of the project's current version (listspiders.json)."""
        data = await self._api("GET", "listspiders.json", params={"project": project})
        return list(data.get("spiders", []))

    async def versions(self, project: str) -> list[str]:
        """The project's uploaded versions, oldest first (listversions.json)."""
        data = await self._api("GET", "listversions.json", params={"project": project})
        return list(data.get("versions", []))

    # files the node serves
    async def items(self, project: str, spider: str, job: str, *, offset: int = 0,
                    limit: int | None = None) -> bytes | None:
        """Up to ``limit`` bytes of the job's items feed from byte ``offset`` on; None if the node
        has no such file (yet)."""
        return await self._file(f"items/{_path(project, spider, job)}.jl", offset, limit)

    async def log(self, project: str, spider: str, job: str) -> bytes | None:
        """The job's Scrapy log; None if the node has none."""
        return await self._file(f"logs/{_path(project, spider, job)}.log", 0)

    async def _file(self, path: str, offset: int, limit: int | None = None) -> bytes | None:
        end = str(offset + limit - 1) if limit else ""
        headers = {"Range": f"bytes={offset}-{end}"} if offset or limit else {}
        response = await self._request("GET", path, headers=headers)
        if response.status_code == 404:
            return None
        if response.status_code == 416:  # nothing past offset yet
            return b""
        if response.status_code not in (200, 206):
            raise NodeError(f"{self.name}: GET /{path} answered HTTP {response.status_code}")
        if (offset or limit) and response.status_code == 200:  # server ignored Range: cut it ourselves
            return response.content[offset:offset + limit if limit else None]
        return response.content

    async def _api(self, method: str, endpoint: str, **kwargs: Any) -> dict[str, Any]:
        response = await self._request(method, endpoint, **kwargs)
        try:
            data = response.json()
        except json.JSONDecodeError as exc:
            raise NodeError(f"{self.name}: {endpoint} answered HTTP {response.status_code}, not JSON") from exc
        if data.get("status") != "ok":
            raise NodeError(f"{self.name}: {endpoint}: {data.get('message') or data}")
        return data

    async def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = await self._client.request(method, f"{self._base}/{path}", auth=self._auth, **kwargs)
        except (httpx.TransportError, OSError) as exc:
            raise NodeDown(f"{self.name} is unreachable: {type(exc).__name__}: {exc}") from exc
        if response.status_code == 401:
            raise NodeError(f"{self.name}: 401 unauthorized (give user:password in the node URL)")
        if response.status_code >= 500:
            raise NodeDown(f"{self.name}: {path} answered HTTP {response.status_code}")
        return response


def _path(project: str, spider: str, job: str) -> str:
    return "/".join(quote(part, safe="") for part in (project, spider, job))
