"""Pure diagnosis: detectors, ranking with calibrated confidence, and validated remediation.

``diagnose(bundle, now, weights=...)`` is the entry point; ``validate_command`` checks any kubectl
command (for example one a model proposes) against a topology before it is shown.
"""

from firstresponder.analysis.diagnosis import diagnose
from firstresponder.analysis.finding import Finding
from firstresponder.analysis.ranking import WEIGHT_MAX, WEIGHT_MIN, clamp_weight
from firstresponder.analysis.registry import DETECTORS, Detector
from firstresponder.analysis.remediation.known import validation_topology
from firstresponder.analysis.remediation.validator import validate_command

__all__ = ["DETECTORS", "WEIGHT_MAX", "WEIGHT_MIN", "Detector", "Finding", "clamp_weight", "diagnose",
           "validate_command", "validation_topology"]
