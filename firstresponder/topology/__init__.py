"""Discovery of the resources around the alerting one (``discover`` -> ``Topology``)."""

from firstresponder.topology.budget import TopologyBudget
from firstresponder.topology.cluster_scan import CLUSTER_KIND
from firstresponder.topology.compact import compact_topology
from firstresponder.topology.dependencies import host_mentions
from firstresponder.topology.discovery import discover
from firstresponder.topology.hosts import HostMention, cluster_name, hosts_in_text
from firstresponder.topology.start import WORKLOAD_KIND

__all__ = ["CLUSTER_KIND", "WORKLOAD_KIND", "HostMention", "TopologyBudget", "cluster_name", "compact_topology", "discover", "host_mentions",
           "hosts_in_text"]
