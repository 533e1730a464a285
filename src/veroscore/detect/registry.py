"""The explicit list of Python detectors; add a detector by adding it here."""

from __future__ import annotations

from veroscore.detect.base import Detector
from veroscore.detect.detectors.architecture import ArchitectureDetector
from veroscore.detect.detectors.dates import DateDetector
from veroscore.detect.detectors.missing_tests import MissingTestsDetector
from veroscore.detect.detectors.rls_sql import RlsSqlDetector
from veroscore.detect.detectors.secrets import SecretsDetector
from veroscore.detect.detectors.supabase_client import SupabaseClientDetector
from veroscore.detect.detectors.tenant_ids import TenantIdDetector


def python_detectors(change_level: bool = True) -> list[Detector]:
    """Fresh instances of every Python detector, in a stable order.

    `change_level` adds the detectors that judge a change as a whole (missing tests),
    which mean nothing for `veroscore scan` over a folder.
    """
    detectors: list[Detector] = [
        SecretsDetector(),
        TenantIdDetector(),
        DateDetector(),
        RlsSqlDetector(),
        SupabaseClientDetector(),
        ArchitectureDetector(),
    ]
    if change_level:
        detectors.append(MissingTestsDetector())
    return detectors
