"""The layout numbers and colours every view and the page share."""

from __future__ import annotations

# vis-network lays out a few hundred nodes in a second or two and stalls past a few thousand;
# above this a view groups or ranks and its page says so.
MAX_NODES = 300
"""The most nodes one view holds; above it a view aggregates or ranks."""

# A park's own page inlines vis-network (about 0.6 MB): 200 of them would be 120 MB, so only the
# parks with most companies get one; the index and the matrix say which.
PARK_VIEWS = 50
"""The most parks that get a page of their own (`kg viz --park-views`)."""
TOP_LABELS = 25  # nodes of a force layout whose labels stay readable at the fitted zoom
LABEL_PX = 13  # their on-screen label size; other labels show when zoomed in far enough

DEFAULT_DEPTH = 2  # links around the entity of a focus view
LAYOUT_SEED = 7  # vis-network's layout.randomSeed for the views it lays out: same every load

CLASS_COLOURS = {
    "Park": "#1f77b4", "Site": "#aec7e8", "Platform": "#17becf", "IndustrialBase": "#9edae5",
    "Company": "#ff7f0e", "EnterpriseGroup": "#ffbb78", "PublicBody": "#d62728",
    "ResearchInstitute": "#ff9896", "Person": "#8c564b", "IndustryChain": "#2ca02c",
    "ChainSegment": "#98df8a", "Industry": "#9467bd", "ApplicationField": "#c5b0d5",
    "IndustryCluster": "#bcbd22", "Honour": "#e6ab02", "HonourList": "#dbdb8d",
    "Product": "#e377c2", "Technology": "#f7b6d2", "Brand": "#c49c94", "MarketRegion": "#7f7f7f",
    "Project": "#393b79", "Meeting": "#637939", "Policy": "#843c39", "Initiative": "#7b4173",
}
MORE = "More"  # the class of "+N" nodes that count what a view does not show one by one
MORE_COLOUR = "#cbd2d9"
GAP_COLOUR = "#ffffff"
TOP_NAMES = 20  # names listed in the tooltip of a "+N" or class node
FACTS_IN_TOOLTIP = 6

BOX = {"shape": "box", "widthConstraint": {"maximum": 170}}  # for views placed on a grid
COL_W, ROW_H = 210, 56  # grid spacing of the views placed in Python (chain, honours)
