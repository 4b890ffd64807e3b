"""What keeps a question safe to post: heavy subjects judged on a whole text, questions that ask
members for private facts, and the admins' own rules matched with a time limit."""
