-- Reward configurations: a named list of {function, weight, params} terms, validated against the reward
-- registry. A configuration a run has used is immutable: editing it inserts version + 1 under the same name.
CREATE TABLE reward_configs (
    id            BIGSERIAL PRIMARY KEY,
    owner_id      BIGINT       NOT NULL REFERENCES users (id),
    name          VARCHAR(200) NOT NULL,
    version       INT          NOT NULL DEFAULT 1 CHECK (version >= 1),
    description   TEXT         NOT NULL DEFAULT '',
    terms         JSONB        NOT NULL,
    used          BOOLEAN      NOT NULL DEFAULT false,
    superseded_by BIGINT       REFERENCES reward_configs (id),
    created_at    TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ  NOT NULL DEFAULT now(),
    UNIQUE (owner_id, name, version)
);
CREATE INDEX reward_configs_owner_idx ON reward_configs (owner_id, name);
