from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.knowledge import KnowledgeError, Loader, load
from tests.knowledge.fixtures import ENTITIES, FACTS, SOURCES, write_base


def problems_of(root: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as info:
        load(root)
    return [str(p) for p in info.value.problems]


def test_valid_base_is_indexed(tmp_path: Path) -> None:
    kb = load(write_base(tmp_path))
    assert kb.counts() == {"sources": 1, "entities": 2, "aliases": 5, "facts": 2}
    assert kb.alias_index["阿 克 米"] == "acme"
    assert kb.alias_index["acme corp"] == "acme"
    assert kb.facts_by_entity["acme-one"] == ("release.acme-one",)
    assert kb.children["acme"] == ("acme-one",)
    assert kb.locations["fact:outlook.acme-wins"].line == 10
    assert kb.locations["fact:outlook.acme-wins"].file == "knowledge/facts/main.yaml"


def test_version_changes_with_content(tmp_path: Path) -> None:
    before = load(write_base(tmp_path)).version
    after = load(write_base(tmp_path, facts__main=FACTS.replace("first model", "1st model")))
    assert before != after.version


def test_yaml_syntax_error_has_file_and_line(tmp_path: Path) -> None:
    broken = FACTS.replace("entities: [acme-one]", "entities: [acme-one")
    (problem,) = problems_of(write_base(tmp_path, facts__main=broken))
    assert problem.startswith("knowledge/facts/main.yaml:")
    assert "YAML syntax error" in problem


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("paragraph: 1}", "paragraph: one}", "[release.acme-one]: cite.paragraph: Input should be"),
        ("nature: forecast", "nature: forecast\n    colour: red", "[outlook.acme-wins]: colour: unknown"),
        ("statement: Acme put out its first model.", 'statement: "  "', "[release.acme-one]: statement"),
        ('"2025-03-24"', '"2025-02-30"', "impossible date: day 30"),
        ('"2025-03-24"', '"2025-13"', "impossible date: month 13"),
        ("category: release", "category: gossip", "[release.acme-one]: category: Input should be"),
    ],
)
def test_entry_errors_name_file_entry_and_line(tmp_path, old, new, expected) -> None:
    (problem,) = problems_of(write_base(tmp_path, facts__main=FACTS.replace(old, new)))
    assert problem.startswith("knowledge/facts/main.yaml:")
    assert expected in problem


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    facts = FACTS.replace("subject: acme\n    entities", "subject: nobody\n    entities")
    facts = facts.replace("source: src-a, paragraph: 3", "source: src-z, paragraph: 3")
    entities = ENTITIES.replace("parent: acme", "parent: ghost")
    found = problems_of(write_base(tmp_path, facts__main=facts, entities=entities))
    assert any("[release.acme-one]: entity 'nobody' is not a known entity" in p for p in found)
    assert any("[outlook.acme-wins]: source 'src-z' is not a known source" in p for p in found)
    assert any("entities.yaml:10 [acme-one]: parent 'ghost'" in p for p in found)
    assert len(found) == 3


def test_duplicate_ids_across_files_point_at_the_first(tmp_path: Path) -> None:
    knowledge = write_base(tmp_path)
    (knowledge / "facts" / "more.yaml").write_text(FACTS.split("  - id: outlook")[0])
    (problem,) = problems_of(knowledge)
    assert problem.startswith("knowledge/facts/more.yaml:2 [release.acme-one]: duplicate fact id")
    assert "knowledge/facts/main.yaml:2" in problem


def test_alias_shared_by_two_entities(tmp_path: Path) -> None:
    entities = ENTITIES.replace("aliases: [A1]", "aliases: [A1, ACME-corp]")
    (problem,) = problems_of(write_base(tmp_path, entities=entities))
    assert "[acme-one]" in problem
    assert "'ACME-corp' is also an alias of entity 'acme'" in problem


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("facts: [release.acme-one]}", "facts: [release.nope]}", "cites unknown fact 'release.nope'"),
        ("target: acme,", "target: ghost,", "relation target 'ghost'"),
    ],
)
def test_dangling_references_in_entities(tmp_path, old, new, expected) -> None:
    (problem,) = problems_of(write_base(tmp_path, entities=ENTITIES.replace(old, new, 1)))
    assert expected in problem


def test_paragraph_past_the_end_of_the_source(tmp_path: Path) -> None:
    facts = FACTS.replace("paragraph: 3", "paragraph: 9")
    (problem,) = problems_of(write_base(tmp_path, facts__main=facts))
    assert "paragraph 9 is past the end of 'src-a', which has 3" in problem


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "the file is empty"),
        (b"# only a comment\n", "the file is empty"),
        (b"just a sentence", "the top level must be a mapping"),
        (b"- a\n- b\n", "the top level must be a mapping"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", "not UTF-8"),
        (b"facts: 3\n", "facts must be a list"),
        (b"people: []\n", "unknown section 'people'"),
    ],
)
def test_files_that_are_not_knowledge(tmp_path, content, expected) -> None:
    knowledge = write_base(tmp_path)
    (knowledge / "odd.yaml").write_bytes(content)
    (problem,) = problems_of(knowledge)
    assert problem.startswith("knowledge/odd.yaml")
    assert expected in problem


