"""Slash commands carry Simplified Chinese names and descriptions, synced through the stub."""

from __future__ import annotations

import re

from tests.frontends.discord.conftest import OWNER_ID, World

# Discord's rule for chat-input command and option names (letters of any script,
# digits, - and _; 1-32; lower case wherever the letter has a lower case)
NAME_RE = re.compile(r"^[-_\w]{1,32}$")
CHAT_INPUT, MESSAGE_MENU = 1, 3
SUBCOMMANDS = (1, 2)


def _check_name(name: str, where: str) -> None:
    assert NAME_RE.fullmatch(name) and name == name.lower(), where


def _check_options(options: list[dict], where: str, problems: list[str]) -> None:
    names = [o["name_localizations"].get("zh-CN") for o in options if o.get("name_localizations")]
    if len(names) != len(set(names)):
        problems.append(f"{where}: two options share a Chinese name")
    for option in options:
        here = f"{where} {option['name']}"
        zh_name = (option.get("name_localizations") or {}).get("zh-CN")
        zh_description = (option.get("description_localizations") or {}).get("zh-CN")
        if not zh_name or not zh_description:
            problems.append(f"{here}: no zh-CN name or description")
            continue
        _check_name(zh_name, here)
        assert 1 <= len(zh_description) <= 100, here
        if option["type"] in SUBCOMMANDS:
            _check_options(option.get("options", []), here, problems)


async def test_every_command_and_option_has_a_chinese_name_and_description(world: World) -> None:
    await world.say("!sync guild", author=OWNER_ID)
    put = next(r for r in world.stub.requests if r.method == "PUT")
    problems: list[str] = []
    chinese_names = []
    for command in put.json:
        name = command["name"]
        zh_name = (command.get("name_localizations") or {}).get("zh-CN")
        if not zh_name:
            problems.append(f"/{name}: no zh-CN name")
            continue
        chinese_names.append(zh_name)
        if command.get("type", CHAT_INPUT) == CHAT_INPUT:
            _check_name(zh_name, name)
            zh_description = (command.get("description_localizations") or {}).get("zh-CN")
            if not zh_description or len(zh_description) > 100:
                problems.append(f"/{name}: no zh-CN description, or too long")
            _check_options(command.get("options", []), f"/{name}", problems)
        assert set(command["name_localizations"]) == {"zh-CN"}  # other locales: English
    assert problems == [], problems
    assert len(chinese_names) == len(set(chinese_names))
    compare = next(c for c in put.json if c["name"] == "compare")
    assert compare["name_localizations"] == {"zh-CN": "比较"}
    assert compare["options"][0]["name"] == "first"  # English stays the name the bot gets
    assert compare["options"][0]["description_localizations"]["zh-CN"] == "一家公司或一个模型"

