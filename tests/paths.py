"""Where the tests find the project and their fact base.

Behaviour tests answer from `FT_BASE`, a frozen copy of the first article's
facts kept as test data, never from `knowledge/`: the shipped base grows with
every article, and a new article must never turn a behaviour test red. Only
tests/knowledge/test_shipped.py reads `knowledge/`, and it checks properties.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FT_BASE = ROOT / "tests" / "fixtures" / "ft_base"
