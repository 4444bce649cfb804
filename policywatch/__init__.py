"""policywatch: the application shell (CLI, scheduler, alerts, web) around the engines."""

__version__ = "0.1.0"
