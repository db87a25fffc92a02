from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bot.core import Engine
from bot.frontends.cli import main
from tests.knowledge.fixtures import FACTS, write_base
from tests.paths import ROOT


def test_validate_summarises_a_good_base(tmp_path: Path, capsys) -> None:
    assert main(["validate", "--knowledge", str(write_base(tmp_path))]) == 0
    out = capsys.readouterr().out
    assert "OK: 1 source, 2 entities, 5 aliases, 2 facts" in out  # not "1 sources"


def test_validate_lists_every_problem_with_its_place(tmp_path: Path, capsys) -> None:
    facts = FACTS.replace("subject: acme\n    entities", "subject: ghost\n    entities")
    facts = facts.replace("nature: forecast", "nature: rumour")
    assert main(["validate", "--knowledge", str(write_base(tmp_path, facts__main=facts))]) == 1
    err = capsys.readouterr().err
    assert "2 problems:" in err
    assert "knowledge/facts/main.yaml:2 [release.acme-one]: entity 'ghost'" in err
    assert "knowledge/facts/main.yaml:10 [outlook.acme-wins]: nature: Input should be" in err


def _run(args: list[str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, capture_output=True,
                          text=True, timeout=60, cwd=ROOT, env={**os.environ, "DISCORD_TOKEN": ""})


def test_query_prints_plain_text() -> None:
    result = _run(["query", "compare deepseek qwen"])
    assert result.returncode == 0
    assert result.stdout.startswith("DeepSeek vs Qwen")
    assert "Financial Times" in result.stdout


def test_query_json_shape() -> None:
    result = _run(["query", "--json", "what did deepseek release"])
    (line,) = result.stdout.splitlines()
    answer = json.loads(line)
    assert answer["query"] == "what did deepseek release"
    assert answer["kind"] == "answer"
    assert "deepseek" in answer["entities"]
    assert answer["text"].startswith("what did deepseek release")
    fact = answer["facts"][0]
    assert set(fact) >= {"id", "statement", "source"}
    assert fact["source"]["id"] == "ft-2025-china-ai-race-tension"
    assert answer["suggestions"] == []


def test_batch_mode_answers_every_line_in_order() -> None:
    queries = ["compare deepseek qwen", "about 百度", "", "weather tomorrow", "!help",
               "compare deepseek", "timeline", "sources", "entities", "about huawei"]
    result = _run(["query", "--json"], stdin="\n".join(queries) + "\n")
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a["query"] for a in answers] == queries
    assert [a["kind"] for a in answers] == [
        "comparison", "entity", "usage_error", "not_found", "help", "usage_error", "timeline",
        "sources", "entities", "not_found"]


def test_console_answers_and_quits() -> None:
    result = _run(["console"], stdin="about deepsek\nquit\n")
    assert result.returncode == 0
    assert "DeepSeek (深度求索)" in result.stdout


def test_start_without_token_opens_the_console_and_says_why() -> None:
    result = _run(["start"], stdin="help\n")
    assert result.returncode == 0
    assert "No DISCORD_TOKEN set" in result.stderr
    assert "compare <A> <B>" in result.stdout


def test_the_shipped_env_example_copied_as_is_starts_the_console(tmp_path: Path) -> None:
    """README step 2, `cp .env.example .env`: its empty values mean "not set"."""
    (tmp_path / ".env").write_text((ROOT / ".env.example").read_text())
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    result = subprocess.run([sys.executable, "-m", "bot", "start"], input="about deepseek\n",
                            capture_output=True, text=True, timeout=60, cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "DeepSeek" in result.stdout


def test_a_bad_setting_is_one_clear_line(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("SHARD_COUNT=lots\n")
    result = subprocess.run([sys.executable, "-m", "bot", "query", "about qwen"], capture_output=True,
                            text=True, timeout=60, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "Bad setting (environment or .env): SHARD_COUNT: Input should be a valid integer, "
        "unable to parse string as an integer"]


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    """`python -m bot query ... | head`: no BrokenPipeError traceback."""
    err = tmp_path / "err.txt"
    command = (f"yes timeline | head -n 3000 | {sys.executable} -m bot query 2>{err} | head -n 1")
    result = subprocess.run(command, shell=True, capture_output=True, text=True, timeout=120,
                            cwd=ROOT)
    assert result.stdout.strip() == "Timeline"
    assert "Traceback" not in err.read_text()
    assert "BrokenPipe" not in err.read_text()


def test_validate_wants_a_record_for_every_source(tmp_path: Path, capsys) -> None:
    knowledge = write_base(tmp_path)
    (tmp_path / "seeds" / "src-a.md").unlink()
    assert main(["validate", "--knowledge", str(knowledge)]) == 1
    err = capsys.readouterr().err
    assert "knowledge/sources.yaml:2 [src-a]: no source record at seeds/src-a.md" in err


def test_console_reload_swaps_in_an_edit_or_keeps_the_old_base(tmp_path: Path) -> None:
    """A maintainer edits a file and types `reload` in the console: no Discord needed."""
    import io

    from bot.frontends.console import run_console
    from bot.knowledge import Loader

    knowledge = write_base(tmp_path)
    loader = Loader(knowledge)
    facts = knowledge / "facts" / "main.yaml"

    class Editing(io.StringIO):
        """stdin whose lines edit the base between questions."""

        def readline(self, *args) -> str:
            line = super().readline(*args)
            if line == "reload\n" and "cheered" not in facts.read_text():
                facts.write_text(FACTS.replace("put out its first model", "cheered a new chip"))
            elif line == "reload\n":
                facts.write_text("facts: [")
            return line

    out = io.StringIO()
    stdin = Editing("about acme\nreload\nabout acme\nreload\nabout acme\n")
    assert run_console(Engine(loader.load()), stdin=stdin, stdout=out, loader=loader) == 0
    text = out.getvalue()
    assert "Reloaded:" in text and "1 changed (release.acme-one)" in text
    assert "Reload refused, the old fact base keeps answering" in text
    assert "knowledge/facts/main.yaml" in text
    assert text.rsplit("Reload refused", 1)[1].count("cheered a new chip") == 1
