"""The console and the command line draw the pictures Discord attaches, and say where."""

from __future__ import annotations

import io
import re
from pathlib import Path

from bot.core import Engine
from bot.frontends.cli import main
from bot.frontends.console import run_console
from bot.output.pictures.draw import png_size


def printed_pictures(text: str) -> list[Path]:
    return [Path(p) for p in re.findall(r"^Picture: (.+)$", text, re.MULTILINE)]


def test_query_writes_landscape_and_card_into_the_pictures_directory(tmp_path: Path,
                                                                     capsys) -> None:
    folder = tmp_path / "pics"
    assert main(["query", "landscape deepseek", "--pictures", str(folder)]) == 0
    assert main(["query", "compare deepseek qwen --card", "--pictures", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "DeepSeek" in out  # the text is still printed
    paths = printed_pictures(out)
    assert paths == [folder / "landscape-deepseek.png", folder / "compare-deepseek-qwen.png"]
    for path in paths:
        assert png_size(path.read_bytes())[0] == 1200


def test_the_default_directory_is_pictures_here(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["query", "landscape"]) == 0
    (path,) = printed_pictures(capsys.readouterr().out)
    assert path == Path("pictures/landscape.png")
    assert (tmp_path / path).read_bytes().startswith(b"\x89PNG")


def test_answers_without_a_picture_write_none(tmp_path: Path, capsys) -> None:
    assert main(["query", "compare deepseek qwen", "--pictures", str(tmp_path)]) == 0
    assert printed_pictures(capsys.readouterr().out) == []
    assert list(tmp_path.iterdir()) == []


def test_console_prints_where_the_picture_is(tmp_path: Path, engine: Engine) -> None:
    out = io.StringIO()
    lines = "landscape qwen\ncompare baidu tencent --card\nabout baidu\n"
    assert run_console(engine, io.StringIO(lines), out, pictures=tmp_path) == 0
    paths = printed_pictures(out.getvalue())
    assert paths == [tmp_path / "landscape-qwen.png", tmp_path / "compare-baidu-tencent.png"]
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in paths)


def test_an_unwritable_directory_is_one_clear_line(tmp_path: Path, engine: Engine) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    out = io.StringIO()
    assert run_console(engine, io.StringIO("landscape\nabout qwen\n"), out, pictures=blocked) == 0
    assert f"{blocked / 'landscape.png'}: cannot write the picture" in out.getvalue()
    assert "Qwen (通义千问)" in out.getvalue()  # and the console carries on
