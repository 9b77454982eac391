-- Executor bookkeeping on top of the run module's run_attempts (one row per claim, V5): how an attempt
-- failed (class, exit code, log tail), where it resumed, what it trained on (drift guard), its progress
-- (no-progress watchdog) and the retry back-off. Times are the database's now(), never a worker clock.
ALTER TABLE run_attempts
    -- failure class (SETUP, DATA, OOM, NAN_LOSS, WORKER_LOST, NO_PROGRESS, DRIFT, FATAL_EXIT, ERROR)
    ADD COLUMN failure           VARCHAR(20),
    ADD COLUMN exit_code         INT,
    ADD COLUMN log_tail          TEXT,
    ADD COLUMN resumed_from_step INT,
    -- sha256 of what the attempt trains on (type, model, hyperparameters, reward terms, dataset hashes):
    -- a later attempt with a different value is refused
    ADD COLUMN inputs_sha256     VARCHAR(64),
    -- last step reported by this attempt and when it advanced
    ADD COLUMN last_step         INT         NOT NULL DEFAULT 0,
    ADD COLUMN progress_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- when the run was re-queued after this attempt: the earliest time the next attempt may start
    ADD COLUMN retry_at          TIMESTAMPTZ;
CREATE INDEX run_attempts_worker_idx ON run_attempts (worker_id);
CREATE INDEX run_attempts_open_idx ON run_attempts (progress_at) WHERE ended_at IS NULL;

-- A re-queued run is not claimable before its back-off (base * 2^(n-1) after failed attempt n) has passed.
ALTER TABLE runs ADD COLUMN retry_at TIMESTAMPTZ;
