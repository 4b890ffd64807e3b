"""Discussion-facilitation Discord bot: essay themes → scheduled prompts → participation."""

__version__ = "0.1.0"
