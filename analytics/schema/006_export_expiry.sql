-- Exports whose link expired long ago have their stored CSV deleted by the delivery worker's
-- sweep; the row then says so (state 'expired') and keeps its history.
ALTER TABLE exports DROP CONSTRAINT exports_state_check;
ALTER TABLE exports ADD CONSTRAINT exports_state_check
    CHECK (state IN ('pending', 'stored', 'sent', 'failed', 'expired'));
-- The sweep's question: sent exports by link expiry.
CREATE INDEX exports_sent_expiry ON exports (link_expires_at) WHERE state = 'sent';
