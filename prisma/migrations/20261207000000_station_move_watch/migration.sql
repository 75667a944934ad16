-- Ours (README "Differences from Ichnaea", Moved stations): Wi-Fi and Bluetooth stations keep
-- the observations that place them somewhere else, heard strongly and far from their stored
-- centre, as a candidate position. Enough such observations without one heard strongly at the
-- stored place relocate the station there (src/domain/station/move-watch.ts). Cells do not move
-- and keep Ichnaea's columns.
ALTER TABLE `wifi_shard_0`
    ADD COLUMN `move_lat` DOUBLE NULL,
    ADD COLUMN `move_lon` DOUBLE NULL,
    ADD COLUMN `move_weight` DOUBLE NULL,
    ADD COLUMN `move_samples` INTEGER UNSIGNED NULL;
ALTER TABLE `wifi_shard_1`
    ADD COLUMN `move_lat` DOUBLE NULL,
    ADD COLUMN `move_lon` DOUBLE NULL,
    ADD COLUMN `move_weight` DOUBLE NULL,
    ADD COLUMN `move_samples` INTEGER UNSIGNED NULL;
ALTER TABLE `wifi_shard_2`
    ADD COLUMN `move_lat` DOUBLE NULL,
    ADD COLUMN `move_lon` DOUBLE NULL,
    ADD COLUMN `move_weight` DOUBLE NULL,
    ADD COLUMN `move_samples` INTEGER UNSIGNED NULL;
ALTER TABLE `wifi_shard_3`
    ADD COLUMN `move_lat` DOUBLE NULL,
    ADD COLUMN `move_lon` DOUBLE NULL,
    ADD COLUMN `move_weight` DOUBLE NULL,
    ADD COLUMN `move_samples` INTEGER UNSIGNED NULL;
ALTER TABLE `wifi_shard_4`
    ADD COLUMN `move_lat` DOUBLE NULL,
    ADD COLUMN `move_lon` DOUBLE NULL,
    ADD COLUMN `move_weight` DOUBLE NULL,
    ADD COLUMN `move_samples` INTEGER UNSIGNED NULL;
ALTER TABLE `wifi_shard_5`
    ADD COLUMN `move_lat` DOUBLE NULL,
    ADD COLUMN `move_lon` DOUBLE NULL,
    ADD COLUMN `move_weight` DOUBLE NULL,
    ADD COLUMN `move_samples` INTEGER UNSIGNED NULL;
ALTER TABLE `wifi_shard_6`
    ADD COLUMN `move_lat` DOUBLE NULL,
    ADD COLUMN `move_lon` DOUBLE NULL,
    ADD COLUMN `move_weight` DOUBLE NULL,
    ADD COLUMN `move_samples` INTEGER UNSIGNED NULL;
ALTER TABLE `wifi_shard_7`
    ADD COLUMN `move_lat` DOUBLE NULL,
    ADD COLUMN `move_lon` DOUBLE NULL,
    ADD COLUMN `move_weight` DOUBLE NULL,
    ADD COLUMN `move_samples` INTEGER UNSIGNED NULL;
ALTER TABLE `wifi_shard_8`
    ADD COLUMN `move_lat` DOUBLE NULL,
    ADD COLUMN `move_lon` DOUBLE NULL,
    ADD COLUMN `move_weight` DOUBLE NULL,
    ADD COLUMN `move_samples` INTEGER UNSIGNED NULL;
ALTER TABLE `wifi_shard_9`
    ADD COLUMN `move_lat` DOUBLE NULL,
    ADD COLUMN `move_lon` DOUBLE NULL,
    ADD COLUMN `move_weight` DOUBLE NULL,
    ADD COLUMN `move_samples` INTEGER UNSIGNED NULL;
ALTER TABLE `wifi_shard_a`
    ADD COLUMN `move_lat` DOUBLE NULL,
    ADD COLUMN `move_lon` DOUBLE NULL,
    ADD COLUMN `move_weight` DOUBLE NULL,
    ADD COLUMN `move_samples` INTEGER UNSIGNED NULL;
ALTER TABLE `wifi_shard_b`
    ADD COLUMN `move_lat` DOUBLE NULL,
    ADD COLUMN `move_lon` DOUBLE NULL,
    ADD COLUMN `move_weight` DOUBLE NULL,
    ADD COLUMN `move_samples` INTEGER UNSIGNED NULL;
ALTER TABLE `wifi_shard_c`
    ADD COLUMN `move_lat` DOUBLE NULL,
    ADD COLUMN `move_lon` DOUBLE NULL,
    ADD COLUMN `move_weight` DOUBLE NULL,
    ADD COLUMN `move_samples` INTEGER UNSIGNED NULL;
ALTER TABLE `wifi_shard_d`
    ADD COLUMN `move_lat` DOUBLE NULL,
    ADD COLUMN `move_lon` DOUBLE NULL,
    ADD COLUMN `move_weight` DOUBLE NULL,
    ADD COLUMN `move_samples` INTEGER UNSIGNED NULL;
ALTER TABLE `wifi_shard_e`
    ADD COLUMN `move_lat` DOUBLE NULL,
    ADD COLUMN `move_lon` DOUBLE NULL,
    ADD COLUMN `move_weight` DOUBLE NULL,
    ADD COLUMN `move_samples` INTEGER UNSIGNED NULL;
