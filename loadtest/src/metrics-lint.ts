/** A small reader and linter for the Prometheus text exposition format (what prom-client serves). */

export interface Sample { name: string, labels: Record<string, string>, value: number }
export interface MetricFamily { name: string, type: string, help: string, samples: Sample[] }

const SAMPLE_RE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/
const LABEL_RE = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g
const SUFFIXES = ['_bucket', '_sum', '_count', '_total', '_created', '_info']

export function parseExposition (text: string): Map<string, MetricFamily> {
  const families = new Map<string, MetricFamily>()
  const family = (name: string): MetricFamily => {
    let f = families.get(name)
    if (f === undefined) families.set(name, f = { name, type: 'untyped', help: '', samples: [] })
    return f
  }
  for (const line of text.split('\n')) {
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line)
    if (meta !== null) {
      const f = family(meta[2] as string)
      if (meta[1] === 'TYPE') f.type = meta[3] ?? 'untyped'
      else f.help = meta[3] ?? ''
      continue
    }
    const m = SAMPLE_RE.exec(line)
    if (m === null) continue
    const name = m[1] as string
    const labels: Record<string, string> = {}
    for (const l of (m[2] ?? '').matchAll(LABEL_RE)) labels[l[1] as string] = l[2] as string
    // A histogram's _bucket/_sum/_count samples belong to the family without the suffix.
    const base = SUFFIXES.map((s) => name.endsWith(s) ? name.slice(0, -s.length) : name).find((b) => b !== name && families.has(b)) ?? name
    family(base).samples.push({ name, labels, value: Number(m[3]) })
  }
  return families
}

/** Label names whose values are unbounded (one series per user, URL or request). */
const UNBOUNDED_LABELS = new Set(['url', 'path', 'id', 'request_id', 'user', 'ip', 'number', 'filename'])
const TIME_WORDS = /(duration|latency|wait|delay|elapsed|time)/
const FORBIDDEN_UNITS = /_(ms|milliseconds|microseconds|us|minutes|hours|kb|mb|kilobytes|megabytes|percent)(_|$)/
/** prom-client's own default metrics predate some conventions (gauges named *_total). */
const DEFAULT_PREFIXES = ['nodejs_', 'process_']

/** Problems with a family's name, type and labels under Prometheus naming conventions; empty when clean. */
export function lintFamily (f: MetricFamily): string[] {
  const problems: string[] = []
  const own = !DEFAULT_PREFIXES.some((p) => f.name.startsWith(p))
  if (!/^[a-z_:][a-z0-9_:]*$/.test(f.name)) problems.push(`${f.name}: names are lower snake_case`)
  if (f.help.trim() === '') problems.push(`${f.name}: no HELP text`)
  if (f.type === 'counter' && !f.name.endsWith('_total')) problems.push(`${f.name}: a counter's name ends in _total`)
  if (own && f.type !== 'counter' && f.name.endsWith('_total')) problems.push(`${f.name}: only counters end in _total (this is a ${f.type})`)
  if (FORBIDDEN_UNITS.test(f.name)) problems.push(`${f.name}: use base units (seconds, bytes, ratios)`)
  if (own && TIME_WORDS.test(f.name) && !/_seconds(_total)?$/.test(f.name) && f.type !== 'gauge') {
    problems.push(`${f.name}: a time measurement is named in _seconds`)
  }
  if (f.name.endsWith('_info') && f.samples.some((s) => s.value !== 1)) problems.push(`${f.name}: an info metric's value is 1`)
  const labelNames = new Set(f.samples.flatMap((s) => Object.keys(s.labels)))
  for (const l of labelNames) {
    if (!/^[a-z_][a-z0-9_]*$/.test(l) || l.startsWith('__')) problems.push(`${f.name}: label "${l}" is not lower snake_case`)
    if (UNBOUNDED_LABELS.has(l)) problems.push(`${f.name}: label "${l}" has an unbounded value set`)
  }
  for (const s of f.samples) {
    const route = s.labels.route
    // A raw URL in a route label (/check/97 instead of /check/:number) makes one series per request.
    if (route !== undefined && /\/\d+(\/|$)/.test(route)) problems.push(`${f.name}: route label "${route}" is a raw URL, not a route pattern`)
  }
  return problems
}

export function lintExposition (text: string): string[] {
  return [...parseExposition(text).values()].flatMap(lintFamily)
}
