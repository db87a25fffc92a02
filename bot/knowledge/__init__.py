"""The fact base: its file format, its loader and the loaded, indexed result."""

from bot.knowledge.base import KnowledgeBase, KnowledgeError, Problem
from bot.knowledge.loader import Loader, load

__all__ = ["KnowledgeBase", "KnowledgeError", "Loader", "Problem", "load"]
