/** The demo uploads POSTed to /v2/geosubmit, a few at a time, as stumbler apps send them. */
import type { DemoUpload } from "./cities.ts";

const IN_FLIGHT = 8;

export async function postUpload(baseUrl: string, upload: DemoUpload): Promise<void> {
  const res = await fetch(new URL("/v2/geosubmit", baseUrl), {
    method: "POST", body: JSON.stringify(upload.body), headers: { "content-type": "application/json", "user-agent": upload.userAgent },
  });
  if (res.status !== 200) throw new Error(`POST /v2/geosubmit answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
}

export async function submitUploads(baseUrl: string, uploads: readonly DemoUpload[]): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < uploads.length) await postUpload(baseUrl, uploads[next++]!);
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
}
