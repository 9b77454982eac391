-- Executor bookkeeping: one row per attempt of a run (the execution log), and the retry back-off.
--
-- UNIQUE (run_id, attempt_no) makes a duplicate execution impossible to record; the partial unique index
-- allows at most one RUNNING attempt per run. Times are the database's now(), never a worker clock.
CREATE TABLE run_attempts (
    run_id            BIGINT       NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    attempt_no        INT          NOT NULL CHECK (attempt_no >= 1),
    worker_id         VARCHAR(200) NOT NULL,
    -- the fencing token this attempt held (runs.lease_token while it was current)
    lease_token       UUID         NOT NULL,
    state             VARCHAR(10)  NOT NULL
        CHECK (state IN ('RUNNING', 'SUCCEEDED', 'FAILED', 'LOST', 'CANCELLED')),
    -- failure class (SETUP, DATA, OOM, NAN_LOSS, WORKER_LOST, NO_PROGRESS, FATAL_EXIT, ERROR, ...)
    failure           VARCHAR(20),
    exit_code         INT,
    reason            TEXT,
    log_tail          TEXT,
    resumed_from_step INT,
    -- sha256 of what the attempt trains on (type, model, hyperparameters, reward terms, dataset hashes):
    -- a later attempt with a different value is refused (drift guard)
    inputs_sha256     VARCHAR(64),
    -- progress watchdog: last step reported by this attempt and when it advanced
    last_step         INT          NOT NULL DEFAULT 0,
    progress_at       TIMESTAMPTZ  NOT NULL DEFAULT now(),
    started_at        TIMESTAMPTZ  NOT NULL DEFAULT now(),
    ended_at          TIMESTAMPTZ,
    -- when the run was re-queued after this attempt: the earliest time the next attempt may start
    retry_at          TIMESTAMPTZ,
    PRIMARY KEY (run_id, attempt_no)
);
CREATE UNIQUE INDEX run_attempts_one_running_uq ON run_attempts (run_id) WHERE state = 'RUNNING';
CREATE INDEX run_attempts_worker_idx ON run_attempts (worker_id);

-- A re-queued run is not claimable before its back-off (base * 2^(n-1) after failed attempt n) has passed.
ALTER TABLE runs ADD COLUMN retry_at TIMESTAMPTZ;
