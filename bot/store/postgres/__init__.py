"""The PostgreSQL backend: every port over one asyncpg connection pool.

The same ports as ``bot.store.sqlite``, one module per store with the same names, in
PostgreSQL's own SQL (``$1`` parameters, ``RETURNING``, ``ON CONFLICT``); the schema is built by
``migrations/NNNN_name.sql``, numbered as SQLite's are, so both dialects agree on what a schema
version holds.
"""
