/**
 * Thrown by a projection whose target is unavailable (an S3 or partner outage): the runtime
 * retries the batch with back-off for as long as it takes, the group lags visibly, and nothing
 * counts as a delivery, so the entries are never dead-lettered for it.
 */
export class RetryLaterError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "RetryLaterError";
  }
}
