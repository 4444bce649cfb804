"""Errors of the cluster package (imports nothing else of ours)."""
from __future__ import annotations


class ClusterError(Exception):
    """Something about the cluster set-up or a node is wrong; the message is one line for the user."""


class NodeError(ClusterError):
    """A scrapyd node answered with an error, or with something that is not its API."""


class NodeDown(NodeError):
    """A scrapyd node could not be reached (refused, timed out, reset, or a 5xx)."""
