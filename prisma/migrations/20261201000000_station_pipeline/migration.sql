-- Station pipeline (DESIGN §3, SPEC §4.10 and §4.12).
--
-- `stat_counter`: the daily observation and new-station counters. Each station projector
-- writes only its own rows (`shard` = its stream), inside its batch transaction, so there is no
-- hot row and the counts are exactly-once; readers sum the shards. The `stat` roll-up moves the
-- counts into `stat` and subtracts what it moved.
CREATE TABLE `stat_counter` (
    `name` VARCHAR(20) NOT NULL,
    `day` DATE NOT NULL,
    `shard` VARCHAR(40) NOT NULL,
    `value` BIGINT UNSIGNED NOT NULL DEFAULT 0,

    PRIMARY KEY (`name`, `day`, `shard`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- Ours (DESIGN §7): 5G NR areas. NR's 24-bit TAC does not fit `cell_area.lac` (smallint) or its
-- 7-byte areaid, so NR areas get a table of their own: areaid = pack(int8 radio=4, uint16 mcc,
-- uint16 mnc, uint32 tac), 9 bytes.
CREATE TABLE `cell_area_nr` (
    `lat` DOUBLE NULL,
    `lon` DOUBLE NULL,
    `created` DATETIME(0) NULL,
    `modified` DATETIME(0) NULL,
    `areaid` BINARY(9) NOT NULL,
    `radio` TINYINT NOT NULL,
    `mcc` SMALLINT NOT NULL,
    `mnc` SMALLINT NOT NULL,
    `lac` INTEGER UNSIGNED NOT NULL,
    `radius` INTEGER NULL,
    `region` VARCHAR(2) NULL,
    `avg_cell_radius` INTEGER UNSIGNED NULL,
    `num_cells` INTEGER UNSIGNED NULL,
    `last_seen` DATE NULL,

    UNIQUE INDEX `cell_area_nr_areaid_unique`(`radio`, `mcc`, `mnc`, `lac`),
    INDEX `cell_area_nr_region_radio_idx`(`region`, `radio`),
    INDEX `cell_area_nr_created_idx`(`created`),
    INDEX `cell_area_nr_modified_idx`(`modified`),
    INDEX `cell_area_nr_latlon_idx`(`lat`, `lon`),
    PRIMARY KEY (`areaid`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- Ours (DESIGN §7): NR cell counts per region, beside Ichnaea's gsm/wcdma/lte.
ALTER TABLE `region_stat` ADD COLUMN `nr` INTEGER UNSIGNED NULL;
