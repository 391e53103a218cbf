"""Everything that knows the tables: their declaration, the engine and the writer lock, the data version,
the migrations' glue, the writer, the categories and the search index. What differs between SQLite and
PostgreSQL lives in one backend per database (`app.store.backends`)."""
