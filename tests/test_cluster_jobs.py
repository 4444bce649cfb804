"""What the coordinator asks of nodes, and how it picks them: jobs, batches, node choice, node logs."""
from __future__ import annotations

import json
import os

from hypothesis import given
from hypothesis import strategies as st

from crawler.runner import SPIDERS
from crawler.sources import Source
from policywatch.cluster.jobs import (
    SCRATCH_SUFFIX,
    auto_batch_size,
    batches,
    job_for,
    setting_strings,
    unpack,
)
from policywatch.cluster.nodelog import (
    finish_reason,
    items_scraped,
    last_error,
    node_runlogs,
    node_validators,
    runlog_line,
    validators_line,
)
from policywatch.cluster.nodes import NodeLoad, ScrapydNode
from policywatch.cluster.nodespiders import NODE_SPIDERS
from policywatch.cluster.pool import NodePool, NodeState


def source(name: str, kind: str = "feed") -> Source:
    return Source(name=name, kind=kind, url=f"https://example.org/{name}.xml", follow=("mp.weixin.qq.com",))


def test_a_job_carries_its_sources_and_turns_the_archive_pipeline_off() -> None:
    spec = job_for([source("miit-zcjd", "miit")], settings={"DOWNLOAD_DELAY": "0"})
    assert spec.spider == "miit"
    assert [Source.from_dict(d) for d in json.loads(spec.args["sources_json"])] == [source("miit-zcjd", "miit")]
    settings = spec.settings_for("job-1")
    assert json.loads(settings["ITEM_PIPELINES"]) == {"policywatch.cluster.nodefeed.PageFeedPipeline": 900}
    assert "crawler.pipelines.IngestPipeline" not in settings["ITEM_PIPELINES"]
    assert settings["SPIDER_MODULES"] == "policywatch.cluster.nodespiders"
    assert settings["POLICYWATCH_DB"] == "job-1" + SCRATCH_SUFFIX
    assert settings["DOWNLOAD_DELAY"] == "0"


def test_every_source_kind_has_a_node_spider_of_the_same_name() -> None:
    assert {kind: cls.name for kind, cls in NODE_SPIDERS.items()} == {k: c.name for k, c in SPIDERS.items()}
    for kind, cls in NODE_SPIDERS.items():
        assert issubclass(cls, SPIDERS[kind])


def test_node_spiders_read_sources_from_json() -> None:
    sources = [source("a"), source("b")]
    spider = NODE_SPIDERS["feed"](sources_json=json.dumps([s.to_dict() for s in sources], ensure_ascii=False))
    assert spider.sources == sources


def test_job_ids_are_file_name_safe_and_unique_per_attempt() -> None:
    spec = job_for([source("工信部/feed 1"), source("b")])
    first, second = spec.job_id("run1", 1), spec.job_id("run1", 2)
    assert first != second and "/" not in first and " " not in first
    assert first.startswith("run1-") and first.endswith("+1-1")


@given(st.lists(st.sampled_from(["miit", "feed", "page"]), max_size=40), st.integers(1, 10))
def test_batches_keep_every_source_once_and_one_kind_per_job(kinds: list[str], size: int) -> None:
    sources = [source(f"s{i}", kind) for i, kind in enumerate(kinds)]
    jobs = batches(sources, size)
    assert sorted(s.name for job in jobs for s in job) == sorted(s.name for s in sources)
    assert all(0 < len(job) <= size and len({s.kind for s in job}) == 1 for job in jobs)


def test_auto_batch_size_gives_each_slot_a_few_jobs() -> None:
    assert auto_batch_size(4, slots=4) == 1
    assert auto_batch_size(120, slots=4) == 10
    assert auto_batch_size(5000, slots=4) == 25


def test_settings_travel_as_text() -> None:
    assert setting_strings({"DOWNLOAD_DELAY": 0, "ITEM_PIPELINES": {"x.Y": 1}, "ROBOTSTXT_OBEY": False}) == {
        "DOWNLOAD_DELAY": "0", "ITEM_PIPELINES": '{"x.Y": 1}', "ROBOTSTXT_OBEY": "false"}


def _state(url: str, *, load: tuple[int, int] = (0, 0), ours: int = 0, up: bool = True) -> NodeState:
    return NodeState(ScrapydNode(url), up=up, ours=ours, load=NodeLoad(load[0], load[1], 0))


def test_the_least_loaded_live_node_with_a_free_slot_gets_the_job() -> None:
    pool = NodePool([ScrapydNode("http://a:1")], slots=2)
    busy, idle, down = _state("http://a:1", load=(3, 2)), _state("http://b:1", load=(0, 1)), \
        _state("http://c:1", up=False)
    pool.states = [busy, idle, down]
    assert pool._pick(()) is idle
    idle.ours = 2  # its slots are ours and full
    assert pool._pick(()) is busy
    busy.ours = 2
    assert pool._pick(()) is None  # everyone is full: wait


