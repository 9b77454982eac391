-- how an upload's lines were read the way VLM-R1 reads them (no id, longer conversations, JSON-valued solutions):
-- [{code, message, count, examples: ["file:line", ...]}], one entry per kind
ALTER TABLE datasets ADD COLUMN normalised JSONB NOT NULL DEFAULT '[]'::jsonb;
