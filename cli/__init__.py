"""The subcommands of `newsmark`, one module per area; each owns its own options."""
