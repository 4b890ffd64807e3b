"""Members suggest questions; moderators review suggestions and draft prompts."""
