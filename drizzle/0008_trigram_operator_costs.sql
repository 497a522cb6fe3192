-- pg_trgm's word-similarity operators (`<%`, `%>`) are declared with the default function cost,
-- as cheap as an integer comparison, though each call builds the trigrams of both strings. So the
-- planner answered a project text search by computing them on every project rather than through
-- the trigram GIN indexes: 100 ms instead of 20 ms at market size (docs/benchmarks.md). A cost of
-- 100 states what a call costs relative to a plain operator. Only the owner of pg_trgm's functions
-- (a superuser, or the role that created the extension) may change it; anyone else keeps the
-- default plan, which gives the same results, slower.
DO $$
BEGIN
  ALTER FUNCTION word_similarity_op(text, text) COST 100;
  ALTER FUNCTION word_similarity_commutator_op(text, text) COST 100;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'pg_trgm word-similarity functions are not owned by this role: their planner cost stays the default';
END $$;
