"""The fake Slack now lives in the package (``bot.fakeslack``); re-exported for the tests."""

from bot.fakeslack import *  # noqa: F403
