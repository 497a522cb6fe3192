-- Trigram similarity for project-name search and cross-program matching (pg_trgm ships with
-- PostgreSQL's contrib and with PGlite's contrib bundle).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
