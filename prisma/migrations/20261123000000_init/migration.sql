-- Ichnos initial schema: SPEC §5 (Ichnaea's final schema after all its Alembic migrations) plus
-- `cell_nr` and `stream_checkpoint` (DESIGN §4). Hand-written in Prisma's style; it must run on
-- MySQL 8 and MariaDB 10.11. prisma/schema.prisma describes the same tables, and the drift test
-- (test/integration/schema-drift.test.ts) keeps the two in step.

-- CreateTable
CREATE TABLE `api_key` (
    `valid_key` VARCHAR(40) NOT NULL,
    `maxreq` INTEGER NULL,
    `allow_fallback` BOOLEAN NULL,
    `allow_locate` BOOLEAN NULL,
    `allow_region` BOOLEAN NULL,
    `fallback_name` VARCHAR(40) NULL,
    `fallback_schema` VARCHAR(64) NULL,
    `fallback_url` VARCHAR(256) NULL,
    `fallback_ratelimit` INTEGER NULL,
    `fallback_ratelimit_interval` INTEGER NULL,
    `fallback_cache_expire` INTEGER NULL,
    `store_sample_locate` TINYINT NULL,
    `store_sample_submit` TINYINT NULL,

    PRIMARY KEY (`valid_key`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `export_config` (
    `name` VARCHAR(40) NOT NULL,
    `batch` INTEGER NULL,
    `schema` VARCHAR(32) NULL,
    `url` VARCHAR(512) NULL,
    `skip_keys` VARCHAR(1024) NULL,
    `skip_sources` VARCHAR(64) NULL,

    PRIMARY KEY (`name`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `wifi_shard_0` (
    `max_lat` DOUBLE NULL,
    `min_lat` DOUBLE NULL,
    `max_lon` DOUBLE NULL,
    `min_lon` DOUBLE NULL,
    `lat` DOUBLE NULL,
    `lon` DOUBLE NULL,
    `created` DATETIME(0) NULL,
    `modified` DATETIME(0) NULL,
    `radius` INTEGER UNSIGNED NULL,
    `region` VARCHAR(2) NULL,
    `samples` INTEGER UNSIGNED NULL,
    `source` TINYINT NULL,
    `weight` DOUBLE NULL,
    `last_seen` DATE NULL,
    `block_first` DATE NULL,
    `block_last` DATE NULL,
    `block_count` TINYINT UNSIGNED NULL,
    `mac` BINARY(6) NOT NULL,

    INDEX `wifi_shard_0_region_idx`(`region`),
    INDEX `wifi_shard_0_created_idx`(`created`),
    INDEX `wifi_shard_0_modified_idx`(`modified`),
    INDEX `wifi_shard_0_latlon_idx`(`lat`, `lon`),
    PRIMARY KEY (`mac`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `wifi_shard_1` (
    `max_lat` DOUBLE NULL,
    `min_lat` DOUBLE NULL,
    `max_lon` DOUBLE NULL,
    `min_lon` DOUBLE NULL,
    `lat` DOUBLE NULL,
    `lon` DOUBLE NULL,
    `created` DATETIME(0) NULL,
    `modified` DATETIME(0) NULL,
    `radius` INTEGER UNSIGNED NULL,
    `region` VARCHAR(2) NULL,
    `samples` INTEGER UNSIGNED NULL,
    `source` TINYINT NULL,
    `weight` DOUBLE NULL,
    `last_seen` DATE NULL,
    `block_first` DATE NULL,
    `block_last` DATE NULL,
    `block_count` TINYINT UNSIGNED NULL,
    `mac` BINARY(6) NOT NULL,

    INDEX `wifi_shard_1_region_idx`(`region`),
    INDEX `wifi_shard_1_created_idx`(`created`),
    INDEX `wifi_shard_1_modified_idx`(`modified`),
    INDEX `wifi_shard_1_latlon_idx`(`lat`, `lon`),
    PRIMARY KEY (`mac`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `wifi_shard_2` (
    `max_lat` DOUBLE NULL,
    `min_lat` DOUBLE NULL,
    `max_lon` DOUBLE NULL,
    `min_lon` DOUBLE NULL,
    `lat` DOUBLE NULL,
    `lon` DOUBLE NULL,
    `created` DATETIME(0) NULL,
    `modified` DATETIME(0) NULL,
    `radius` INTEGER UNSIGNED NULL,
    `region` VARCHAR(2) NULL,
    `samples` INTEGER UNSIGNED NULL,
    `source` TINYINT NULL,
    `weight` DOUBLE NULL,
    `last_seen` DATE NULL,
    `block_first` DATE NULL,
    `block_last` DATE NULL,
    `block_count` TINYINT UNSIGNED NULL,
    `mac` BINARY(6) NOT NULL,

    INDEX `wifi_shard_2_region_idx`(`region`),
    INDEX `wifi_shard_2_created_idx`(`created`),
    INDEX `wifi_shard_2_modified_idx`(`modified`),
    INDEX `wifi_shard_2_latlon_idx`(`lat`, `lon`),
    PRIMARY KEY (`mac`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `wifi_shard_3` (
    `max_lat` DOUBLE NULL,
    `min_lat` DOUBLE NULL,
    `max_lon` DOUBLE NULL,
    `min_lon` DOUBLE NULL,
    `lat` DOUBLE NULL,
    `lon` DOUBLE NULL,
    `created` DATETIME(0) NULL,
    `modified` DATETIME(0) NULL,
    `radius` INTEGER UNSIGNED NULL,
    `region` VARCHAR(2) NULL,
    `samples` INTEGER UNSIGNED NULL,
    `source` TINYINT NULL,
    `weight` DOUBLE NULL,
    `last_seen` DATE NULL,
    `block_first` DATE NULL,
    `block_last` DATE NULL,
    `block_count` TINYINT UNSIGNED NULL,
    `mac` BINARY(6) NOT NULL,

    INDEX `wifi_shard_3_region_idx`(`region`),
    INDEX `wifi_shard_3_created_idx`(`created`),
    INDEX `wifi_shard_3_modified_idx`(`modified`),
    INDEX `wifi_shard_3_latlon_idx`(`lat`, `lon`),
    PRIMARY KEY (`mac`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `wifi_shard_4` (
    `max_lat` DOUBLE NULL,
    `min_lat` DOUBLE NULL,
    `max_lon` DOUBLE NULL,
    `min_lon` DOUBLE NULL,
    `lat` DOUBLE NULL,
    `lon` DOUBLE NULL,
    `created` DATETIME(0) NULL,
    `modified` DATETIME(0) NULL,
    `radius` INTEGER UNSIGNED NULL,
    `region` VARCHAR(2) NULL,
    `samples` INTEGER UNSIGNED NULL,
    `source` TINYINT NULL,
    `weight` DOUBLE NULL,
    `last_seen` DATE NULL,
    `block_first` DATE NULL,
    `block_last` DATE NULL,
    `block_count` TINYINT UNSIGNED NULL,
    `mac` BINARY(6) NOT NULL,

    INDEX `wifi_shard_4_region_idx`(`region`),
    INDEX `wifi_shard_4_created_idx`(`created`),
    INDEX `wifi_shard_4_modified_idx`(`modified`),
    INDEX `wifi_shard_4_latlon_idx`(`lat`, `lon`),
    PRIMARY KEY (`mac`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `wifi_shard_5` (
    `max_lat` DOUBLE NULL,
    `min_lat` DOUBLE NULL,
    `max_lon` DOUBLE NULL,
    `min_lon` DOUBLE NULL,
    `lat` DOUBLE NULL,
    `lon` DOUBLE NULL,
    `created` DATETIME(0) NULL,
    `modified` DATETIME(0) NULL,
    `radius` INTEGER UNSIGNED NULL,
    `region` VARCHAR(2) NULL,
    `samples` INTEGER UNSIGNED NULL,
    `source` TINYINT NULL,
    `weight` DOUBLE NULL,
    `last_seen` DATE NULL,
    `block_first` DATE NULL,
    `block_last` DATE NULL,
    `block_count` TINYINT UNSIGNED NULL,
    `mac` BINARY(6) NOT NULL,

    INDEX `wifi_shard_5_region_idx`(`region`),
    INDEX `wifi_shard_5_created_idx`(`created`),
    INDEX `wifi_shard_5_modified_idx`(`modified`),
    INDEX `wifi_shard_5_latlon_idx`(`lat`, `lon`),
    PRIMARY KEY (`mac`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `wifi_shard_6` (
    `max_lat` DOUBLE NULL,
    `min_lat` DOUBLE NULL,
    `max_lon` DOUBLE NULL,
    `min_lon` DOUBLE NULL,
    `lat` DOUBLE NULL,
    `lon` DOUBLE NULL,
    `created` DATETIME(0) NULL,
    `modified` DATETIME(0) NULL,
    `radius` INTEGER UNSIGNED NULL,
    `region` VARCHAR(2) NULL,
    `samples` INTEGER UNSIGNED NULL,
    `source` TINYINT NULL,
    `weight` DOUBLE NULL,
    `last_seen` DATE NULL,
    `block_first` DATE NULL,
    `block_last` DATE NULL,
    `block_count` TINYINT UNSIGNED NULL,
    `mac` BINARY(6) NOT NULL,

    INDEX `wifi_shard_6_region_idx`(`region`),
    INDEX `wifi_shard_6_created_idx`(`created`),
    INDEX `wifi_shard_6_modified_idx`(`modified`),
    INDEX `wifi_shard_6_latlon_idx`(`lat`, `lon`),
    PRIMARY KEY (`mac`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `wifi_shard_7` (
    `max_lat` DOUBLE NULL,
    `min_lat` DOUBLE NULL,
    `max_lon` DOUBLE NULL,
    `min_lon` DOUBLE NULL,
    `lat` DOUBLE NULL,
    `lon` DOUBLE NULL,
    `created` DATETIME(0) NULL,
    `modified` DATETIME(0) NULL,
    `radius` INTEGER UNSIGNED NULL,
    `region` VARCHAR(2) NULL,
    `samples` INTEGER UNSIGNED NULL,
    `source` TINYINT NULL,
    `weight` DOUBLE NULL,
    `last_seen` DATE NULL,
    `block_first` DATE NULL,
    `block_last` DATE NULL,
    `block_count` TINYINT UNSIGNED NULL,
    `mac` BINARY(6) NOT NULL,

    INDEX `wifi_shard_7_region_idx`(`region`),
    INDEX `wifi_shard_7_created_idx`(`created`),
    INDEX `wifi_shard_7_modified_idx`(`modified`),
    INDEX `wifi_shard_7_latlon_idx`(`lat`, `lon`),
    PRIMARY KEY (`mac`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `wifi_shard_8` (
    `max_lat` DOUBLE NULL,
    `min_lat` DOUBLE NULL,
    `max_lon` DOUBLE NULL,
    `min_lon` DOUBLE NULL,
    `lat` DOUBLE NULL,
    `lon` DOUBLE NULL,
    `created` DATETIME(0) NULL,
    `modified` DATETIME(0) NULL,
    `radius` INTEGER UNSIGNED NULL,
    `region` VARCHAR(2) NULL,
    `samples` INTEGER UNSIGNED NULL,
    `source` TINYINT NULL,
    `weight` DOUBLE NULL,
    `last_seen` DATE NULL,
    `block_first` DATE NULL,
    `block_last` DATE NULL,
    `block_count` TINYINT UNSIGNED NULL,
    `mac` BINARY(6) NOT NULL,

    INDEX `wifi_shard_8_region_idx`(`region`),
    INDEX `wifi_shard_8_created_idx`(`created`),
    INDEX `wifi_shard_8_modified_idx`(`modified`),
    INDEX `wifi_shard_8_latlon_idx`(`lat`, `lon`),
    PRIMARY KEY (`mac`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `wifi_shard_9` (
    `max_lat` DOUBLE NULL,
    `min_lat` DOUBLE NULL,
    `max_lon` DOUBLE NULL,
    `min_lon` DOUBLE NULL,
    `lat` DOUBLE NULL,
    `lon` DOUBLE NULL,
    `created` DATETIME(0) NULL,
    `modified` DATETIME(0) NULL,
    `radius` INTEGER UNSIGNED NULL,
    `region` VARCHAR(2) NULL,
    `samples` INTEGER UNSIGNED NULL,
    `source` TINYINT NULL,
    `weight` DOUBLE NULL,
    `last_seen` DATE NULL,
    `block_first` DATE NULL,
    `block_last` DATE NULL,
    `block_count` TINYINT UNSIGNED NULL,
    `mac` BINARY(6) NOT NULL,

    INDEX `wifi_shard_9_region_idx`(`region`),
    INDEX `wifi_shard_9_created_idx`(`created`),
    INDEX `wifi_shard_9_modified_idx`(`modified`),
    INDEX `wifi_shard_9_latlon_idx`(`lat`, `lon`),
    PRIMARY KEY (`mac`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `wifi_shard_a` (
    `max_lat` DOUBLE NULL,
    `min_lat` DOUBLE NULL,
    `max_lon` DOUBLE NULL,
    `min_lon` DOUBLE NULL,
    `lat` DOUBLE NULL,
    `lon` DOUBLE NULL,
    `created` DATETIME(0) NULL,
    `modified` DATETIME(0) NULL,
    `radius` INTEGER UNSIGNED NULL,
    `region` VARCHAR(2) NULL,
    `samples` INTEGER UNSIGNED NULL,
    `source` TINYINT NULL,
    `weight` DOUBLE NULL,
    `last_seen` DATE NULL,
    `block_first` DATE NULL,
    `block_last` DATE NULL,
    `block_count` TINYINT UNSIGNED NULL,
    `mac` BINARY(6) NOT NULL,

    INDEX `wifi_shard_a_region_idx`(`region`),
    INDEX `wifi_shard_a_created_idx`(`created`),
    INDEX `wifi_shard_a_modified_idx`(`modified`),
    INDEX `wifi_shard_a_latlon_idx`(`lat`, `lon`),
    PRIMARY KEY (`mac`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `wifi_shard_b` (
    `max_lat` DOUBLE NULL,
    `min_lat` DOUBLE NULL,
    `max_lon` DOUBLE NULL,
    `min_lon` DOUBLE NULL,
    `lat` DOUBLE NULL,
    `lon` DOUBLE NULL,
    `created` DATETIME(0) NULL,
    `modified` DATETIME(0) NULL,
    `radius` INTEGER UNSIGNED NULL,
    `region` VARCHAR(2) NULL,
    `samples` INTEGER UNSIGNED NULL,
    `source` TINYINT NULL,
    `weight` DOUBLE NULL,
    `last_seen` DATE NULL,
    `block_first` DATE NULL,
    `block_last` DATE NULL,
    `block_count` TINYINT UNSIGNED NULL,
    `mac` BINARY(6) NOT NULL,

    INDEX `wifi_shard_b_region_idx`(`region`),
    INDEX `wifi_shard_b_created_idx`(`created`),
    INDEX `wifi_shard_b_modified_idx`(`modified`),
    INDEX `wifi_shard_b_latlon_idx`(`lat`, `lon`),
    PRIMARY KEY (`mac`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `wifi_shard_c` (
    `max_lat` DOUBLE NULL,
    `min_lat` DOUBLE NULL,
    `max_lon` DOUBLE NULL,
    `min_lon` DOUBLE NULL,
    `lat` DOUBLE NULL,
    `lon` DOUBLE NULL,
    `created` DATETIME(0) NULL,
    `modified` DATETIME(0) NULL,
    `radius` INTEGER UNSIGNED NULL,
    `region` VARCHAR(2) NULL,
    `samples` INTEGER UNSIGNED NULL,
    `source` TINYINT NULL,
    `weight` DOUBLE NULL,
    `last_seen` DATE NULL,
    `block_first` DATE NULL,
    `block_last` DATE NULL,
    `block_count` TINYINT UNSIGNED NULL,
    `mac` BINARY(6) NOT NULL,

    INDEX `wifi_shard_c_region_idx`(`region`),
    INDEX `wifi_shard_c_created_idx`(`created`),
    INDEX `wifi_shard_c_modified_idx`(`modified`),
    INDEX `wifi_shard_c_latlon_idx`(`lat`, `lon`),
    PRIMARY KEY (`mac`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `wifi_shard_d` (
    `max_lat` DOUBLE NULL,
    `min_lat` DOUBLE NULL,
    `max_lon` DOUBLE NULL,
    `min_lon` DOUBLE NULL,
    `lat` DOUBLE NULL,
    `lon` DOUBLE NULL,
    `created` DATETIME(0) NULL,
    `modified` DATETIME(0) NULL,
    `radius` INTEGER UNSIGNED NULL,
    `region` VARCHAR(2) NULL,
    `samples` INTEGER UNSIGNED NULL,
    `source` TINYINT NULL,
    `weight` DOUBLE NULL,
    `last_seen` DATE NULL,
    `block_first` DATE NULL,
    `block_last` DATE NULL,
    `block_count` TINYINT UNSIGNED NULL,
    `mac` BINARY(6) NOT NULL,

    INDEX `wifi_shard_d_region_idx`(`region`),
    INDEX `wifi_shard_d_created_idx`(`created`),
    INDEX `wifi_shard_d_modified_idx`(`modified`),
    INDEX `wifi_shard_d_latlon_idx`(`lat`, `lon`),
    PRIMARY KEY (`mac`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `wifi_shard_e` (
    `max_lat` DOUBLE NULL,
    `min_lat` DOUBLE NULL,
    `max_lon` DOUBLE NULL,
    `min_lon` DOUBLE NULL,
    `lat` DOUBLE NULL,
    `lon` DOUBLE NULL,
    `created` DATETIME(0) NULL,
    `modified` DATETIME(0) NULL,
    `radius` INTEGER UNSIGNED NULL,
    `region` VARCHAR(2) NULL,
    `samples` INTEGER UNSIGNED NULL,
    `source` TINYINT NULL,
    `weight` DOUBLE NULL,
    `last_seen` DATE NULL,
    `block_first` DATE NULL,
    `block_last` DATE NULL,
    `block_count` TINYINT UNSIGNED NULL,
    `mac` BINARY(6) NOT NULL,

    INDEX `wifi_shard_e_region_idx`(`region`),
    INDEX `wifi_shard_e_created_idx`(`created`),
    INDEX `wifi_shard_e_modified_idx`(`modified`),
    INDEX `wifi_shard_e_latlon_idx`(`lat`, `lon`),
    PRIMARY KEY (`mac`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `wifi_shard_f` (
    `max_lat` DOUBLE NULL,
    `min_lat` DOUBLE NULL,
    `max_lon` DOUBLE NULL,
    `min_lon` DOUBLE NULL,
    `lat` DOUBLE NULL,
    `lon` DOUBLE NULL,
    `created` DATETIME(0) NULL,
    `modified` DATETIME(0) NULL,
    `radius` INTEGER UNSIGNED NULL,
    `region` VARCHAR(2) NULL,
    `samples` INTEGER UNSIGNED NULL,
    `source` TINYINT NULL,
    `weight` DOUBLE NULL,
    `last_seen` DATE NULL,
    `block_first` DATE NULL,
    `block_last` DATE NULL,
    `block_count` TINYINT UNSIGNED NULL,
    `mac` BINARY(6) NOT NULL,

    INDEX `wifi_shard_f_region_idx`(`region`),
    INDEX `wifi_shard_f_created_idx`(`created`),
    INDEX `wifi_shard_f_modified_idx`(`modified`),
    INDEX `wifi_shard_f_latlon_idx`(`lat`, `lon`),
    PRIMARY KEY (`mac`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `blue_shard_0` (
    `max_lat` DOUBLE NULL,
    `min_lat` DOUBLE NULL,
    `max_lon` DOUBLE NULL,
    `min_lon` DOUBLE NULL,
    `lat` DOUBLE NULL,
    `lon` DOUBLE NULL,
    `created` DATETIME(0) NULL,
    `modified` DATETIME(0) NULL,
    `radius` INTEGER UNSIGNED NULL,
    `region` VARCHAR(2) NULL,
    `samples` INTEGER UNSIGNED NULL,
    `source` TINYINT NULL,
    `weight` DOUBLE NULL,
    `last_seen` DATE NULL,
    `block_first` DATE NULL,
    `block_last` DATE NULL,
    `block_count` TINYINT UNSIGNED NULL,
    `mac` BINARY(6) NOT NULL,

    INDEX `blue_shard_0_region_idx`(`region`),
    INDEX `blue_shard_0_created_idx`(`created`),
    INDEX `blue_shard_0_modified_idx`(`modified`),
    INDEX `blue_shard_0_latlon_idx`(`lat`, `lon`),
    PRIMARY KEY (`mac`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `blue_shard_1` (
    `max_lat` DOUBLE NULL,
    `min_lat` DOUBLE NULL,
    `max_lon` DOUBLE NULL,
    `min_lon` DOUBLE NULL,
    `lat` DOUBLE NULL,
    `lon` DOUBLE NULL,
    `created` DATETIME(0) NULL,
    `modified` DATETIME(0) NULL,
    `radius` INTEGER UNSIGNED NULL,
    `region` VARCHAR(2) NULL,
    `samples` INTEGER UNSIGNED NULL,
    `source` TINYINT NULL,
    `weight` DOUBLE NULL,
    `last_seen` DATE NULL,
    `block_first` DATE NULL,
    `block_last` DATE NULL,
    `block_count` TINYINT UNSIGNED NULL,
    `mac` BINARY(6) NOT NULL,

    INDEX `blue_shard_1_region_idx`(`region`),
    INDEX `blue_shard_1_created_idx`(`created`),
    INDEX `blue_shard_1_modified_idx`(`modified`),
    INDEX `blue_shard_1_latlon_idx`(`lat`, `lon`),
    PRIMARY KEY (`mac`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `blue_shard_2` (
    `max_lat` DOUBLE NULL,
    `min_lat` DOUBLE NULL,
    `max_lon` DOUBLE NULL,
    `min_lon` DOUBLE NULL,
    `lat` DOUBLE NULL,
    `lon` DOUBLE NULL,
    `created` DATETIME(0) NULL,
    `modified` DATETIME(0) NULL,
    `radius` INTEGER UNSIGNED NULL,
    `region` VARCHAR(2) NULL,
    `samples` INTEGER UNSIGNED NULL,
    `source` TINYINT NULL,
    `weight` DOUBLE NULL,
    `last_seen` DATE NULL,
    `block_first` DATE NULL,
    `block_last` DATE NULL,
    `block_count` TINYINT UNSIGNED NULL,
    `mac` BINARY(6) NOT NULL,

    INDEX `blue_shard_2_region_idx`(`region`),
    INDEX `blue_shard_2_created_idx`(`created`),
    INDEX `blue_shard_2_modified_idx`(`modified`),
    INDEX `blue_shard_2_latlon_idx`(`lat`, `lon`),
    PRIMARY KEY (`mac`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `blue_shard_3` (
    `max_lat` DOUBLE NULL,
    `min_lat` DOUBLE NULL,
    `max_lon` DOUBLE NULL,
    `min_lon` DOUBLE NULL,
    `lat` DOUBLE NULL,
    `lon` DOUBLE NULL,
    `created` DATETIME(0) NULL,
    `modified` DATETIME(0) NULL,
    `radius` INTEGER UNSIGNED NULL,
    `region` VARCHAR(2) NULL,
    `samples` INTEGER UNSIGNED NULL,
    `source` TINYINT NULL,
    `weight` DOUBLE NULL,
    `last_seen` DATE NULL,
    `block_first` DATE NULL,
    `block_last` DATE NULL,
    `block_count` TINYINT UNSIGNED NULL,
    `mac` BINARY(6) NOT NULL,

    INDEX `blue_shard_3_region_idx`(`region`),
    INDEX `blue_shard_3_created_idx`(`created`),
    INDEX `blue_shard_3_modified_idx`(`modified`),
    INDEX `blue_shard_3_latlon_idx`(`lat`, `lon`),
    PRIMARY KEY (`mac`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `blue_shard_4` (
    `max_lat` DOUBLE NULL,
    `min_lat` DOUBLE NULL,
    `max_lon` DOUBLE NULL,
    `min_lon` DOUBLE NULL,
    `lat` DOUBLE NULL,
    `lon` DOUBLE NULL,
    `created` DATETIME(0) NULL,
    `modified` DATETIME(0) NULL,
    `radius` INTEGER UNSIGNED NULL,
    `region` VARCHAR(2) NULL,
    `samples` INTEGER UNSIGNED NULL,
    `source` TINYINT NULL,
    `weight` DOUBLE NULL,
    `last_seen` DATE NULL,
    `block_first` DATE NULL,
    `block_last` DATE NULL,
    `block_count` TINYINT UNSIGNED NULL,
    `mac` BINARY(6) NOT NULL,

    INDEX `blue_shard_4_region_idx`(`region`),
    INDEX `blue_shard_4_created_idx`(`created`),
    INDEX `blue_shard_4_modified_idx`(`modified`),
    INDEX `blue_shard_4_latlon_idx`(`lat`, `lon`),
    PRIMARY KEY (`mac`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `blue_shard_5` (
    `max_lat` DOUBLE NULL,
    `min_lat` DOUBLE NULL,
    `max_lon` DOUBLE NULL,
    `min_lon` DOUBLE NULL,
    `lat` DOUBLE NULL,
    `lon` DOUBLE NULL,
    `created` DATETIME(0) NULL,
    `modified` DATETIME(0) NULL,
    `radius` INTEGER UNSIGNED NULL,
    `region` VARCHAR(2) NULL,
    `samples` INTEGER UNSIGNED NULL,
    `source` TINYINT NULL,
    `weight` DOUBLE NULL,
    `last_seen` DATE NULL,
    `block_first` DATE NULL,
    `block_last` DATE NULL,
    `block_count` TINYINT UNSIGNED NULL,
    `mac` BINARY(6) NOT NULL,

    INDEX `blue_shard_5_region_idx`(`region`),
    INDEX `blue_shard_5_created_idx`(`created`),
    INDEX `blue_shard_5_modified_idx`(`modified`),
    INDEX `blue_shard_5_latlon_idx`(`lat`, `lon`),
    PRIMARY KEY (`mac`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `blue_shard_6` (
    `max_lat` DOUBLE NULL,
    `min_lat` DOUBLE NULL,
    `max_lon` DOUBLE NULL,
    `min_lon` DOUBLE NULL,
    `lat` DOUBLE NULL,
    `lon` DOUBLE NULL,
    `created` DATETIME(0) NULL,
    `modified` DATETIME(0) NULL,
    `radius` INTEGER UNSIGNED NULL,
    `region` VARCHAR(2) NULL,
    `samples` INTEGER UNSIGNED NULL,
    `source` TINYINT NULL,
    `weight` DOUBLE NULL,
    `last_seen` DATE NULL,
    `block_first` DATE NULL,
    `block_last` DATE NULL,
    `block_count` TINYINT UNSIGNED NULL,
    `mac` BINARY(6) NOT NULL,

    INDEX `blue_shard_6_region_idx`(`region`),
    INDEX `blue_shard_6_created_idx`(`created`),
    INDEX `blue_shard_6_modified_idx`(`modified`),
    INDEX `blue_shard_6_latlon_idx`(`lat`, `lon`),
    PRIMARY KEY (`mac`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `blue_shard_7` (
    `max_lat` DOUBLE NULL,
    `min_lat` DOUBLE NULL,
    `max_lon` DOUBLE NULL,
    `min_lon` DOUBLE NULL,
    `lat` DOUBLE NULL,
    `lon` DOUBLE NULL,
    `created` DATETIME(0) NULL,
    `modified` DATETIME(0) NULL,
    `radius` INTEGER UNSIGNED NULL,
    `region` VARCHAR(2) NULL,
    `samples` INTEGER UNSIGNED NULL,
    `source` TINYINT NULL,
    `weight` DOUBLE NULL,
    `last_seen` DATE NULL,
    `block_first` DATE NULL,
    `block_last` DATE NULL,
    `block_count` TINYINT UNSIGNED NULL,
    `mac` BINARY(6) NOT NULL,

    INDEX `blue_shard_7_region_idx`(`region`),
    INDEX `blue_shard_7_created_idx`(`created`),
    INDEX `blue_shard_7_modified_idx`(`modified`),
    INDEX `blue_shard_7_latlon_idx`(`lat`, `lon`),
    PRIMARY KEY (`mac`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `blue_shard_8` (
    `max_lat` DOUBLE NULL,
    `min_lat` DOUBLE NULL,
    `max_lon` DOUBLE NULL,
    `min_lon` DOUBLE NULL,
    `lat` DOUBLE NULL,
    `lon` DOUBLE NULL,
    `created` DATETIME(0) NULL,
    `modified` DATETIME(0) NULL,
    `radius` INTEGER UNSIGNED NULL,
    `region` VARCHAR(2) NULL,
    `samples` INTEGER UNSIGNED NULL,
    `source` TINYINT NULL,
    `weight` DOUBLE NULL,
    `last_seen` DATE NULL,
    `block_first` DATE NULL,
    `block_last` DATE NULL,
    `block_count` TINYINT UNSIGNED NULL,
    `mac` BINARY(6) NOT NULL,

    INDEX `blue_shard_8_region_idx`(`region`),
    INDEX `blue_shard_8_created_idx`(`created`),
    INDEX `blue_shard_8_modified_idx`(`modified`),
    INDEX `blue_shard_8_latlon_idx`(`lat`, `lon`),
    PRIMARY KEY (`mac`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `blue_shard_9` (
    `max_lat` DOUBLE NULL,
    `min_lat` DOUBLE NULL,
    `max_lon` DOUBLE NULL,
    `min_lon` DOUBLE NULL,
    `lat` DOUBLE NULL,
    `lon` DOUBLE NULL,
    `created` DATETIME(0) NULL,
    `modified` DATETIME(0) NULL,
    `radius` INTEGER UNSIGNED NULL,
    `region` VARCHAR(2) NULL,
    `samples` INTEGER UNSIGNED NULL,
    `source` TINYINT NULL,
    `weight` DOUBLE NULL,
    `last_seen` DATE NULL,
    `block_first` DATE NULL,
    `block_last` DATE NULL,
    `block_count` TINYINT UNSIGNED NULL,
    `mac` BINARY(6) NOT NULL,

    INDEX `blue_shard_9_region_idx`(`region`),
    INDEX `blue_shard_9_created_idx`(`created`),
    INDEX `blue_shard_9_modified_idx`(`modified`),
    INDEX `blue_shard_9_latlon_idx`(`lat`, `lon`),
    PRIMARY KEY (`mac`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `blue_shard_a` (
    `max_lat` DOUBLE NULL,
    `min_lat` DOUBLE NULL,
    `max_lon` DOUBLE NULL,
    `min_lon` DOUBLE NULL,
    `lat` DOUBLE NULL,
    `lon` DOUBLE NULL,
    `created` DATETIME(0) NULL,
    `modified` DATETIME(0) NULL,
    `radius` INTEGER UNSIGNED NULL,
    `region` VARCHAR(2) NULL,
    `samples` INTEGER UNSIGNED NULL,
    `source` TINYINT NULL,
    `weight` DOUBLE NULL,
    `last_seen` DATE NULL,
    `block_first` DATE NULL,
    `block_last` DATE NULL,
    `block_count` TINYINT UNSIGNED NULL,
    `mac` BINARY(6) NOT NULL,

    INDEX `blue_shard_a_region_idx`(`region`),
    INDEX `blue_shard_a_created_idx`(`created`),
    INDEX `blue_shard_a_modified_idx`(`modified`),
    INDEX `blue_shard_a_latlon_idx`(`lat`, `lon`),
    PRIMARY KEY (`mac`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `blue_shard_b` (
    `max_lat` DOUBLE NULL,
    `min_lat` DOUBLE NULL,
    `max_lon` DOUBLE NULL,
    `min_lon` DOUBLE NULL,
    `lat` DOUBLE NULL,
    `lon` DOUBLE NULL,
    `created` DATETIME(0) NULL,
    `modified` DATETIME(0) NULL,
    `radius` INTEGER UNSIGNED NULL,
    `region` VARCHAR(2) NULL,
    `samples` INTEGER UNSIGNED NULL,
    `source` TINYINT NULL,
    `weight` DOUBLE NULL,
    `last_seen` DATE NULL,
    `block_first` DATE NULL,
    `block_last` DATE NULL,
    `block_count` TINYINT UNSIGNED NULL,
    `mac` BINARY(6) NOT NULL,

    INDEX `blue_shard_b_region_idx`(`region`),
    INDEX `blue_shard_b_created_idx`(`created`),
    INDEX `blue_shard_b_modified_idx`(`modified`),
    INDEX `blue_shard_b_latlon_idx`(`lat`, `lon`),
    PRIMARY KEY (`mac`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `blue_shard_c` (
    `max_lat` DOUBLE NULL,
    `min_lat` DOUBLE NULL,
    `max_lon` DOUBLE NULL,
    `min_lon` DOUBLE NULL,
    `lat` DOUBLE NULL,
    `lon` DOUBLE NULL,
    `created` DATETIME(0) NULL,
    `modified` DATETIME(0) NULL,
    `radius` INTEGER UNSIGNED NULL,
    `region` VARCHAR(2) NULL,
    `samples` INTEGER UNSIGNED NULL,
    `source` TINYINT NULL,
    `weight` DOUBLE NULL,
    `last_seen` DATE NULL,
    `block_first` DATE NULL,
    `block_last` DATE NULL,
    `block_count` TINYINT UNSIGNED NULL,
    `mac` BINARY(6) NOT NULL,

    INDEX `blue_shard_c_region_idx`(`region`),
    INDEX `blue_shard_c_created_idx`(`created`),
    INDEX `blue_shard_c_modified_idx`(`modified`),
    INDEX `blue_shard_c_latlon_idx`(`lat`, `lon`),
    PRIMARY KEY (`mac`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `blue_shard_d` (
    `max_lat` DOUBLE NULL,
    `min_lat` DOUBLE NULL,
    `max_lon` DOUBLE NULL,
    `min_lon` DOUBLE NULL,
    `lat` DOUBLE NULL,
    `lon` DOUBLE NULL,
    `created` DATETIME(0) NULL,
    `modified` DATETIME(0) NULL,
    `radius` INTEGER UNSIGNED NULL,
    `region` VARCHAR(2) NULL,
    `samples` INTEGER UNSIGNED NULL,
    `source` TINYINT NULL,
    `weight` DOUBLE NULL,
    `last_seen` DATE NULL,
    `block_first` DATE NULL,
    `block_last` DATE NULL,
    `block_count` TINYINT UNSIGNED NULL,
    `mac` BINARY(6) NOT NULL,

    INDEX `blue_shard_d_region_idx`(`region`),
    INDEX `blue_shard_d_created_idx`(`created`),
    INDEX `blue_shard_d_modified_idx`(`modified`),
    INDEX `blue_shard_d_latlon_idx`(`lat`, `lon`),
    PRIMARY KEY (`mac`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `blue_shard_e` (
    `max_lat` DOUBLE NULL,
    `min_lat` DOUBLE NULL,
    `max_lon` DOUBLE NULL,
    `min_lon` DOUBLE NULL,
    `lat` DOUBLE NULL,
    `lon` DOUBLE NULL,
    `created` DATETIME(0) NULL,
    `modified` DATETIME(0) NULL,
    `radius` INTEGER UNSIGNED NULL,
    `region` VARCHAR(2) NULL,
    `samples` INTEGER UNSIGNED NULL,
    `source` TINYINT NULL,
    `weight` DOUBLE NULL,
    `last_seen` DATE NULL,
    `block_first` DATE NULL,
    `block_last` DATE NULL,
    `block_count` TINYINT UNSIGNED NULL,
    `mac` BINARY(6) NOT NULL,

    INDEX `blue_shard_e_region_idx`(`region`),
    INDEX `blue_shard_e_created_idx`(`created`),
    INDEX `blue_shard_e_modified_idx`(`modified`),
    INDEX `blue_shard_e_latlon_idx`(`lat`, `lon`),
    PRIMARY KEY (`mac`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `blue_shard_f` (
    `max_lat` DOUBLE NULL,
    `min_lat` DOUBLE NULL,
    `max_lon` DOUBLE NULL,
    `min_lon` DOUBLE NULL,
    `lat` DOUBLE NULL,
    `lon` DOUBLE NULL,
    `created` DATETIME(0) NULL,
    `modified` DATETIME(0) NULL,
    `radius` INTEGER UNSIGNED NULL,
    `region` VARCHAR(2) NULL,
    `samples` INTEGER UNSIGNED NULL,
    `source` TINYINT NULL,
    `weight` DOUBLE NULL,
    `last_seen` DATE NULL,
    `block_first` DATE NULL,
    `block_last` DATE NULL,
    `block_count` TINYINT UNSIGNED NULL,
    `mac` BINARY(6) NOT NULL,

    INDEX `blue_shard_f_region_idx`(`region`),
    INDEX `blue_shard_f_created_idx`(`created`),
    INDEX `blue_shard_f_modified_idx`(`modified`),
    INDEX `blue_shard_f_latlon_idx`(`lat`, `lon`),
    PRIMARY KEY (`mac`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `cell_gsm` (
    `max_lat` DOUBLE NULL,
    `min_lat` DOUBLE NULL,
    `max_lon` DOUBLE NULL,
    `min_lon` DOUBLE NULL,
    `lat` DOUBLE NULL,
    `lon` DOUBLE NULL,
    `created` DATETIME(0) NULL,
    `modified` DATETIME(0) NULL,
    `radius` INTEGER UNSIGNED NULL,
    `region` VARCHAR(2) NULL,
    `samples` INTEGER UNSIGNED NULL,
    `source` TINYINT NULL,
    `weight` DOUBLE NULL,
    `last_seen` DATE NULL,
    `block_first` DATE NULL,
    `block_last` DATE NULL,
    `block_count` TINYINT UNSIGNED NULL,
    `cellid` BINARY(11) NOT NULL,
    `radio` TINYINT NOT NULL,
    `mcc` SMALLINT NOT NULL,
    `mnc` SMALLINT NOT NULL,
    `lac` SMALLINT UNSIGNED NOT NULL,
    `cid` INTEGER UNSIGNED NOT NULL,
    `psc` SMALLINT NULL,

    UNIQUE INDEX `cell_gsm_cellid_unique`(`radio`, `mcc`, `mnc`, `lac`, `cid`),
    INDEX `cell_gsm_region_idx`(`region`),
    INDEX `cell_gsm_created_idx`(`created`),
    INDEX `cell_gsm_modified_idx`(`modified`),
    INDEX `cell_gsm_latlon_idx`(`lat`, `lon`),
    PRIMARY KEY (`cellid`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `cell_wcdma` (
    `max_lat` DOUBLE NULL,
    `min_lat` DOUBLE NULL,
    `max_lon` DOUBLE NULL,
    `min_lon` DOUBLE NULL,
    `lat` DOUBLE NULL,
    `lon` DOUBLE NULL,
    `created` DATETIME(0) NULL,
    `modified` DATETIME(0) NULL,
    `radius` INTEGER UNSIGNED NULL,
    `region` VARCHAR(2) NULL,
    `samples` INTEGER UNSIGNED NULL,
    `source` TINYINT NULL,
    `weight` DOUBLE NULL,
    `last_seen` DATE NULL,
    `block_first` DATE NULL,
    `block_last` DATE NULL,
    `block_count` TINYINT UNSIGNED NULL,
    `cellid` BINARY(11) NOT NULL,
    `radio` TINYINT NOT NULL,
    `mcc` SMALLINT NOT NULL,
    `mnc` SMALLINT NOT NULL,
    `lac` SMALLINT UNSIGNED NOT NULL,
    `cid` INTEGER UNSIGNED NOT NULL,
    `psc` SMALLINT NULL,

    UNIQUE INDEX `cell_wcdma_cellid_unique`(`radio`, `mcc`, `mnc`, `lac`, `cid`),
    INDEX `cell_wcdma_region_idx`(`region`),
    INDEX `cell_wcdma_created_idx`(`created`),
    INDEX `cell_wcdma_modified_idx`(`modified`),
    INDEX `cell_wcdma_latlon_idx`(`lat`, `lon`),
    PRIMARY KEY (`cellid`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `cell_lte` (
    `max_lat` DOUBLE NULL,
    `min_lat` DOUBLE NULL,
    `max_lon` DOUBLE NULL,
    `min_lon` DOUBLE NULL,
    `lat` DOUBLE NULL,
    `lon` DOUBLE NULL,
    `created` DATETIME(0) NULL,
    `modified` DATETIME(0) NULL,
    `radius` INTEGER UNSIGNED NULL,
    `region` VARCHAR(2) NULL,
    `samples` INTEGER UNSIGNED NULL,
    `source` TINYINT NULL,
    `weight` DOUBLE NULL,
    `last_seen` DATE NULL,
    `block_first` DATE NULL,
    `block_last` DATE NULL,
    `block_count` TINYINT UNSIGNED NULL,
    `cellid` BINARY(11) NOT NULL,
    `radio` TINYINT NOT NULL,
    `mcc` SMALLINT NOT NULL,
    `mnc` SMALLINT NOT NULL,
    `lac` SMALLINT UNSIGNED NOT NULL,
    `cid` INTEGER UNSIGNED NOT NULL,
    `psc` SMALLINT NULL,

    UNIQUE INDEX `cell_lte_cellid_unique`(`radio`, `mcc`, `mnc`, `lac`, `cid`),
    INDEX `cell_lte_region_idx`(`region`),
    INDEX `cell_lte_created_idx`(`created`),
    INDEX `cell_lte_modified_idx`(`modified`),
    INDEX `cell_lte_latlon_idx`(`lat`, `lon`),
    PRIMARY KEY (`cellid`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `cell_nr` (
    `max_lat` DOUBLE NULL,
    `min_lat` DOUBLE NULL,
    `max_lon` DOUBLE NULL,
    `min_lon` DOUBLE NULL,
    `lat` DOUBLE NULL,
    `lon` DOUBLE NULL,
    `created` DATETIME(0) NULL,
    `modified` DATETIME(0) NULL,
    `radius` INTEGER UNSIGNED NULL,
    `region` VARCHAR(2) NULL,
    `samples` INTEGER UNSIGNED NULL,
    `source` TINYINT NULL,
    `weight` DOUBLE NULL,
    `last_seen` DATE NULL,
    `block_first` DATE NULL,
    `block_last` DATE NULL,
    `block_count` TINYINT UNSIGNED NULL,
    `cellid` BINARY(17) NOT NULL,
    `radio` TINYINT NOT NULL,
    `mcc` SMALLINT NOT NULL,
    `mnc` SMALLINT NOT NULL,
    `lac` INTEGER UNSIGNED NOT NULL,
    `cid` BIGINT UNSIGNED NOT NULL,
    `psc` SMALLINT NULL,

    UNIQUE INDEX `cell_nr_cellid_unique`(`radio`, `mcc`, `mnc`, `lac`, `cid`),
    INDEX `cell_nr_region_idx`(`region`),
    INDEX `cell_nr_created_idx`(`created`),
    INDEX `cell_nr_modified_idx`(`modified`),
    INDEX `cell_nr_latlon_idx`(`lat`, `lon`),
    PRIMARY KEY (`cellid`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `cell_area` (
    `lat` DOUBLE NULL,
    `lon` DOUBLE NULL,
    `created` DATETIME(0) NULL,
    `modified` DATETIME(0) NULL,
    `areaid` BINARY(7) NOT NULL,
    `radio` TINYINT NOT NULL,
    `mcc` SMALLINT NOT NULL,
    `mnc` SMALLINT NOT NULL,
    `lac` SMALLINT UNSIGNED NOT NULL,
    `radius` INTEGER NULL,
    `region` VARCHAR(2) NULL,
    `avg_cell_radius` INTEGER UNSIGNED NULL,
    `num_cells` INTEGER UNSIGNED NULL,
    `last_seen` DATE NULL,

    UNIQUE INDEX `cell_area_areaid_unique`(`radio`, `mcc`, `mnc`, `lac`),
    INDEX `cell_area_region_radio_idx`(`region`, `radio`),
    INDEX `cell_area_created_idx`(`created`),
    INDEX `cell_area_modified_idx`(`modified`),
    INDEX `cell_area_latlon_idx`(`lat`, `lon`),
    PRIMARY KEY (`areaid`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `datamap_ne` (
    `grid` BINARY(8) NOT NULL,
    `created` DATE NULL,
    `modified` DATE NULL,

    INDEX `datamap_ne_created_idx`(`created`),
    INDEX `datamap_ne_modified_idx`(`modified`),
    PRIMARY KEY (`grid`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `datamap_nw` (
    `grid` BINARY(8) NOT NULL,
    `created` DATE NULL,
    `modified` DATE NULL,

    INDEX `datamap_nw_created_idx`(`created`),
    INDEX `datamap_nw_modified_idx`(`modified`),
    PRIMARY KEY (`grid`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `datamap_se` (
    `grid` BINARY(8) NOT NULL,
    `created` DATE NULL,
    `modified` DATE NULL,

    INDEX `datamap_se_created_idx`(`created`),
    INDEX `datamap_se_modified_idx`(`modified`),
    PRIMARY KEY (`grid`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `datamap_sw` (
    `grid` BINARY(8) NOT NULL,
    `created` DATE NULL,
    `modified` DATE NULL,

    INDEX `datamap_sw_created_idx`(`created`),
    INDEX `datamap_sw_modified_idx`(`modified`),
    PRIMARY KEY (`grid`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `stat` (
    `key` TINYINT NOT NULL,
    `time` DATE NOT NULL,
    `value` BIGINT UNSIGNED NULL,

    PRIMARY KEY (`key`, `time`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `region_stat` (
    `region` VARCHAR(2) NOT NULL,
    `gsm` INTEGER UNSIGNED NULL,
    `wcdma` INTEGER UNSIGNED NULL,
    `lte` INTEGER UNSIGNED NULL,
    `blue` BIGINT UNSIGNED NULL,
    `wifi` BIGINT UNSIGNED NULL,

    PRIMARY KEY (`region`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `stream_checkpoint` (
    `group_name` VARCHAR(200) NOT NULL,
    `stream` VARCHAR(200) NOT NULL,
    `last_ms` BIGINT UNSIGNED NOT NULL DEFAULT 0,
    `last_seq` BIGINT UNSIGNED NOT NULL DEFAULT 0,
    `last_entry` BIGINT UNSIGNED NOT NULL DEFAULT 0,
    `applied` BIGINT UNSIGNED NOT NULL DEFAULT 0,
    `lost` BIGINT UNSIGNED NOT NULL DEFAULT 0,
    `updated_at` DATETIME(3) NOT NULL,

    PRIMARY KEY (`group_name`, `stream`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- Seed: the two exports every installation runs (SPEC §4.5, DESIGN §3). `backup` gets its S3
-- URL from the operator (`ichnos exports`); until then it is disabled with a warning.
INSERT INTO `export_config` (`name`, `batch`, `schema`, `url`, `skip_keys`, `skip_sources`) VALUES
    ('internal', 100, 'internal', NULL, NULL, NULL),
    ('backup', 100, 's3', NULL, NULL, NULL);
