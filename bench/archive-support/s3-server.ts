/** The s3rver child (s3rver-child.ts) and an S3 client for it. */
import { S3Client } from "@aws-sdk/client-s3";
import { startServer } from "../harness/children.ts";
import type { BenchRun } from "../harness/run.ts";

export interface S3Server {
  readonly bucket: string;
  readonly client: S3Client;
  /** The child's pid, for the CPU it spends. */
  readonly pid: number;
}

export async function startS3Server(bench: BenchRun, bucket: string): Promise<S3Server> {
  const directory = await bench.tempDir("s3");
  const server = await startServer(new URL("./s3rver-child.ts", import.meta.url), {
    label: "s3rver", args: [directory, bucket], onUnexpectedExit: bench.abort,
  });
  const client = new S3Client({
    endpoint: server.url, region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  });
  bench.defer(() => client.destroy());
  return { bucket, client, pid: server.pid };
}
