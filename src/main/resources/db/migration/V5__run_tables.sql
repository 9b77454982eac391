-- Runs and everything they produce. State changes are guarded by `version` (optimistic locking, one
-- increment per transition); a worker's writes are fenced by `lease_token` and lease times use the
-- database's now(), never a worker clock.
CREATE TABLE runs (
    id               BIGSERIAL PRIMARY KEY,
    owner_id         BIGINT       NOT NULL REFERENCES users (id),
    type             VARCHAR(10)  NOT NULL CHECK (type IN ('GRPO', 'SFT', 'EVAL')),
    state            VARCHAR(12)  NOT NULL
        CHECK (state IN ('QUEUED', 'RUNNING', 'CANCELLING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
    version          BIGINT       NOT NULL DEFAULT 0,
    model_id         BIGINT       NOT NULL,
    eval_dataset_id  BIGINT,
    reward_config_id BIGINT       REFERENCES reward_configs (id),
    -- the reward terms as they were when the run was created (configs are immutable once used; this
    -- copy lets the worker run without reading another module's tables)
    reward_terms     JSONB,
    hyperparameters  JSONB        NOT NULL,
    state_reason     TEXT,
    attempt          INT          NOT NULL DEFAULT 0,
    max_attempts     INT          NOT NULL DEFAULT 3 CHECK (max_attempts >= 1),
    lease_token      UUID,
    lease_expires_at TIMESTAMPTZ,
    heartbeat_at     TIMESTAMPTZ,
    worker_id        VARCHAR(200),
    current_step     INT          NOT NULL DEFAULT 0,
    total_steps      INT,
    -- last seq handed to run_events; bumped in the same statement as each event insert, so seq is gap-free
    event_seq        BIGINT       NOT NULL DEFAULT 0,
    created_at       TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ  NOT NULL DEFAULT now(),
    started_at       TIMESTAMPTZ,
    finished_at      TIMESTAMPTZ
);
CREATE INDEX runs_owner_idx ON runs (owner_id, id DESC);
-- the claim query scans only queued runs in FIFO order
CREATE INDEX runs_queued_idx ON runs (created_at, id) WHERE state = 'QUEUED';
CREATE INDEX runs_lease_idx ON runs (lease_expires_at) WHERE state IN ('RUNNING', 'CANCELLING');

-- One row per attempt (claim): who ran it, under which lease, and how it ended. LOST = the lease expired.
CREATE TABLE run_attempts (
    run_id      BIGINT       NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    attempt     INT          NOT NULL CHECK (attempt >= 1),
    worker_id   VARCHAR(200) NOT NULL,
    lease_token UUID         NOT NULL UNIQUE,
    started_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
    ended_at    TIMESTAMPTZ,
    outcome     VARCHAR(12)  CHECK (outcome IN ('SUCCEEDED', 'FAILED', 'CANCELLED', 'LOST', 'REQUEUED')),
    reason      TEXT,
    PRIMARY KEY (run_id, attempt)
);
-- at most one open attempt per run, whatever the code does
CREATE UNIQUE INDEX run_attempts_open_uq ON run_attempts (run_id) WHERE ended_at IS NULL;

CREATE TABLE run_datasets (
    run_id     BIGINT      NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    dataset_id BIGINT      NOT NULL,
    role       VARCHAR(5)  NOT NULL CHECK (role IN ('TRAIN', 'EVAL')),
    position   INT         NOT NULL,
    PRIMARY KEY (run_id, role, dataset_id)
);
CREATE INDEX run_datasets_dataset_idx ON run_datasets (dataset_id);

CREATE TABLE run_events (
    run_id     BIGINT      NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    seq        BIGINT      NOT NULL,
    type       VARCHAR(20) NOT NULL CHECK (type IN ('STATE', 'METRICS', 'LOG', 'CHECKPOINT')),
    attempt    INT         NOT NULL,
    payload    JSONB       NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, seq)
);

CREATE TABLE run_metrics (
    id          BIGSERIAL PRIMARY KEY,
    run_id      BIGINT           NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    attempt     INT              NOT NULL,
    step        INT              NOT NULL CHECK (step >= 0),
    name        VARCHAR(200)     NOT NULL,
    value       DOUBLE PRECISION NOT NULL,
    archived    BOOLEAN          NOT NULL DEFAULT false,
    recorded_at TIMESTAMPTZ      NOT NULL DEFAULT now()
);
-- exactly one live value per (run, step, name); rows of a lost attempt are archived, not deleted
CREATE UNIQUE INDEX run_metrics_live_uq ON run_metrics (run_id, step, name) WHERE NOT archived;
CREATE INDEX run_metrics_name_idx ON run_metrics (run_id, name, step) WHERE NOT archived;

CREATE TABLE checkpoints (
    id         BIGSERIAL PRIMARY KEY,
    run_id     BIGINT        NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    step       INT           NOT NULL CHECK (step >= 0),
    attempt    INT           NOT NULL,
    path       VARCHAR(1000) NOT NULL,
    created_at TIMESTAMPTZ   NOT NULL DEFAULT now(),
    UNIQUE (run_id, step)
);

-- Idempotency-Key records, scoped per user. The row is inserted in the same transaction as the run, so
-- a concurrent request with the same key waits on the primary key and then replays the stored answer.
CREATE TABLE idempotency_keys (
    owner_id        BIGINT       NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    idem_key        VARCHAR(255) NOT NULL,
    request_hash    VARCHAR(64)  NOT NULL,
    response_status INT          NOT NULL,
    response_body   TEXT         NOT NULL,
    resource_id     BIGINT,
    created_at      TIMESTAMPTZ  NOT NULL DEFAULT now(),
    PRIMARY KEY (owner_id, idem_key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
