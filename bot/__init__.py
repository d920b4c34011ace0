"""evidence-bot: quote a published evidence review verbatim, with citations."""

__version__ = "0.1.0"
