"""newsmark's terminal UI: a Textual layer over `store` (and, lazily, `nlp`)."""
