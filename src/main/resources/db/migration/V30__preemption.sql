-- A worker stopped by SIGTERM (Slurm preemption, a time limit, the application's shutdown) checkpoints its step and
-- hands the run back: its attempt ends PREEMPTED and does not count against the run's attempt budget.
ALTER TABLE run_attempts DROP CONSTRAINT run_attempts_outcome_check;
ALTER TABLE run_attempts ADD CONSTRAINT run_attempts_outcome_check
    CHECK (outcome IN ('SUCCEEDED', 'FAILED', 'CANCELLED', 'LOST', 'REQUEUED', 'PREEMPTED'));
ALTER TABLE runs ADD COLUMN preemptions INT NOT NULL DEFAULT 0;
