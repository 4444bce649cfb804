"""Scale-out (issue 9): run the spiders on scrapyd nodes, ingest and alert in one coordinator.

Coordinator side:

* ``coordinator`` ``crawl_on_cluster`` / ``cluster_crawl``: schedule, poll, pull, ingest,
  run again elsewhere on failure
* ``pool``        which node gets the next job (live, a free slot, least loaded)
* ``jobs``        what a node is asked to run (spider, sources, settings, validators)
* ``itemsfeed``   reading a job's items feed incrementally, each line once
* ``ingestion``   the single archive writer, skipping pages pulled twice
* ``nodelog``     what a finished job's log says (closed normally? node-side counts)
* ``nodes``       the scrapyd HTTP API client (one node)
* ``deploy``      build the project egg and upload it (addversion.json)
* ``status``      what ``policywatch nodes`` reports

Node side (these run inside the crawl processes on the nodes):

* ``nodespiders`` the spiders taking their sources as JSON, with a scratch archive per job
* ``nodefeed``    the pipeline sending pages to the items feed instead of the archive

Running nodes: ``nodeconf`` (the scrapyd.conf a node needs) and ``localnode`` (a scrapyd
child process, for tests, benchmarks and trying the cluster out on one machine).

Nothing is imported here, so the CLI can load the deploy commands cheaply.
"""
