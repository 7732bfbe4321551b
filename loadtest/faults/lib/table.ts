import type { MachineInfo } from '../../src/result.js'
import type { GroupResult, OverloadFigures } from './report.js'

/** Exact p99 (nearest rank) of a list of latencies. */
export function p99 (values: number[]): number | undefined {
  if (values.length === 0) return undefined
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)]
}

const ms = (v: number | null | undefined): string => v === null || v === undefined ? '-' : v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`

function failedNames (g: GroupResult): string {
  const failed = g.cases.filter((c) => !c.passed)
  if (failed.length === 0) return ''
  const names = failed.slice(0, 4).map((c) => c.name).join('; ')
  return `failed: ${names}${failed.length > 4 ? `; +${failed.length - 4} more` : ''}`
}

/** The table of case groups: cases, passed, p99 of their timed requests, notes. */
export function groupTable (groups: GroupResult[]): string {
  const rows = [...groups].sort((a, b) => a.order - b.order || a.group.localeCompare(b.group)).map((g) => {
    const passed = g.cases.filter((c) => c.passed).length
    const notes = [...g.notes, failedNames(g)].filter((n) => n !== '').join('. ').replaceAll('|', '/')
    return `| ${g.group} | ${g.cases.length} | ${passed} | ${ms(p99(g.cases.flatMap((c) => c.ms)))} | ${notes} |`
  })
  return ['| group | cases | passed | p99 | notes |', '|---|---:|---:|---:|---|', ...rows].join('\n')
}

/** The overload figures, one row per target. */
export function overloadTable (figures: OverloadFigures[]): string {
  const rows = figures.map((f) => {
    const rss = Object.entries(f.rssPeakMiB).map(([s, v]) => `${s} ${Math.round(v)}`).join(', ')
    return `| ${f.target} | ${f.capacityPerSec.toFixed(0)}/s | ${f.offeredPerSec.toFixed(0)}/s for ${f.durationSec} s | ${(f.share200 * 100).toFixed(0)} % | ` +
      `${ms(f.p99Of200Ms)} (bound ${ms(f.boundMs)}) | ${ms(f.firstRefusalMs)} | ${ms(f.recoveryMs)} | ${rss} |`
  })
  return [
    '| target | capacity (closed loop) | offered (open loop) | 200s | p99 of the 200s | first 503 | recovery | memory peak (anonymous RSS), MiB |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
    ...rows
  ].join('\n')
}

/** The whole report: machine, the group table, the overload table. */
export function faultReport (groups: GroupResult[], machine: MachineInfo, startedAt: string): string {
  const total = groups.reduce((n, g) => n + g.cases.length, 0)
  const passed = groups.reduce((n, g) => n + g.cases.filter((c) => c.passed).length, 0)
  const overload = groups.flatMap((g) => g.overload === undefined ? [] : [g.overload])
  return [
    `Fault suite, ${startedAt}: ${passed} of ${total} cases passed. ${machine.cpuModel} x${machine.cores}, ${machine.memGiB} GiB, ` +
      `Node ${machine.node}, load average ${machine.loadAvg1m ?? '-'} at the start.`,
    '',
    groupTable(groups),
    ...(overload.length === 0 ? [] : ['', overloadTable(overload)])
  ].join('\n')
}
