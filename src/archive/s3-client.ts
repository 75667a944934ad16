/**
 * The archive's S3 client. Credentials, endpoint and the rest come from the AWS SDK's own
 * settings (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_ENDPOINT_URL_S3, profiles, instance
 * roles); Ichnos adds only what the SDK has no variable for. Creating it connects nothing.
 */
import { S3Client } from "@aws-sdk/client-s3";
import type { Config } from "../config.ts";

export function createArchiveS3Client(config: Pick<Config, "awsRegion" | "s3ForcePathStyle">): S3Client {
  return new S3Client({
    region: config.awsRegion ?? "us-east-1",
    forcePathStyle: config.s3ForcePathStyle,
    // Uploads are Buffers of known length; the SDK's retries are kept short because the consumer
    // runtime retries a failed batch itself, with back-off, for as long as it takes.
    maxAttempts: 2,
  });
}
