"""Secrets out of every log line, error message and stored error: the :class:`Redactor`.

policywatch.toml names secrets (SMTP passwords, signing secrets, tokens inside webhook
URLs, values substituted from ``${ENV}``); :func:`policywatch.config.load_config` collects
them into the :class:`Redactor` it returns as ``Config.redactor`` — one object per loaded
config, passed to whatever writes text out (the delivery engine, the service's log lines,
the CLI), never a process-wide set. A Redactor masks its secrets and every URL credential
(:func:`crawler.urls.hide_credentials`: ``key=``, ``access_token=``, ``/hook/<token>``,
``user:password@``); :class:`RedactingFilter` applies it to every record reaching the
stderr handler that :func:`log_to_stderr` installs, so no library (httpx, apprise,
smtplib, Scrapy) can print a token either.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, quote, urlsplit

from crawler.urls import MASK, SECRET_PARAMS, hide_credentials

_TOKENISH = re.compile(r"^(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9_-]{16,}$")


def secrets_in_url(url: str) -> list[str]:
    """Credentials inside a URL: the userinfo password, token-like query values and path segments."""
    parts = urlsplit(url)
    found = [parts.password] if parts.password else []
    found += [value for key, value in parse_qsl(parts.query) if key.lower() in SECRET_PARAMS and value]
    found += [segment for segment in parts.path.split("/") if _TOKENISH.match(segment)]
    if parts.scheme not in ("http", "https", "smtp", "smtps"):  # apprise URLs carry tokens anywhere
        rest = url.split("://", 1)[1]
        pieces = [rest, parts.netloc, *parts.path.split("/"), *(v for _, v in parse_qsl(parts.query))]
        found += [piece for piece in pieces if len(piece) >= 8]
    return found


class Redactor:
    """The secrets one config names, and the one way text is cleaned of them before it is shown.

    ``redactor(text)`` is ``text`` as a string with every secret (also percent-encoded, as
    it shows in a URL an error message quotes) and every URL credential replaced by ``***``.
    A Redactor without secrets still hides URL credentials.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: set[str] = set()
        for secret in secrets:
            self.add(secret)

    def add(self, value: str) -> None:
        """Mask ``value`` from now on (values shorter than 4 characters are not secrets)."""
        if isinstance(value, str) and len(value.strip()) >= 4:
            self._secrets.add(value.strip())
            self._secrets.add(quote(value.strip(), safe=""))

    def add_url(self, url: str) -> None:
        """Mask the credentials inside ``url`` (:func:`secrets_in_url`) wherever they appear."""
        for secret in secrets_in_url(url):
            self.add(secret)

    def __call__(self, text: object) -> str:
        result = str(text)
        for secret in sorted(self._secrets, key=len, reverse=True):
            result = result.replace(secret, MASK)
        return hide_credentials(result)


class RedactingFilter(logging.Filter):
    """A logging filter that rewrites each record's message through a :class:`Redactor`.

    Installed on the handlers of ``policywatch run`` and ``policywatch alerts`` so that
    no library (httpx, apprise, smtplib, Scrapy) can print a token into the logs.
    """

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.redactor(record.getMessage())
        record.args = ()
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = self.redactor(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


#: Libraries whose lines are noise in the service log, with the level they are cut to
#: unless --verbose (APScheduler's "skipped: maximum number of running instances" is
#: reported by policywatch's own line instead).
CHATTY_LOGGERS = {"scrapy": logging.WARNING, "apscheduler": logging.ERROR, "httpx": logging.WARNING,
                  "httpcore": logging.WARNING, "twisted": logging.WARNING, "apprise": logging.WARNING,
                  "py.warnings": logging.WARNING}


def log_to_stderr(redactor: Redactor, verbose: bool = False) -> None:
    """Timestamped log lines on stderr, each one passed through ``redactor`` (:class:`RedactingFilter`)."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter(redactor))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for name, quiet in CHATTY_LOGGERS.items():
        logging.getLogger(name).setLevel(logging.INFO if verbose else quiet)
    logging.captureWarnings(True)
