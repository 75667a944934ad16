/**
 * An S3-speaking server of the test's own (s3rver) on a loopback port, with the archive bucket,
 * that can be stopped and started again on the same port and data directory (an S3 outage).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ListObjectsV2Command, S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import S3rver from "s3rver";
import { freePort } from "./private-redis.ts";

export interface TestS3 {
  readonly port: number;
  readonly bucket: string;
  /** The variables that point an Ichnos process at this server. */
  readonly env: Readonly<Record<string, string>>;
  readonly client: S3Client;
  /** What `client` was made with, for a test that needs a client of its own. */
  readonly clientConfig: S3ClientConfig;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Every key under `prefix`, in listing order. */
  keys(prefix: string): Promise<string[]>;
  close(): Promise<void>;
}

export async function startTestS3(bucket = "ichnos-archive"): Promise<TestS3> {
  const port = await freePort();
  const directory = mkdtempSync(join(tmpdir(), "ichnos-s3-"));
  let server: S3rver | null = null;
  const endpoint = `http://127.0.0.1:${port}`;
  const clientConfig: S3ClientConfig = {
    endpoint, region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  };
  const client = new S3Client(clientConfig);
  const self: TestS3 = {
    port,
    bucket,
    env: {
      AWS_ENDPOINT_URL_S3: endpoint, AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER", AWS_REGION: "us-east-1",
      S3_FORCE_PATH_STYLE: "true",
    },
    client,
    clientConfig,
    async start() {
      server = new S3rver({ port, address: "127.0.0.1", silent: true, directory, configureBuckets: [{ name: bucket, configs: [] }] });
      await server.run();
    },
    async stop() {
      await server?.close();
      server = null;
    },
    async keys(prefix) {
      const out: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
        for (const o of page.Contents ?? []) if (o.Key) out.push(o.Key);
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return out;
    },
    async close() {
      await self.stop();
      client.destroy();
      rmSync(directory, { recursive: true, force: true });
    },
  };
  await self.start();
  return self;
}
