import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Measurement } from './stats.js'

export interface ModelReport {
  model: string
  file: string
  sha256: string
  raw: { batchSize: number, result: Measurement, sweep: Array<{ batchSize: number, result: Measurement }> }
  pipeline: { batchSize: number, concurrency: number, result: Measurement, sweep: Array<{ concurrency: number, result: Measurement }> }
  service: {
    concurrency: number
    result: Measurement
    sweep: Array<{ concurrency: number, result: Measurement }>
    info: unknown
    meanBatchSize: number | undefined
    peakRssMB: number
    hwmMB: number
  }
  ratios: { cOverB: number, cOverA: number }
}

export interface BenchReport {
  date: string
  machine: { cpu: string, cores: number, memoryGiB: number, node: string, onnxruntime: string, sharp: string, loadavgBefore: number[], loadavgAfter: number[] }
  settings: { threads: number, durationS: number, photos: string[] }
  models: ModelReport[]
}

const n1 = (x: number): string => (Number.isFinite(x) ? x.toFixed(1) : '-')

/** The results as a markdown table plus one line of ratios and memory per model. */
export function markdown (report: BenchReport): string {
  const lines = [
    '| model | stage | best setting | img/s | p50 ms | p99 ms |',
    '|---|---|---|---:|---:|---:|'
  ]
  for (const m of report.models) {
    const row = (stage: string, setting: string, r: Measurement): string =>
      `| ${m.model} | ${stage} | ${setting} | ${n1(r.rps)} | ${n1(r.p50Ms)} | ${n1(r.p99Ms)} |`
    lines.push(row('(a) onnxruntime, ready tensors', `batch ${m.raw.batchSize}`, m.raw.result))
    lines.push(row('(b) sharp + onnxruntime, no HTTP', `batch ${m.pipeline.batchSize}, ${m.pipeline.concurrency} decoding`, m.pipeline.result))
    lines.push(row('(c) classifier over HTTP', `${m.service.concurrency} connections`, m.service.result))
  }
  lines.push('')
  for (const m of report.models) {
    lines.push(`- ${m.model}: c/b = ${m.ratios.cOverB.toFixed(2)}, c/a = ${m.ratios.cOverA.toFixed(2)}; ` +
      `classifier RSS peak ${n1(m.service.peakRssMB)} MB (VmHWM ${n1(m.service.hwmMB)} MB)` +
      (m.service.meanBatchSize === undefined ? '' : `; mean batch size in the service ${m.service.meanBatchSize.toFixed(2)}`))
  }
  const { machine, settings } = report
  lines.push('', `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ` +
    `onnxruntime-node ${machine.onnxruntime}, sharp ${machine.sharp}; ${settings.threads} onnxruntime threads; ` +
    `${settings.durationS} s per point; ${settings.photos.length} photos cycled; load average before ${machine.loadavgBefore.map((l) => l.toFixed(2)).join(' ')}, after ${machine.loadavgAfter.map((l) => l.toFixed(2)).join(' ')}.`)
  return lines.join('\n')
}

export async function writeJson (dir: string, report: BenchReport): Promise<string> {
  await mkdir(dir, { recursive: true })
  const path = join(dir, `bench-classifier-${report.date.slice(0, 16).replace(':', '')}.json`)
  await writeFile(path, `${JSON.stringify(report, null, 2)}\n`)
  return path
}
