"""The review page's routes, one module per page; ``ROUTERS`` is what the app includes."""
from policywatch.web.routes import api, apidocs, diff, documents, feed, inbox, life, plans, search, sources

ROUTERS = [inbox.router, feed.router, documents.router, diff.router, search.router, plans.router, life.router,
           api.router, sources.router, apidocs.router]