def test_missing_directory(tmp_path: Path) -> None:
    (problem,) = problems_of(tmp_path / "nowhere")
    assert "does not exist" in problem


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file(tmp_path: Path) -> None:
    knowledge = write_base(tmp_path)
    (knowledge / "sources.yaml").chmod(0)
    assert any("cannot read" in p for p in problems_of(knowledge))


def test_symlink_loop_does_not_hang(tmp_path: Path) -> None:
    knowledge = write_base(tmp_path)
    (knowledge / "loop").symlink_to(knowledge, target_is_directory=True)
    (knowledge / "self.yaml").symlink_to(knowledge / "self.yaml")
    (problem,) = problems_of(knowledge)
    assert problem.startswith("knowledge/self.yaml: cannot read the file")


def test_reload_reparses_only_changed_files(tmp_path: Path, monkeypatch) -> None:
    from bot.knowledge import loader as loader_module

    knowledge = write_base(tmp_path)
    loader = Loader(knowledge)
    first = loader.load()
    parsed: list[str] = []
    real = loader_module.parse_file
    monkeypatch.setattr(loader_module, "parse_file",
                        lambda p, r, parts: parsed.append(r) or real(p, r, parts))
    (knowledge / "sources.yaml").write_text(SOURCES.replace("Test Times", "Other Times"))
    second = loader.load()
    assert parsed == ["knowledge/sources.yaml"]
    assert second.sources["src-a"].outlet == "Other Times"
    assert second.version != first.version


def test_fifo_is_refused_not_read(tmp_path: Path) -> None:
    knowledge = write_base(tmp_path)
    os.mkfifo(knowledge / "pipe.yaml")
    (problem,) = problems_of(knowledge)
    assert problem == "knowledge/pipe.yaml: not a regular file"


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_reloads_leave_no_garbage_pinned(tmp_path: Path) -> None:
    """A reload runs in a worker thread while the event loop goes on making garbage:
    cycles made meanwhile must still be collected, and nothing is frozen."""
    import gc
    import threading
    import weakref

    knowledge = write_base(tmp_path)
    loader = Loader(knowledge)
    alive = []
    for n in range(5):
        cycle = _Cycle()
        alive.append(weakref.ref(cycle))
        del cycle  # garbage now, collectable only by the cycle collector
        (knowledge / "facts" / "main.yaml").write_text(FACTS.replace("first model", f"model {n}"))
        worker = threading.Thread(target=loader.load)
        worker.start()
        worker.join()
    gc.collect()
    assert [ref for ref in alive if ref() is not None] == []
    assert gc.get_freeze_count() == 0
    assert gc.isenabled()


def test_the_version_depends_on_the_files_not_the_directory_name(tmp_path: Path) -> None:
    first = write_base(tmp_path / "a")
    second = tmp_path / "b" / "knowledge-p1"
    second.parent.mkdir()
    first.rename(second)
    copy = write_base(tmp_path / "c")
    assert load(second).version == load(copy).version


def _problems(tmp_path: Path, **overrides: str) -> list[str]:
    with pytest.raises(KnowledgeError) as exc:
        load(write_base(tmp_path, **overrides))
    return [str(p) for p in exc.value.problems]


def test_unfinished_statements_are_refused(tmp_path: Path) -> None:
    facts = FACTS.replace("statement: Acme put out its first model.",
                          "statement: 'TODO: rewrite in your own words'")
    assert any("[release.acme-one]" in p and "still says TODO" in p
               for p in _problems(tmp_path, facts__main=facts))


def test_a_reported_fact_after_its_source_appeared_is_refused(tmp_path: Path) -> None:
    facts = FACTS.replace('when: {date: "2025-03-24"}', 'when: {date: "2025-05-02"}')
    problems = _problems(tmp_path, facts__main=facts)
    assert any("knowledge/facts/main.yaml:2 [release.acme-one]" in p and "after its source" in p
               for p in problems), problems
    # the same date is fine for a plan
    plan = facts.replace("nature: reported", "nature: plan\n    by: acme")
    assert load(write_base(tmp_path / "plan", facts__main=plan)).facts["release.acme-one"]


def test_an_unknown_id_gets_a_did_you_mean(tmp_path: Path) -> None:
    facts = FACTS.replace("entities: [acme-one]", "entities: [acme-on]")
    assert any("'acme-on' is not a known entity: did you mean 'acme-one'?" in p
               for p in _problems(tmp_path, facts__main=facts))


def test_a_statement_that_repeats_its_evidence_is_refused(tmp_path: Path) -> None:
    facts = FACTS.replace("statement: Acme put out its first model.",
                          "statement: As the paper said, Acme put out its first model to the world.\n"
                          "    evidence: Acme put out its first model to the world on Monday.")
    assert any("[release.acme-one]" in p and "repeats 8 or more words of its evidence" in p
               for p in _problems(tmp_path, facts__main=facts))
