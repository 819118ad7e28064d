"""Entity ids and types: what `kg query` needs of the schema to resolve an id, without
importing the schema (its relations, units and qualifiers cost a small query 4 ms)."""

from __future__ import annotations

import re

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")  # entity and source ids

# Entity types: YAML `type` -> (ontology class local name, IRI path segment, extra fields).
# Extra fields are type-specific keys an entity record may carry besides the common ones.
ENTITY_TYPES: dict[str, dict] = {
    "Park": {"path": "park"},
    "Site": {"path": "site"},
    "Platform": {"path": "platform"},
    "IndustrialBase": {"path": "base"},
    "Company": {"path": "company"},
    "EnterpriseGroup": {"path": "group"},
    "PublicBody": {"path": "body"},
    "ResearchInstitute": {"path": "org"},
    "Person": {"path": "person"},
    "IndustryChain": {"path": "chain", "extra": {"segments"}},
    "ChainSegment": {"path": "segment"},
    "Industry": {"path": "industry"},
    "ApplicationField": {"path": "field"},
    "IndustryCluster": {"path": "cluster"},
    "Honour": {"path": "honour", "extra": {"level"}},
    "HonourList": {"path": "list"},
    "Product": {"path": "product"},
    "Technology": {"path": "technology"},
    "Brand": {"path": "brand"},
    "MarketRegion": {"path": "region"},
    "Project": {"path": "project"},
    "Meeting": {"path": "meeting"},
    "Policy": {"path": "policy"},
    "Initiative": {"path": "initiative"},
}
