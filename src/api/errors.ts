/**
 * The API's one error vocabulary (SPEC §1.6). Handlers throw these; the app's error hook is
 * the only place that turns them into the JSON envelope.
 */
import { HTTPError } from "h3";

export interface ErrorEnvelope {
  error: { errors: [{ domain: string; reason: string; message: string }]; code: number; message: string };
  details?: ParseErrorDetails;
}

export type ParseErrorDetails = { decode: string } | { validation: Record<string, string> };

export class ApiError extends HTTPError {
  readonly domain: string;
  readonly reason: string;
  readonly details: ParseErrorDetails | undefined;

  constructor(status: number, domain: string, reason: string, message: string, details?: ParseErrorDetails) {
    super({ status, message });
    this.domain = domain;
    this.reason = reason;
    this.details = details;
  }

  toEnvelope(): ErrorEnvelope {
    const envelope: ErrorEnvelope = {
      error: { errors: [{ domain: this.domain, reason: this.reason, message: this.message }], code: this.status, message: this.message },
    };
    // SPEC §1.6: `details` is a sibling of `error`, and absent rather than empty.
    if (this.details) envelope.details = this.details;
    return envelope;
  }
}

export const invalidApiKey = () => new ApiError(400, "usageLimits", "keyInvalid", "Missing or invalid API key.");
export const dailyLimitExceeded = () => new ApiError(403, "usageLimits", "dailyLimitExceeded", "You have exceeded your daily limit.");
export const locationNotFound = () => new ApiError(404, "geolocation", "notFound", "Not found");
export const parseError = (details?: ParseErrorDetails) => new ApiError(400, "global", "parseError", "Parse Error", details);
export const serviceUnavailable = () => new ApiError(503, "global", "serviceUnavailable", "Service Unavailable");

/** Not in Ichnaea (it had no limit); same envelope, so clients parse it like the others. */
export const payloadTooLarge = (limitBytes: number) =>
  new ApiError(413, "global", "payloadTooLarge", `Request body too large: the limit is ${limitBytes} bytes after decompression.`);
export const unauthorized = () =>
  new ApiError(401, "global", "unauthorized", "Missing or wrong bearer token (Authorization: Bearer <ADMIN_TOKEN>).");
