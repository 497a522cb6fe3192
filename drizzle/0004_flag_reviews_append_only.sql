-- The review audit trail is append-only: nobody, not even an admin key or the hub itself,
-- can edit or delete a review once written.
CREATE FUNCTION flag_reviews_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'flag_reviews is an append-only audit trail: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER flag_reviews_append_only
  BEFORE UPDATE OR DELETE ON flag_reviews
  FOR EACH ROW EXECUTE FUNCTION flag_reviews_refuse_change();
--> statement-breakpoint
CREATE TRIGGER flag_reviews_no_truncate
  BEFORE TRUNCATE ON flag_reviews
  FOR EACH STATEMENT EXECUTE FUNCTION flag_reviews_refuse_change();
