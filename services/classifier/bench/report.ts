import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { AccuracyReport } from './accuracy.js'
import { accuracyMarkdown, decodeMarkdown } from './decode-report.js'
import type { DecodeReport } from './decode-bench.js'
import { describe, type ServiceProfile } from './service-metrics.js'
import { perCore, type Measurement } from './stats.js'

export interface ModelReport {
  model: string
  file: string
  sha256: string
  chosen: { batchSize: number, pipelineConcurrency: number, httpConcurrency: number }
  /** Medians over the rounds. */
  raw: Measurement
  pipeline: Measurement
  /** (b) with the preprocessing this change replaced, in the same rounds. */
  pipelineBefore: Measurement
  http: Measurement
  /** Medians of the per-round ratios: of throughput, and of images per core-second. */
  ratios: { cOverB: number, bOverBefore: number, cOverA: number, perCoreCOverB: number }
  accuracy: AccuracyReport
  service: { info: unknown, profiles: ServiceProfile[], peakRssMB: number, hwmMB: number }
  sweeps: {
    raw: Array<{ batchSize: number, result: Measurement }>
    pipeline: Array<{ concurrency: number, result: Measurement }>
    http: Array<{ concurrency: number, result: Measurement }>
  }
  rounds: Array<{ raw: Measurement, pipeline: Measurement, pipelineBefore: Measurement, http: Measurement }>
}

export interface BenchReport {
  date: string
  machine: { cpu: string, cores: number, memoryGiB: number, node: string, onnxruntime: string, sharp: string, loadavgBefore: number[], loadavgAfter: number[] }
  settings: { server: string, threads: number, durationS: number, rounds: number, photos: string[], variants: string[], serviceEnv: Record<string, string> }
  /** Preprocessing cost per photo: the decode floor, the code before this change, the service's (model-independent). */
  decode?: DecodeReport | undefined
  models: ModelReport[]
}

const n1 = (x: number): string => (Number.isFinite(x) ? x.toFixed(1) : '-')

/** The results as a markdown table, a line of ratios and memory per model, and the machine. */
export function markdown (report: BenchReport): string {
  const lines = [
    '| model | stage | setting | img/s | p50 ms | p99 ms | img per core-s | cores: bench / service / other work |',
    '|---|---|---|---:|---:|---:|---:|---:|'
  ]
  for (const m of report.models) {
    const row = (stage: string, setting: string, r: Measurement): string =>
      `| ${m.model} | ${stage} | ${setting} | ${n1(r.rps)} | ${n1(r.p50Ms)} | ${n1(r.p99Ms)} | ${n1(perCore(r))} | ${[r.cpu.bench, r.cpu.service, r.cpu.others].map((c) => c.toFixed(2)).join(' / ')} |`
    lines.push(row('(a) onnxruntime, ready tensors', `batch ${m.chosen.batchSize}`, m.raw))
    lines.push(row('(b) before: the replaced preprocessing', `batch ${m.chosen.batchSize}, ${m.chosen.pipelineConcurrency} decoding`, m.pipelineBefore))
    lines.push(row('(b) sharp + onnxruntime, no HTTP', `batch ${m.chosen.batchSize}, ${m.chosen.pipelineConcurrency} decoding`, m.pipeline))
    lines.push(row('(c) classifier over HTTP', `${m.chosen.httpConcurrency} connections`, m.http))
  }
  lines.push('')
  for (const m of report.models) {
    lines.push(`- ${m.model}: b/b-before = ${m.ratios.bOverBefore.toFixed(2)}, c/b = ${m.ratios.cOverB.toFixed(2)}, c/a = ${m.ratios.cOverA.toFixed(2)}, ` +
      `c/b per core-second = ${m.ratios.perCoreCOverB.toFixed(2)}; ` +
      `classifier RSS peak ${n1(m.service.peakRssMB)} MB (VmHWM ${n1(m.service.hwmMB)} MB)` +
      (m.service.profiles.length === 0 ? '' : `; in the service (middle round): ${describe(m.service.profiles[m.service.profiles.length >> 1]!)}`))
  }
  if (report.decode) lines.push('', decodeMarkdown(report.decode))
  for (const m of report.models) lines.push('', accuracyMarkdown(m.model, m.accuracy))
  const { machine, settings } = report
  lines.push('', 'Cores: the bench process (the in-process loops, or the HTTP client in (c)), the classifier process, and all other work ' +
    'on the machine, averaged over the window. img per core-s divides throughput by the stage\'s own cores (the bench for (a) and (b), ' +
    'the classifier for (c)), which other work disturbs much less than img/s.')
  lines.push('', `Medians of ${settings.rounds} interleaved rounds of ${settings.durationS} s. Machine: ${machine.cpu}, ${machine.cores} cores, ` +
    `${machine.memoryGiB} GiB, Node ${machine.node}, onnxruntime-node ${machine.onnxruntime}, sharp ${machine.sharp}; ` +
    `${settings.threads} onnxruntime threads; classifier run as ${settings.server}; ${settings.photos.length} photos cycled; load average before ` +
    `${machine.loadavgBefore.map((l) => l.toFixed(2)).join(' ')}, after ${machine.loadavgAfter.map((l) => l.toFixed(2)).join(' ')}.`)
  return lines.join('\n')
}

export async function writeJson (dir: string, report: BenchReport): Promise<string> {
  await mkdir(dir, { recursive: true })
  const path = join(dir, `bench-classifier-${report.date.slice(0, 16).replace(':', '')}.json`)
  await writeFile(path, `${JSON.stringify(report, null, 2)}\n`)
  return path
}
