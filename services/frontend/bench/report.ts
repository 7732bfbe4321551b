import { loadavg } from 'node:os'
import { machineInfo } from '@inference-stack/loadtest'
import { formatBytes } from '../page/dom.js'
import { emptyCost, perUpload, type Cost, type Upload } from './replay.js'

/** The two ways a photo is sent: as it is (before page resizing), as the page sends it now. */
export const WAYS = ['asIs', 'page'] as const
export type Way = typeof WAYS[number]

/** A test photo, its two uploads, and what the page did ("771×512, 480 ms"), if it resized it. */
export interface Photo { name: string, asIs: Upload, page: Upload, resize?: string }

export function machineLine (loadAtStart: number): string {
  const m = machineInfo()
  return `machine: ${m.cpuModel}, ${m.cores} cores, ${m.memGiB} GiB, Node ${m.node}; ` +
    `load average (1 min) ${loadAtStart.toFixed(2)} at start, ${(loadavg()[0] ?? 0).toFixed(2)} at end`
}

function sum (costs: Cost[]): Cost {
  const total = emptyCost(['classifier', 'frontend'])
  for (const c of costs) {
    for (const [k, v] of Object.entries(c.cpuMs)) total.cpuMs[k] = (total.cpuMs[k] ?? 0) + v
    total.uploads += c.uploads
    total.decodeMs += c.decodeMs
  }
  return total
}

const ms = (v: number): string => `${v.toFixed(1)} ms`
const HEADER = ['photo', 'as is', 'the page sends', 'classifier CPU: as is', 'page', 'ratio', 'server decode: as is', 'page', 'frontend CPU: as is', 'page']

function row (label: string, asIsBytes: number, pageText: string, c: Record<Way, Cost>): string[] {
  const [before, after] = [perUpload(c.asIs, 'classifier'), perUpload(c.page, 'classifier')]
  return [
    label, formatBytes(asIsBytes), pageText, ms(before), ms(after), `${(before / Math.max(0.01, after)).toFixed(1)}x`,
    ms(c.asIs.decodeMs / c.asIs.uploads), ms(c.page.decodeMs / c.page.uploads),
    ms(perUpload(c.asIs, 'frontend')), ms(perUpload(c.page, 'frontend'))
  ]
}

/**
 * One row per photo, then the photos the page resized, those it sent as they are
 * (the same bytes both ways: their difference is the measurement's noise), and all.
 */
export function printTable (photos: Photo[], costs: Array<Record<Way, Cost>>): void {
  const rows = [HEADER]
  for (const [i, p] of photos.entries()) {
    const c = costs[i] as Record<Way, Cost>
    rows.push(row(p.name, p.asIs.bytes.length, p.resize ? `${formatBytes(p.page.bytes.length)} (${p.resize})` : 'as is', c))
  }
  const groups: Array<[string, (p: Photo) => boolean]> = [['resized by the page', (p) => p.resize !== undefined], ['sent as is', (p) => p.resize === undefined], ['all', () => true]]
  for (const [label, pick] of groups) {
    const chosen = photos.flatMap((p, i) => pick(p) ? [i] : [])
    if (chosen.length === 0) continue
    const bytes = (way: Way): number => chosen.reduce((total, i) => total + (photos[i]?.[way].bytes.length ?? 0), 0)
    const group = { asIs: sum(chosen.map((i) => costs[i]?.asIs ?? emptyCost([]))), page: sum(chosen.map((i) => costs[i]?.page ?? emptyCost([]))) }
    rows.push(row(`${label} (${chosen.length})`, bytes('asIs'), formatBytes(bytes('page')), group))
  }
  const widths = HEADER.map((_, c) => Math.max(...rows.map((r) => r[c]?.length ?? 0)))
  for (const r of rows) console.log(r.map((cell, c) => c === 0 || c === 2 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0)).join('  '))
}
