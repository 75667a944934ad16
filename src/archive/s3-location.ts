/** `s3://bucket/prefix`, as `export_config.url` and BACKUP_URL spell an archive's location. */
export interface S3Location {
  readonly bucket: string;
  /** Without leading or trailing slashes; may be empty. */
  readonly prefix: string;
}

export function parseS3Url(url: string): S3Location {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url.trim());
  if (!match) throw new Error(`"${url}" is not an s3://bucket/prefix URL (bucket: 3-63 lowercase letters, digits, dots and hyphens)`);
  return { bucket: match[1]!, prefix: (match[2] ?? "").replace(/^\/+|\/+$/g, "") };
}
