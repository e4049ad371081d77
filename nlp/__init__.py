"""newsmark's NLP: the only package that imports spaCy. Never imports Textual."""
