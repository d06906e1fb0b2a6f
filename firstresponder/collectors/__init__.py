"""Evidence collectors (one CollectorResult envelope each) and the parallel local engine."""

from firstresponder.collectors.context import CollectionContext
from firstresponder.collectors.engine import assemble_bundle, collect_all, run_task
from firstresponder.collectors.planning import CollectionTask, plan_collection, plan_followups
from firstresponder.collectors.registry import COLLECTORS, KIND_COLLECTORS

__all__ = ["COLLECTORS", "KIND_COLLECTORS", "CollectionContext", "CollectionTask", "assemble_bundle",
           "collect_all", "plan_collection", "plan_followups", "run_task"]
