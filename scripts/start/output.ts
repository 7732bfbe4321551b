// What `npm start` prints: its own lines, and each service's pino JSON turned into one readable line.

const LEVEL_NAMES: Record<number, [name: string, colour?: string]> = {
  10: ['TRACE'], 20: ['DEBUG'], 30: ['INFO'], 40: ['WARN', '33'], 50: ['ERROR', '31'], 60: ['FATAL', '31']
}

export interface Output {
  /** Prints `name │ text`. */
  line: (name: string, text: string, hue?: string) => void
  /** The launcher's own line. */
  say: (text: string) => void
  /** The launcher's own line, highlighted: something the user should act on. */
  warn: (text: string) => void
  /** The `name │ ` column, for a progress display that writes its own lines. */
  prefix: (name: string, hue?: string) => string
  paint: (code: string, text: string) => string
  /** A service's output line: pino JSON becomes `LEVEL message details`; anything else passes as is. */
  format: (line: string) => string
}

export function createOutput (stream: NodeJS.WriteStream = process.stdout, env: NodeJS.ProcessEnv = process.env): Output {
  const color = stream.isTTY === true && !env.NO_COLOR
  const paint = (code: string, text: string): string => color ? `\x1b[${code}m${text}\x1b[0m` : text
  const prefix = (name: string, hue = '1'): string => `${paint(hue, name.padEnd(11))}│ `
  const line = (name: string, text: string, hue?: string): void => { stream.write(`${prefix(name, hue)}${text}\n`) }

  function format (raw: string): string {
    let record: unknown
    try { record = JSON.parse(raw) } catch { return raw }
    if (typeof record !== 'object' || record === null || typeof (record as { level?: unknown }).level !== 'number') return raw
    const { level, time: _t, pid: _p, hostname: _h, service: _s, msg, err, req, res, responseTime, reqId: _r, ...rest } = record as Record<string, unknown> & { level: number }
    const [name, colour] = LEVEL_NAMES[level] ?? [String(level)]
    const parts = [colour ? paint(colour, name) : name, typeof msg === 'string' ? msg : '']
    const request = req as { method?: string, url?: string } | undefined
    const response = res as { statusCode?: number } | undefined
    const error = err as { type?: string, message?: string, stack?: string } | undefined
    if (request) parts.push(`${request.method} ${request.url}`)
    if (response) parts.push(`${response.statusCode}${typeof responseTime === 'number' ? ` in ${responseTime.toFixed(1)} ms` : ''}`)
    if (error) parts.push(`— ${error.type ?? 'Error'}: ${error.message}${level >= 50 && error.stack ? `\n${error.stack}` : ''}`)
    if (Object.keys(rest).length > 0) parts.push(paint('2', JSON.stringify(rest)))
    return parts.filter(Boolean).join(' ')
  }

  return {
    line,
    say: (text) => line('start', text),
    warn: (text) => line('start', paint('33', text)),
    prefix,
    paint,
    format
  }
}
