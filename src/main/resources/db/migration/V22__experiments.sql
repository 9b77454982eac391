-- The RL-vs-SFT experiment run on the platform (issue 6 item 4): its plan, the datasets, tiny model and reward
-- configuration it created, the base SFT run and the two arms, which are follow-ups of the base run (their run ids
-- are the follow-ups' child_run_id once the base run succeeded). The objects are made after the row (state
-- PREPARING), so their ids stay null until they exist; they are not foreign keys because each has its own life
-- (a dataset may be deleted once no run uses it).
CREATE TABLE experiments (
    id                  BIGSERIAL PRIMARY KEY,
    owner_id            BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    kind                VARCHAR(40) NOT NULL DEFAULT 'rl-vs-sft',
    plan                JSONB       NOT NULL,
    state               VARCHAR(12) NOT NULL DEFAULT 'PREPARING' CHECK (state IN ('PREPARING', 'LAUNCHED', 'FAILED')),
    message             TEXT,
    pretrain_dataset_id BIGINT,
    train_dataset_id    BIGINT,
    test_dataset_id     BIGINT,
    model_id            BIGINT,
    reward_config_id    BIGINT,
    base_run_id         BIGINT REFERENCES runs (id) ON DELETE SET NULL,
    sft_followup_id     BIGINT REFERENCES run_followups (id) ON DELETE SET NULL,
    grpo_followup_id    BIGINT REFERENCES run_followups (id) ON DELETE SET NULL
);
CREATE INDEX experiments_owner_idx ON experiments (owner_id, id DESC);
