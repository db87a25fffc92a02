"""Simplified Chinese (zh-CN) names and descriptions of the slash commands.

The subject draws Chinese-speaking users, so Discord shows them the commands in
Chinese (`/比较`, `/介绍`) when their client is set to 简体中文; the facts and
answers stay in English, as the sources are. Discord's rules for a chat
command's or option's name: 1-32 characters, lower case, no spaces (Chinese
characters are allowed); a description takes at most 100. tests check every
synced command and option has both.

discord.py hands every command's and option's name and description to the
translator as a `locale_str` (its `auto_locale_strings`), so cogs declare them
in English as usual. Keys are a command's qualified name, and "command option"
for its options; a string without an entry here is left to Discord's English.
"""

from __future__ import annotations

from discord import Locale, app_commands
from discord.app_commands import TranslationContextLocation as Where
from discord.app_commands import locale_str

ZH_CN: dict[str, tuple[str, str]] = {
    # command or "command option": (name, description)
    "compare": ("比较", "并排比较两到四家公司或模型（加 --card 以图片显示）。"),
    "compare first": ("第一个", "一家公司或一个模型"),
    "compare second": ("第二个", "另一家公司或另一个模型"),
    "compare third": ("第三个", "可选：第三个"),
    "compare fourth": ("第四个", "可选：第四个"),
    "about": ("介绍", "事实库里关于某个公司、模型、平台或团体的一切。"),
    "about name": ("名称", "公司、模型、平台或团体"),
    "ask": ("提问", "根据事实库回答问题，并注明来源。"),
    "ask question": ("问题", "例如：DeepSeek 发布了什么？"),
    "timeline": ("时间线", "按时间顺序列出有日期的事实：全部，或某一个实体的。"),
    "timeline name": ("名称", "可选：某一家公司或某一个模型"),
    "sources": ("来源", "事实所依据的文章，以及每篇文章支持哪些事实。"),
    "sources name": ("名称", "可选：只看关于这个实体的来源"),
    "entities": ("实体", "机器人知道的一切，按类别分组。"),
    "entities kind": ("类别", "可选：公司、模型、平台……"),
    "landscape": ("格局", "谁制造、与谁竞争、与谁合作的关系图；指定名称时只画它的周边。"),
    "landscape name": ("名称", "可选：只画这个实体和与它相连的实体"),
    "help": ("帮助", "所有命令，各附一个例子。"),
    "reload": ("重新加载", "维护者：重新读取 knowledge/ 并换上新的事实库。"),
    "gaps": ("缺口", "维护者：根据大家的提问，看看事实库该补充什么。"),
    "gaps days": ("天数", "只看最近 N 天（默认：全部）"),
    "kbinfo": ("事实库信息", "当前加载的是哪个版本的事实库。"),
    "check": ("核查", "对照事实库核查说法：最接近的事实，以及事实库中不同的数字或日期。"),
    "check text": ("文字", "例如：DeepSeek 的 R1 训练花了 560 万美元"),
    "Check against the fact base": ("对照事实库核查", ""),  # the message menu: a name only
    "news": ("新闻", "服务器管理员：每次重新加载后，把新事实发到一个频道。"),
    "news subscribe": ("订阅", "每次重新加载后，把新事实发到一个频道。"),
    "news subscribe channel": ("频道", "把新闻发到哪里"),
    "news subscribe entities": ("实体", "可选：只要这些公司或模型的，例如 deepseek qwen"),
    "news unsubscribe": ("取消订阅", "不再在这个频道发新闻。"),
    "news unsubscribe channel": ("频道", "正在收新闻的频道"),
    "news list": ("列表", "这个服务器里哪些频道收新闻。"),
}


class Translator(app_commands.Translator):
    """Looks strings up by where they are (a command's name, an option's
    description...), not by their English text, so rewording the English never
    silently drops a translation."""

    async def translate(self, string: locale_str, locale: Locale,
                        context: app_commands.TranslationContext) -> str | None:
        if locale is not Locale.chinese:
            return None
        where, data = context.location, context.data
        if where in (Where.command_name, Where.command_description, Where.group_name,
                     Where.group_description):
            entry = ZH_CN.get(getattr(data, "qualified_name", data.name))  # menus have no path
            name = where in (Where.command_name, Where.group_name)
        elif where in (Where.parameter_name, Where.parameter_description):
            entry = ZH_CN.get(f"{data.command.qualified_name} {data.name}")
            name = where is Where.parameter_name
        else:
            return None
        if entry is None:
            return None
        return entry[0] if name else entry[1] or None

