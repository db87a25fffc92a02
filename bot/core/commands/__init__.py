"""One module per command, each a function `answer(engine, ...)` -> Answer that
reads like the command's description. They share the engine's indexes and
wording (bot/core/engine.py) and nothing else."""
