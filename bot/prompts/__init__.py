"""Prompt library: admin-owned YAML files in ``prompts/``."""
