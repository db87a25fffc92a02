"""A held-out article, written for these tests (never seen while the drafter
was tuned), about a fictional Chinese AI company, and the small fact base it
is drafted over. Published on Wednesday 11 June 2025."""

from __future__ import annotations

from pathlib import Path

from tests.knowledge.fixtures import ENTITIES, write_base

PUBLISHED = "2025-06-11"

ARTICLE = """\
Lumora bets on Spark-3.5 as rivals close in

Lumora Technologies Inc, a Hangzhou start-up, released Spark-3.5 on Monday. The company said its new \
model beats Acme One on coding benchmarks.

Spark-3.5 has 236B parameters, of which 21B are activated per token. It was trained on 9.6T tokens, \
the firm said.

Lumora raised $1.2 billion last month from investors led by Acme. Its revenue grew 40 per cent over \
the past year.

Chief executive Wang Lei said the firm plans to open-source the model by 2027. He added that Lumora \
will probably list in Hong Kong next year.

Analysts believe the lower price could pressure Acme. The U.S. Commerce Department has not commented. \
The Cyberspace Administration of China approved Spark-3.5 for public use on the 9th.

鹿摩表示，Spark-3.5的调用量在5月增长了一倍。该模型已接入公司的搜索产品。
"""

LUMORA = """\
  - id: lumora
    name: Lumora
    kind: company
    chinese_name: 鹿摩
    aliases: [Lumora Technologies]
    description: A fictional Hangzhou AI start-up.
"""


def write_heldout_base(root: Path) -> Path:
    """The fixtures' tiny base plus Lumora: Acme and Acme One are known,
    Spark-3.5, Wang Lei and the regulators are not."""
    return write_base(root, entities=ENTITIES + LUMORA)


def write_article(root: Path, name: str = "article.txt") -> Path:
    path = root / name
    path.write_text(ARTICLE, encoding="utf-8")
    return path
