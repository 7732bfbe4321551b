import type { ProgressFn } from './load-request.js'

/**
 * Progress on stderr: one line rewritten in place on a terminal, a plain line
 * every 5 s otherwise (CI logs), nothing when quiet.
 */
export function progress (label: string, durationSec: number, quiet = false): { onProgress: ProgressFn, done: () => void } {
  const tty = process.stderr.isTTY
  let last = -Infinity
  const onProgress: ProgressFn = (elapsed, responses, errors) => {
    if (quiet) return
    const line = `${label}: ${elapsed.toFixed(0)}/${durationSec}s  ${responses} responses  ${(responses / Math.max(elapsed, 1e-3)).toFixed(0)} req/s  ${errors} errors`
    if (tty) process.stderr.write(`\r\x1b[2K${line}`)
    else if (elapsed - last >= 5) {
      last = elapsed
      process.stderr.write(line + '\n')
    }
  }
  return { onProgress, done: () => { if (tty && !quiet) process.stderr.write('\r\x1b[2K') } }
}
