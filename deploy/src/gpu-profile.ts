import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import type { GpuCurve } from './gpu-curve.js'

/** One batch size as `gpu:check` measured it: run time of `session.run()` per batch, after warm-up. */
export interface GpuBatchFigure {
  batch: number
  runs: number
  imagesPerSec: number
  p50Ms: number
  p99Ms: number
  /** GPU memory in use after this batch size ran (nvidia-smi, whole GPU); null without nvidia-smi. */
  gpuMemMiB: number | null
}

/** What `npm run gpu:check` writes (deploy/gpu-profiles/<gpu>-<model>.json) and `npm run plan` reads. */
export interface GpuProfile {
  schemaVersion: 1
  kind: 'gpu-profile'
  createdAt: string
  /** The provider the session really ran on. Only `cuda` profiles replace the planner's GPU defaults. */
  provider: 'cuda' | 'cpu'
  gpu: { name: string, memoryMiB: number, driver: string } | null
  model: { name: string, sha256: string }
  onnxruntime: string
  /** The image the bench ran in, and its cuDNN (the base image's NV_CUDNN_VERSION). */
  image: string | null
  cudnn: string | null
  /** Top-5 of the GPU session against the CPU session on the same photos. */
  agreement: { photos: number, top5Same: number, maxProbabilityDiff: number, tolerance: number }
  /** GPU memory in use before the session opened. */
  baselineGpuMemMiB: number | null
  batches: GpuBatchFigure[]
}

export class GpuProfileError extends Error {
  override name = 'GpuProfileError'
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Checks the fields the planner relies on; names the first one wrong. */
export function parseGpuProfile (text: string, file: string): GpuProfile {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (err) {
    throw new GpuProfileError(`${file}: not JSON (${(err as Error).message})`, { cause: err })
  }
  const fail = (what: string): never => { throw new GpuProfileError(`${file}: ${what}`) }
  if (!isRecord(data) || data.kind !== 'gpu-profile' || data.schemaVersion !== 1) fail('not a gpu-profile (schemaVersion 1) written by npm run gpu:check')
  const d = data as Record<string, unknown>
  if (d.provider !== 'cuda' && d.provider !== 'cpu') fail('"provider" must be cuda or cpu')
  if (!isRecord(d.model) || typeof d.model.name !== 'string') fail('"model.name" must be a string')
  if (d.gpu !== null && (!isRecord(d.gpu) || typeof d.gpu.name !== 'string' || typeof d.gpu.memoryMiB !== 'number')) fail('"gpu" must be null or have name and memoryMiB')
  if (!Array.isArray(d.batches) || d.batches.length === 0) fail('"batches" must be a non-empty array')
  for (const b of d.batches as unknown[]) {
    if (!isRecord(b) || ![b.batch, b.p50Ms, b.p99Ms, b.imagesPerSec].every((v) => typeof v === 'number' && v > 0)) {
      fail('every batch needs positive batch, p50Ms, p99Ms and imagesPerSec numbers')
    }
  }
  return data as GpuProfile
}

export interface SourcedGpuProfile {
  file: string
  profile: GpuProfile
}

/** Every *.json in a directory (or one file) as GPU profiles; a missing directory holds none. */
export async function readGpuProfiles (location: string): Promise<SourcedGpuProfile[]> {
  let files: string[]
  try {
    files = (await readdir(location)).filter((f) => f.endsWith('.json')).sort().map((f) => path.join(location, f))
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return []
    if (code !== 'ENOTDIR') throw new GpuProfileError(`cannot read GPU profiles from ${location}: ${(err as Error).message}`, { cause: err })
    files = [location]
  }
  return await Promise.all(files.map(async (file) => ({ file, profile: parseGpuProfile(await readFile(file, 'utf8'), file) })))
}

/** "Tesla T4" (nvidia-smi) and "NVIDIA T4" (the planner) name the same GPU. */
export const sameGpu = (a: string, b: string): boolean => {
  const key = (s: string): string => s.toLowerCase().replace(/\b(nvidia|tesla|geforce)\b/g, '').replace(/[^a-z0-9]/g, '')
  return key(a) === key(b)
}

/**
 * The newest CUDA profile of this GPU and model. A profile that ran on the CPU
 * (a test run of the bench without a GPU) never stands for a GPU.
 */
export function pickGpuProfile (profiles: SourcedGpuProfile[], gpuModel: string, model: string): SourcedGpuProfile | undefined {
  return profiles
    .filter(({ profile: p }) => p.provider === 'cuda' && p.gpu !== null && sameGpu(p.gpu.name, gpuModel) && p.model.name === model)
    .sort((a, b) => b.profile.createdAt.localeCompare(a.profile.createdAt))[0]
}

/** The measured batch curve of a profile (p50 run time per batch size). */
export function profileCurve ({ file, profile }: SourcedGpuProfile): GpuCurve {
  return {
    points: profile.batches.map((b) => ({ batch: b.batch, runMs: b.p50Ms })),
    measured: true,
    source: `measured: ${file} (gpu:check ${profile.createdAt.slice(0, 10)}, ${profile.gpu?.name ?? '?'}, driver ${profile.gpu?.driver ?? '?'}, onnxruntime ${profile.onnxruntime})`
  }
}

/** GPU memory the profile saw in use at the smallest measured batch >= `batch` (the arena only grows). */
export function profileGpuMemMiB (profile: GpuProfile, batch: number): number | null {
  const sorted = [...profile.batches].sort((a, b) => a.batch - b.batch)
  const at = sorted.find((b) => b.batch >= batch) ?? sorted.at(-1)
  if (at?.gpuMemMiB == null) return null
  return at.gpuMemMiB - (profile.baselineGpuMemMiB ?? 0)
}
