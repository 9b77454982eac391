-- Registered Hugging Face checkpoint directories (Qwen2-VL / Qwen2.5-VL), owned by a user.
-- source_run_id is set for checkpoints a run produced (no FK: the runs table belongs to another module).
CREATE TABLE models (
    id            BIGSERIAL PRIMARY KEY,
    owner_id      BIGINT        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name          VARCHAR(200)  NOT NULL,
    path          VARCHAR(4096) NOT NULL,
    model_type    VARCHAR(20)   NOT NULL CHECK (model_type IN ('qwen2_vl', 'qwen2_5_vl')),
    created_at    TIMESTAMPTZ   NOT NULL DEFAULT now(),
    source_run_id BIGINT,
    CONSTRAINT models_owner_name_unique UNIQUE (owner_id, name)
);
CREATE INDEX models_owner_idx ON models (owner_id);
