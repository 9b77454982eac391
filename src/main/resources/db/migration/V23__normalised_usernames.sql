-- One user per normalised name (trimmed, lower case; see Usernames.normalize). Names created before were
-- case-sensitive, so 'Alice' and 'alice' could both exist: the older account keeps the plain name and each later
-- one becomes '<name>-<id>', which its owner sees on /api/users/me after logging in under the new name.
UPDATE users u
SET username = left(lower(btrim(u.username)), 80) || '-' || u.id
WHERE EXISTS (SELECT 1 FROM users older
              WHERE lower(btrim(older.username)) = lower(btrim(u.username)) AND older.id < u.id);

UPDATE users SET username = lower(btrim(username)) WHERE username <> lower(btrim(username));

ALTER TABLE users ADD CONSTRAINT users_username_normalised CHECK (username = lower(btrim(username)));
CREATE UNIQUE INDEX users_username_normalised_key ON users (lower(btrim(username)));
