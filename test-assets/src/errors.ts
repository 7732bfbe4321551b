/**
 * A test asset is missing and cannot be fetched. The message is one line that
 * names the variable to set and the reason; stack and cause are left out on
 * purpose, so a test run shows that line and not a trace of where it came from.
 */
export class TestAssetError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'TestAssetError'
    this.stack = `${this.name}: ${message}`
  }
}

/** The innermost reason of a failed download: "getaddrinfo ENOTFOUND host", "HTTP 404 Not Found". */
export function reason (err: unknown): string {
  let e = err as { message?: string, code?: string, cause?: unknown } | undefined
  while (e?.cause !== undefined && typeof e.cause === 'object' && e.cause !== null) e = e.cause as typeof e
  const message = e?.message ?? String(err)
  // fetch's "cannot download <url>: HTTP 404 Not Found" already says it well: keep the part after the URL.
  return message.replace(/^cannot download \S+: /, '').replace(/\. If this machine has no internet access.*$/, '')
}
