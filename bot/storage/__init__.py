"""SQLAlchemy storage: models, Alembic migrations and the repositories implementing core ports."""
