"""Secrets out of every log line, error message and stored error.

policywatch.toml names secrets (SMTP passwords, signing secrets, tokens inside webhook
URLs); :mod:`policywatch.config` registers each one here as it loads the file.
:func:`redact` masks the registered values and any URL credential pattern (``key=``,
``access_token=``, ``/hook/<token>``, ``user:password@``); :class:`RedactingFilter`
applies it to every record reaching the stderr handler that :func:`log_to_stderr`
installs, so no library (httpx, apprise, smtplib, Scrapy) can print a token either.
Imports nothing else of ours.
"""
from __future__ import annotations

import logging
import re
from urllib.parse import parse_qsl, quote, urlsplit

#: Query parameters whose values are credentials in webhook URLs (WeCom key, DingTalk access_token …).
SECRET_PARAMS = ("key", "access_token", "token", "sign", "secret", "password", "apikey", "api_key", "auth")
MASK = "***"

_SECRETS: set[str] = set()
_URL_PATTERNS = (
    (re.compile(r"([?&](?:" + "|".join(SECRET_PARAMS) + r")=)[^&#\s'\"<>]+", re.I), r"\1" + MASK),
    (re.compile(r"(://[^/\s:@'\"]*:)[^@\s/'\"]+@"), r"\1" + MASK + "@"),
    (re.compile(r"(/hook/)[A-Za-z0-9_-]+"), r"\1" + MASK),
)
_TOKENISH = re.compile(r"^(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9_-]{16,}$")


def register_secret(value: str) -> None:
    """Remember ``value`` as a secret: :func:`redact` masks it wherever it appears, also
    percent-encoded (as it shows in a URL an error message quotes)."""
    if isinstance(value, str) and len(value.strip()) >= 4:
        _SECRETS.add(value.strip())
        _SECRETS.add(quote(value.strip(), safe=""))


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


def redact(text: object) -> str:
    """``text`` as a string with every registered secret and URL credential replaced by ``***``."""
    result = str(text)
    for secret in sorted(_SECRETS, key=len, reverse=True):
        result = result.replace(secret, MASK)
    for pattern, replacement in _URL_PATTERNS:
        result = pattern.sub(replacement, result)
    return result


class RedactingFilter(logging.Filter):
    """A logging filter that rewrites each record's message through :func:`redact`.

    Installed on the handlers of ``policywatch run`` and ``policywatch alerts`` so that
    no library (httpx, apprise, smtplib, Scrapy) can print a token into the logs.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = ()
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


#: Libraries whose lines are noise in the service log, with the level they are cut to
#: unless --verbose (APScheduler's "skipped: maximum number of running instances" is
#: reported by policywatch's own line instead).
CHATTY_LOGGERS = {"scrapy": logging.WARNING, "apscheduler": logging.ERROR, "httpx": logging.WARNING,
                  "httpcore": logging.WARNING, "twisted": logging.WARNING, "apprise": logging.WARNING,
                  "py.warnings": logging.WARNING}


def log_to_stderr(verbose: bool = False) -> None:
    """Timestamped log lines on stderr, each one passed through :class:`RedactingFilter`."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for name, quiet in CHATTY_LOGGERS.items():
        logging.getLogger(name).setLevel(logging.INFO if verbose else quiet)
    logging.captureWarnings(True)
