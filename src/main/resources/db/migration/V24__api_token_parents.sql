-- The token that created a token through the API: a child never outlives or outranks its parent and is revoked
-- with it. NULL for tokens created on the account page (by a logged-in session).
ALTER TABLE api_tokens ADD COLUMN parent_id BIGINT REFERENCES api_tokens (id) ON DELETE CASCADE;
CREATE INDEX api_tokens_parent_idx ON api_tokens (parent_id);
