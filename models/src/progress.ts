import { formatMB } from './catalog.js'

/** Told about each chunk of a download. */
export interface Progress {
  update (received: number): void
  done (): void
}

const BAR_WIDTH = 24
const TTY_INTERVAL_MS = 100

/**
 * A download progress display on `stream`: a redrawn bar with percentage,
 * MB and speed on a TTY; a plain line every 10 % otherwise (CI logs, containers).
 */
export function progressReporter (label: string, total: number | undefined, stream: NodeJS.WriteStream = process.stderr): Progress {
  const started = Date.now()
  let lastDraw = 0
  let lastDecile = -1
  let received = 0
  const line = (): string => {
    const seconds = Math.max((Date.now() - started) / 1000, 0.001)
    const speed = `${(received / 1e6 / seconds).toFixed(1)} MB/s`
    if (!total) return `${label} ${formatMB(received)} ${speed}`
    const ratio = Math.min(received / total, 1)
    const filled = Math.round(ratio * BAR_WIDTH)
    const bar = stream.isTTY ? `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ` : ''
    return `${label} ${bar}${(ratio * 100).toFixed(0).padStart(3)}% ${(received / 1e6).toFixed(1)}/${formatMB(total)} ${speed}`
  }
  return {
    update (n: number) {
      received = n
      if (stream.isTTY) {
        const now = Date.now()
        if (now - lastDraw < TTY_INTERVAL_MS) return
        lastDraw = now
        stream.write(`\r${line()}\x1b[K`)
        return
      }
      const decile = total ? Math.floor((received / total) * 10) : Math.floor(received / 10e6)
      if (decile > lastDecile) {
        lastDecile = decile
        stream.write(`${line()}\n`)
      }
    },
    done () {
      if (stream.isTTY) stream.write(`\r${line()}\x1b[K\n`)
      else if (lastDecile < 10) stream.write(`${line()}\n`)
    }
  }
}
