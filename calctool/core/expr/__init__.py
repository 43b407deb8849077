"""Reading input: the tokenizer and parser, the function table, points and assignments."""
