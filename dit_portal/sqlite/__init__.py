"""Django's SQLite backend for the embedded mode, making the database's folder (var/)
when it first connects: settings only name the file and create nothing at import."""
