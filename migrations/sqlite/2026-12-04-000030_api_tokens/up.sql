-- Tokens for the JSON API (/api/v1). A token acts as the user it belongs to (a clerk's token
-- is bound to the clerk's agency). Only the SHA-256 of the token is stored; the token itself
-- is shown once, when it is made. `prefix` (the first characters) tells tokens apart in lists.
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);
