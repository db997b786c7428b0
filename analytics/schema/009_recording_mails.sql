-- Recording mails (issue 14): a recording stored after its room session ended reaches its owner
-- and initiator by mail (storage/core/recording_mail), as 'recording_mail' outbox jobs committed
-- with the recording's row. Applied inside one transaction by storage/db/migrations.cpp.

ALTER TABLE outbox_jobs DROP CONSTRAINT outbox_jobs_kind_check;
ALTER TABLE outbox_jobs ADD CONSTRAINT outbox_jobs_kind_check
    CHECK (kind IN ('upload', 'webhook', 'export', 'email', 'delete', 'recording_mail'));
