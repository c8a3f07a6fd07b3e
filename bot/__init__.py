"""DMP obligations assistant: `from bot import answer`."""

from bot.answer import Answer, Context
from bot.engine import Engine, answer

__all__ = ["Answer", "Context", "Engine", "answer"]
