from __future__ import annotations

from bot.core import Kind, route


def test_compare_puts_two_entities_side_by_side_with_citations(engine) -> None:
    answer = route(engine, "compare deepseek qwen")
    assert answer.kind is Kind.COMPARISON
    assert answer.entities == ("deepseek", "qwen")
    assert [r.label for r in answer.rows][:3] == ["What it is", "Latest development", "Capabilities"]
    cited = {f.id for f in answer.facts}
    for row in answer.rows:
        for cell in row.cells:
            assert set(cell.facts) <= cited
    assert any("Alibaba" in line for line in answer.sections[0].lines)  # Qwen's maker links them


def test_compare_says_what_the_sources_do_not_cover(engine) -> None:
    answer = route(engine, "compare deepseek baidu")
    market = next(r for r in answer.rows if r.label == "Market reception")
    assert market.cells[0].text == "not covered by the sources"
    assert market.cells[1].facts
    assert market.differs


def test_compare_of_model_and_maker_says_who_makes_what(engine) -> None:
    answer = route(engine, "compare qwen alibaba")
    assert "Qwen is made by Alibaba" in answer.sections[0].lines


def test_compare_takes_multiword_names_without_quotes(engine) -> None:
    assert route(engine, "!compare hugging face deepseek").entities == ("hugging-face", "deepseek")
    assert route(engine, "compare 百度 腾讯 阿里巴巴 千问").entities == (
        "baidu", "tencent", "alibaba", "qwen")


def test_compare_errors_are_specific(engine) -> None:
    unknown = route(engine, "compare deepseek huawei")
    assert unknown.kind is Kind.NOT_FOUND and "huawei" in unknown.summary
    twice = route(engine, "compare deepseek 深度求索")
    assert twice.kind is Kind.USAGE_ERROR and "twice" in twice.summary
    one = route(engine, "compare deepseek")
    assert one.kind is Kind.USAGE_ERROR and "two to four" in one.summary
    five = engine.compare(["deepseek", "qwen", "baidu", "tencent", "openai"])
    assert five.kind is Kind.USAGE_ERROR and "at most 4" in five.summary


def test_compare_typo_with_several_candidates_offers_did_you_mean(engine) -> None:
    answer = engine.compare(["deepseekv", "qwen"])
    assert answer.kind is Kind.NOT_FOUND
    assert set(answer.suggestions) == {"DeepSeek", "DeepSeek V3"}
    assert "Did you mean" in answer.summary


def test_about_is_an_entity_card(engine) -> None:
    answer = route(engine, "about 通义千问")
    assert answer.kind is Kind.ENTITY
    assert answer.title == "Qwen (通义千问)"
    glance = answer.sections[0].lines
    assert "Made by: Alibaba" in glance and "Kind: model" in glance
    assert answer.facts and all(f.cite.source_id for f in answer.facts)


def test_ask_answers_from_facts_with_citations(engine) -> None:
    answer = route(engine, "what did deepseek release?")
    assert answer.kind is Kind.ANSWER
    assert "deepseek" in answer.entities
    assert any("released" in f.statement for f in answer.facts)
    assert all(f.cite.paragraph >= 1 for f in answer.facts)


def test_ask_stems_words_and_needs_no_entity(engine) -> None:
    answer = route(engine, "what do investors think")
    assert answer.kind is Kind.ANSWER
    assert any(f.subject == "investors" or "investor" in f.statement.lower() for f in answer.facts)


def test_asking_about_a_model_brings_in_its_maker(engine) -> None:
    answer = route(engine, "how did investors react to qwen")
    assert "alibaba" in answer.entities


def test_forecasts_are_labelled_as_the_articles_view(engine) -> None:
    answer = route(engine, "who will dominate government contracts")
    forecast = [f for f in answer.facts if f.nature == "forecast"]
    assert forecast
    assert all("article" in f.label.lower() for f in answer.facts if f.is_view)


def test_out_of_scope_questions_are_refused_without_padding(engine) -> None:
    for question in ["what's the weather in Beijing?", "who won the football?",
                     "tell me about Huawei", "如何做饭"]:
        answer = route(engine, question)
        assert answer.kind is Kind.NOT_FOUND, question
        assert answer.facts == ()
        assert "DeepSeek" in answer.summary  # says what it does know


def test_timeline_is_in_date_order(engine) -> None:
    answer = route(engine, "timeline")
    keys = [engine.event_date(engine.kb.facts[f.id]) for f in answer.facts]
    assert keys == sorted(keys) and len(keys) >= 3
    deepseek = route(engine, "timeline deepsek")
    assert deepseek.entities == ("deepseek",)
    assert all("deepseek" in (f.subject, *engine.kb.facts[f.id].entities) for f in deepseek.facts)


def test_sources_list_articles_and_the_facts_citing_them(engine) -> None:
    answer = route(engine, "sources baidu")
    assert answer.kind is Kind.SOURCES
    lines = answer.sections[0].lines
    statement = engine.kb.facts["market.baidu-underperforms"].statement
    assert any(statement in line for line in lines)  # the statements, not bare ids
    assert not any("qwen" in line for line in lines)


def test_entities_grouped_by_kind(engine) -> None:
    answer = route(engine, "entities")
    titles = [s.title for s in answer.sections]
    assert "Company" in titles and "Model" in titles
    companies = route(engine, "entities companies")
    assert [s.title for s in companies.sections] == ["Company"]
    assert route(engine, "entities planets").kind is Kind.USAGE_ERROR


def test_help_lists_every_command_with_an_example(engine) -> None:
    answer = route(engine, "help")
    text = "\n".join(answer.sections[0].lines)
    for command in ("ask", "compare", "about", "timeline", "sources", "entities"):
        assert f"`{command}" in text


def test_empty_arguments_get_usage_help(engine) -> None:
    for line in ("about", "ask", "compare", "!about   "):
        assert route(engine, line).kind is Kind.USAGE_ERROR, line


def test_answers_are_deterministic(engine) -> None:
    for line in ("what did deepseek release", "compare qwen v3", "timeline", "tencnet shares"):
        assert route(engine, line) == route(engine, line)


def test_a_question_about_something_else_is_refused_even_if_some_words_match(engine) -> None:
    answer = route(engine, "who makes the best dumplings")
    assert answer.kind is Kind.NOT_FOUND
    assert "“dumplings”" in answer.summary


def test_chinese_question_words_find_facts_by_topic(engine) -> None:
    release = route(engine, "DeepSeek 发布了什么？")
    assert "released" in release.facts[0].statement
    shares = route(engine, "百度的股价怎么样")
    assert shares.entities[0] == "baidu"
    assert "shares" in shares.facts[0].statement
    assert route(engine, "天气怎么样").kind is Kind.NOT_FOUND


def test_answers_carry_the_names_the_base_does_not_know(engine) -> None:
    assert route(engine, "tell me about Huawei").unknown == ("huawei",)
    assert route(engine, "compare deepseek Zhipu").unknown == ("zhipu",)
    assert route(engine, "what did deepseek release").unknown == ()


def test_an_unknown_name_is_offered_the_main_companies_and_models(engine) -> None:
    answer = route(engine, "about quux")
    assert answer.kind is Kind.NOT_FOUND and not answer.suggestions
    offered = answer.summary.split("I know about ", 1)[1]
    for name in ("DeepSeek", "Alibaba", "Baidu", "Tencent", "Qwen", "DeepSeek V3"):
        assert name in offered, name
    for name in ("China", "Chinese tech groups", "Investors"):  # many facts, but not what people ask
        assert name not in offered, name
    assert len(engine.known_names()) <= 8
