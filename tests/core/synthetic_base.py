"""A large fact base built in memory, for the picture's top-N limit."""

from __future__ import annotations

from bot.knowledge import KnowledgeBase
from bot.knowledge.loader import ParsedFile, build
from bot.knowledge.schema import Citation, Entity, Fact, Relation, Source, When

MARKET_WORDS = ("Its shares lagged badly.", "Its share price doubled.", "Investors show confidence.")


def synthetic_base(n_entities: int = 10_000, n_facts: int = 3_000) -> KnowledgeBase:
    """Companies (every fifth entity) each with four models; each company a
    rival of the next; facts spread unevenly so fact counts differ."""
    source = Source(id="synthetic", title="A synthetic article", outlet="Test Wire",
                    published="2025-01", record="seeds/synthetic.md", paragraphs=10)
    entities = []
    for i in range(n_entities):
        company = i - i % 5
        if i % 5 == 0:
            nxt = (i + 5) % n_entities
            relations = [Relation(type="rival", target=f"e{nxt}")] if nxt != i else []
            entities.append(Entity(id=f"e{i}", name=f"Company {i}", kind="company",
                                   chinese_name=f"公司{i}", description="A synthetic company.",
                                   relations=relations))
        else:
            entities.append(Entity(id=f"e{i}", name=f"Model {i}", kind="model", parent=f"e{company}",
                                   description="A synthetic model."))
    facts = []
    when = When(as_of_source=True)
    for j in range(n_facts):
        # most facts about low-numbered companies, so fact counts differ and the
        # best-covered entities are linked to one another
        skewed = int(40 * (((j * 7919) % 1000) / 1000) ** 2)  # 0..39, low ones more often
        subject = 5 * skewed if j % 3 else (j * 7) % n_entities
        other = (subject + 1) if j % 2 else (j * 7919) % n_entities
        market = subject % 5 == 0 and j % 4 == 0
        facts.append(Fact(
            id=f"f{j}", subject=f"e{subject}", entities=[f"e{other}"] if other != subject else [],
            category="market" if market else "context",
            statement=MARKET_WORDS[subject % 3] if market else f"Synthetic statement {j}.",
            when=when, cite=Citation(source="synthetic", paragraph=1 + j % 10), nature="reported"))
    parsed = ParsedFile("knowledge/synthetic.yaml", "0" * 64, sources=[source], entities=entities,
                        facts=facts)
    return build([parsed])
