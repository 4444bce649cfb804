"""The review page: a FastAPI app over the archive (inbox, documents, diffs, search, plans, JSON API).

``create_app(db_path)`` builds the app; ``policywatch serve`` runs it under uvicorn.
"""
from policywatch.web.app import create_app

__all__ = ["create_app"]
