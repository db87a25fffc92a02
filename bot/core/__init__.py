"""The answer engine: linking, retrieval and commands. No Discord in here."""

from bot.core.answers import Answer, Cell, Cite, FactView, Kind, Row, Section
from bot.core.engine import Engine
from bot.core.router import COMMANDS, route, run

__all__ = ["COMMANDS", "Answer", "Cell", "Cite", "Engine", "FactView", "Kind", "Row", "Section",
           "route", "run"]
