-- Access tokens of OAuth clients, one row per token. Times are Unix
-- milliseconds; token and refresh_token are AES-256-GCM ciphertexts
-- (nonce || sealed) under the key named by key_id.
CREATE TABLE IF NOT EXISTS tokenstore_tokens (
  id               TEXT    NOT NULL PRIMARY KEY,
  bearer_type      TEXT    NOT NULL,
  bearer_id        TEXT    NOT NULL,
  audience         TEXT    NOT NULL,
  token_type       TEXT    NOT NULL DEFAULT 'Bearer',
  key_id           TEXT    NOT NULL,
  token            BLOB    NOT NULL,
  refresh_token    BLOB,
  expires_at       INTEGER NOT NULL,
  scopes           TEXT    NOT NULL DEFAULT '',
  requested_scopes TEXT    NOT NULL DEFAULT '',
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS tokenstore_tokens_bearer ON tokenstore_tokens (audience, bearer_type, bearer_id);
CREATE INDEX IF NOT EXISTS tokenstore_tokens_expires_at ON tokenstore_tokens (expires_at);
-- Where a refreshed row went: lets a caller that waited for another's
-- refresh find the replacement row.
CREATE TABLE IF NOT EXISTS tokenstore_successors (
  id           TEXT    NOT NULL PRIMARY KEY,
  successor_id TEXT    NOT NULL,
  created_at   INTEGER NOT NULL
);