ALTER TABLE `wifi_shard_f`
    ADD COLUMN `move_lat` DOUBLE NULL,
    ADD COLUMN `move_lon` DOUBLE NULL,
    ADD COLUMN `move_weight` DOUBLE NULL,
    ADD COLUMN `move_samples` INTEGER UNSIGNED NULL;
ALTER TABLE `blue_shard_0`
    ADD COLUMN `move_lat` DOUBLE NULL,
    ADD COLUMN `move_lon` DOUBLE NULL,
    ADD COLUMN `move_weight` DOUBLE NULL,
    ADD COLUMN `move_samples` INTEGER UNSIGNED NULL;
ALTER TABLE `blue_shard_1`
    ADD COLUMN `move_lat` DOUBLE NULL,
    ADD COLUMN `move_lon` DOUBLE NULL,
    ADD COLUMN `move_weight` DOUBLE NULL,
    ADD COLUMN `move_samples` INTEGER UNSIGNED NULL;
ALTER TABLE `blue_shard_2`
    ADD COLUMN `move_lat` DOUBLE NULL,
    ADD COLUMN `move_lon` DOUBLE NULL,
    ADD COLUMN `move_weight` DOUBLE NULL,
    ADD COLUMN `move_samples` INTEGER UNSIGNED NULL;
ALTER TABLE `blue_shard_3`
    ADD COLUMN `move_lat` DOUBLE NULL,
    ADD COLUMN `move_lon` DOUBLE NULL,
    ADD COLUMN `move_weight` DOUBLE NULL,
    ADD COLUMN `move_samples` INTEGER UNSIGNED NULL;
ALTER TABLE `blue_shard_4`
    ADD COLUMN `move_lat` DOUBLE NULL,
    ADD COLUMN `move_lon` DOUBLE NULL,
    ADD COLUMN `move_weight` DOUBLE NULL,
    ADD COLUMN `move_samples` INTEGER UNSIGNED NULL;
ALTER TABLE `blue_shard_5`
    ADD COLUMN `move_lat` DOUBLE NULL,
    ADD COLUMN `move_lon` DOUBLE NULL,
    ADD COLUMN `move_weight` DOUBLE NULL,
    ADD COLUMN `move_samples` INTEGER UNSIGNED NULL;
ALTER TABLE `blue_shard_6`
    ADD COLUMN `move_lat` DOUBLE NULL,
    ADD COLUMN `move_lon` DOUBLE NULL,
    ADD COLUMN `move_weight` DOUBLE NULL,
    ADD COLUMN `move_samples` INTEGER UNSIGNED NULL;
ALTER TABLE `blue_shard_7`
    ADD COLUMN `move_lat` DOUBLE NULL,
    ADD COLUMN `move_lon` DOUBLE NULL,
    ADD COLUMN `move_weight` DOUBLE NULL,
    ADD COLUMN `move_samples` INTEGER UNSIGNED NULL;
ALTER TABLE `blue_shard_8`
    ADD COLUMN `move_lat` DOUBLE NULL,
    ADD COLUMN `move_lon` DOUBLE NULL,
    ADD COLUMN `move_weight` DOUBLE NULL,
    ADD COLUMN `move_samples` INTEGER UNSIGNED NULL;
ALTER TABLE `blue_shard_9`
    ADD COLUMN `move_lat` DOUBLE NULL,
    ADD COLUMN `move_lon` DOUBLE NULL,
    ADD COLUMN `move_weight` DOUBLE NULL,
    ADD COLUMN `move_samples` INTEGER UNSIGNED NULL;
ALTER TABLE `blue_shard_a`
    ADD COLUMN `move_lat` DOUBLE NULL,
    ADD COLUMN `move_lon` DOUBLE NULL,
    ADD COLUMN `move_weight` DOUBLE NULL,
    ADD COLUMN `move_samples` INTEGER UNSIGNED NULL;
ALTER TABLE `blue_shard_b`
    ADD COLUMN `move_lat` DOUBLE NULL,
    ADD COLUMN `move_lon` DOUBLE NULL,
    ADD COLUMN `move_weight` DOUBLE NULL,
    ADD COLUMN `move_samples` INTEGER UNSIGNED NULL;
ALTER TABLE `blue_shard_c`
    ADD COLUMN `move_lat` DOUBLE NULL,
    ADD COLUMN `move_lon` DOUBLE NULL,
    ADD COLUMN `move_weight` DOUBLE NULL,
    ADD COLUMN `move_samples` INTEGER UNSIGNED NULL;
ALTER TABLE `blue_shard_d`
    ADD COLUMN `move_lat` DOUBLE NULL,
    ADD COLUMN `move_lon` DOUBLE NULL,
    ADD COLUMN `move_weight` DOUBLE NULL,
    ADD COLUMN `move_samples` INTEGER UNSIGNED NULL;
ALTER TABLE `blue_shard_e`
    ADD COLUMN `move_lat` DOUBLE NULL,
    ADD COLUMN `move_lon` DOUBLE NULL,
    ADD COLUMN `move_weight` DOUBLE NULL,
    ADD COLUMN `move_samples` INTEGER UNSIGNED NULL;
ALTER TABLE `blue_shard_f`
    ADD COLUMN `move_lat` DOUBLE NULL,
    ADD COLUMN `move_lon` DOUBLE NULL,
    ADD COLUMN `move_weight` DOUBLE NULL,
    ADD COLUMN `move_samples` INTEGER UNSIGNED NULL;
