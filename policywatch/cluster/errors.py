"""Errors of the cluster package (its base is in the one error tree, policywatch/errors.py)."""
from __future__ import annotations

from policywatch.errors import PolicywatchError


class ClusterError(PolicywatchError):
    """Something about the cluster set-up or a node is wrong; the message is one line for the user."""


class NodeError(ClusterError):
    """A scrapyd node answered with an error, or with something that is not its API."""


class NodeDown(NodeError):
    """A scrapyd node could not be reached (refused, timed out, reset, or a 5xx)."""
