-- A run to queue once another run succeeded and its final checkpoint is in the catalog (the demo project's GRPO
-- run after its SFT warm-up). Workers publish no events to the web application, so it polls this table.
-- request: a POST /api/runs body without modelId (the parent's registered checkpoint becomes the model).
CREATE TABLE run_followups (
    id            BIGSERIAL PRIMARY KEY,
    owner_id      BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    parent_run_id BIGINT      NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    request       JSONB       NOT NULL,
    state         VARCHAR(20) NOT NULL DEFAULT 'WAITING' CHECK (state IN ('WAITING', 'QUEUED', 'ABANDONED')),
    child_run_id  BIGINT,
    message       TEXT,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX run_followups_waiting_idx ON run_followups (parent_run_id) WHERE state = 'WAITING';
