"""Participation charts for moderators: the data behind each chart (from the report totals and
the window's index entries), its alt text, and the PNG drawn with matplotlib (imported only when
a chart is drawn)."""