def test_idle_nodes_take_turns() -> None:
    pool = NodePool([ScrapydNode("http://a:1")], slots=2)
    a, b = _state("http://a:1"), _state("http://b:1")
    a.load, b.load = NodeLoad(0, 0, 12), NodeLoad(0, 0, 11)
    pool.states = [a, b]
    assert pool._pick(()) is b


def test_a_node_that_failed_the_job_is_avoided_while_others_can_take_it() -> None:
    pool = NodePool([ScrapydNode("http://a:1")], slots=2)
    a, b = _state("http://a:1"), _state("http://b:1", load=(1, 1))
    pool.states = [a, b]
    assert pool._pick({"http://a:1"}) is b
    pool.states = [a]
    assert pool._pick({"http://a:1"}) is a  # the only node left: try it again


def test_reading_a_node_log() -> None:
    log = "\n".join([
        "2026-01-07 10:00:00 [scrapy.core.engine] INFO: Spider opened",
        "2026-01-07 10:00:01 [scrapy.core.scraper] ERROR: Spider error processing <GET http://x/a>",
        "2026-01-07 10:00:02 [policywatch.cluster.nodefeed] INFO: "
        + runlog_line("feed-1", {"pages": 3, "skipped": 2, "errors": 4}, ["http://x/a: HTTP 500"]),
        "2026-01-07 10:00:02 [policywatch.cluster.nodefeed] INFO: policywatch-runlog {broken",
        "2026-01-07 10:00:02 [scrapy.statscollectors] INFO: Dumping Scrapy stats:",
        "{'downloader/request_count': 9,", " 'item_scraped_count': 3,", " 'log_count/ERROR': 1}",
        "2026-01-07 10:00:03 [scrapy.core.engine] INFO: Spider closed (finished)",
    ])
    assert finish_reason(log) == "finished"
    assert items_scraped(log) == 3 and items_scraped("no stats") is None
    assert finish_reason(log.rsplit("\n", 1)[0]) is None
    assert "Spider error processing" in last_error(log)
    [entry] = node_runlogs(log)
    assert (entry.source, entry.counts["skipped"], entry.errors) == ("feed-1", 2, ["http://x/a: HTTP 500"])


def test_validators_travel_packed_and_are_dropped_whole_when_too_big() -> None:
    small = {"https://www.miit.gov.cn/zwgk/zcjd/index.html": {"etag": '"abc"', "last_modified": "Wed, 07 Jan 2026"}}
    spec = job_for([source("a"), source("b")], validators={"a": small, "b": {}})
    assert unpack(spec.args["validators_z"]) == {"a": small}
    huge = {f"https://example.org/{i}/{os.urandom(24).hex()}": {"etag": os.urandom(24).hex()} for i in range(4000)}
    spec = job_for([source("a"), source("b")], validators={"a": small, "b": huge})
    assert unpack(spec.args["validators_z"]) == {"a": small}
    assert "validators_z" not in job_for([source("a")], validators={}).args


def test_reading_validators_back_from_a_node_log() -> None:
    log = ("x INFO: " + validators_line({"feed-1": {"http://x/feed.xml": {"etag": '"1"', "last_modified": ""}}})
           + "\ny INFO: policywatch-validators {not json\n")
    assert node_validators(log) == {"feed-1": {"http://x/feed.xml": {"etag": '"1"'}}}


def test_the_coordinator_ingests_with_the_configuration_of_a_local_crawl(tmp_path) -> None:
    """[watch] unreachable_after and [plans] rules reach the cluster's ingest as text settings, unchanged."""
    from crawler.lifecycle import PLAN_RULES_SETTING, rules_setting
    from crawler.pipelines import ingestor_for
    from crawler.runner import crawl_settings
    from diffing.lifecycle import PlanRules
    from store.archive import Archive

    rules = PlanRules(auto=False, sources=("ndrc",), title_patterns=("行动方案$",))
    overrides = {"POLICYWATCH_UNREACHABLE_AFTER": 5, PLAN_RULES_SETTING: rules_setting(rules)}
    with Archive(tmp_path / "a.db") as archive:
        local = ingestor_for(archive, crawl_settings(str(tmp_path / "a.db"), overrides))
        cluster = ingestor_for(archive, setting_strings(overrides))
        default = ingestor_for(archive, {})
    assert (cluster.unreachable_after, cluster.lifecycle.rules) == (local.unreachable_after, local.lifecycle.rules)
    assert (cluster.unreachable_after, cluster.lifecycle.rules) == (5, rules)
    assert default.unreachable_after == 3 and default.lifecycle.rules == PlanRules()
