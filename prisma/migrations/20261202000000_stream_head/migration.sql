-- Ours (DESIGN §3): the highest sequence number each stream was seen to hold, with its entry id,
-- recorded by the trimmer. Redis can lose entries (a restart from an older snapshot, or with no
-- data at all); then this row and the groups' checkpoints are what is known of the entries that
-- existed, so a group can count exactly those it never applied as lost, and nothing else.
CREATE TABLE `stream_head` (
    `stream` VARCHAR(200) NOT NULL,
    `last_ms` BIGINT UNSIGNED NOT NULL DEFAULT 0,
    `last_seq` BIGINT UNSIGNED NOT NULL DEFAULT 0,
    `last_entry` BIGINT UNSIGNED NOT NULL DEFAULT 0,
    `updated_at` DATETIME(3) NOT NULL,

    PRIMARY KEY (`stream`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
