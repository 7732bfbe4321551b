import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Figure } from './costs.js'

/** Where `npm run bench:classifier` writes its results. */
export const DEFAULT_BENCH_DIR = fileURLToPath(new URL('../../loadtest/results/bench/', import.meta.url))

interface Cpu { bench: number, service: number }
interface BenchFile {
  decode?: { mix?: { cpuMsPerImage?: { after?: number } } }
  models?: Array<{ model: string, pipeline?: { rps: number, cpu: Cpu }, http?: { rps: number, cpu: Cpu } }>
}

/** The newest bench-classifier-*.json in a directory, or the file itself. */
async function newest (location: string): Promise<string | undefined> {
  try {
    const names = (await readdir(location)).filter((n) => /^bench-classifier-.*\.json$/.test(n) && !n.includes('containers')).sort()
    return names.length === 0 ? undefined : path.join(location, names.at(-1)!)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') return location
    return undefined
  }
}

/**
 * The classifier's CPU per image without inference, from the classifier
 * bench: its preprocessing cost over the 12-photo mix (sharp decode, resize,
 * normalize; one image at a time), plus what serving over HTTP added in the
 * same run ((c) service CPU per image minus (b) pipeline CPU per image, both
 * with the same model). Undefined when there is no bench result.
 */
export async function benchClassifierCost (location: string, coreSpeed: number): Promise<Figure | undefined> {
  const file = await newest(location)
  if (file === undefined) return undefined
  const data = JSON.parse(await readFile(file, 'utf8')) as BenchFile
  const decodeMs = data.decode?.mix?.cpuMsPerImage?.after
  if (typeof decodeMs !== 'number' || !(decodeMs > 0)) return undefined
  const m = data.models?.find((x) => x.pipeline !== undefined && x.http !== undefined)
  const httpMs = m === undefined ? 0 : Math.max(0, 1000 * (m.http!.cpu.service / m.http!.rps - m.pipeline!.cpu.bench / m.pipeline!.rps))
  return {
    value: (decodeMs + httpMs) / 1000 / coreSpeed,
    measured: true,
    source: `${path.relative(process.cwd(), file)}: preprocessing ${decodeMs.toFixed(1)} ms/img over the mix` +
      (m === undefined ? '' : ` + HTTP ${httpMs.toFixed(1)} ms/img (${m.model}, service minus pipeline CPU)`)
  }
}
