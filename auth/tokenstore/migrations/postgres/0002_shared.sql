-- Tokens of auth.Cache credentials shared by a fleet of processes (see
-- Store.Update), one row per credential. cred_key is a hash of what names
-- the credential; token is the AES-256-GCM ciphertext of the whole token
-- (access token, refresh token, type, expiry) under the key named by key_id.
CREATE TABLE IF NOT EXISTS tokenstore_shared (
  cred_key   TEXT    NOT NULL PRIMARY KEY,
  key_id     TEXT    NOT NULL,
  token      BYTEA  NOT NULL,
  expires_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS tokenstore_shared_updated_at ON tokenstore_shared (updated_at);
