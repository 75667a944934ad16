-- Ours (README "Writing a consumer"): the consumer version and table definitions a group's
-- checkpoint was written with. A worker whose consumer file states a higher version rebuilds the
-- projection from all history; a batch whose checkpoint row carries another version than the
-- running code's is not applied (an older worker after a rebuild). 0 and '' = not recorded yet.
ALTER TABLE `stream_checkpoint`
    ADD COLUMN `version` INT UNSIGNED NOT NULL DEFAULT 0,
    ADD COLUMN `definition` CHAR(64) NOT NULL DEFAULT '';
