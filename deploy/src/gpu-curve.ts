import { SOURCES } from './sources.js'

/** Wall time of one batch on a GPU at some batch sizes; other sizes are interpolated. */
export interface GpuCurve {
  points: ReadonlyArray<{ batch: number, runMs: number }>
  /** True when the points come from `npm run gpu:check` on the user's machine. */
  measured: boolean
  source: string
  url?: string
}

/**
 * Run time of a batch: the measured point, else linear between the two
 * neighbouring points, else extended along the slope of the last two (or,
 * with one point, in proportion to the batch: every image costs the same).
 */
export function curveMs (curve: GpuCurve, batch: number): number {
  const pts = [...curve.points].sort((a, b) => a.batch - b.batch)
  if (pts.length === 0) throw new Error('a GPU curve needs at least one point')
  const exact = pts.find((p) => p.batch === batch)
  if (exact !== undefined) return exact.runMs
  if (pts.length === 1) return pts[0]!.runMs * batch / pts[0]!.batch
  const upper = pts.findIndex((p) => p.batch > batch)
  const [a, b] = upper <= 0 ? (upper === 0 ? [pts[0]!, pts[1]!] : [pts.at(-2)!, pts.at(-1)!]) : [pts[upper - 1]!, pts[upper]!]
  const slope = (b.runMs - a.runMs) / (b.batch - a.batch)
  return Math.max(0.01, a.runMs + slope * (batch - a.batch))
}

const table = (rows: Array<[number, number]>): GpuCurve['points'] => rows.map(([batch, runMs]) => ({ batch, runMs }))

/**
 * ResNet-50 on a T4, average latency per batch from NVIDIA's
 * DeepLearningExamples (ResNet-50 v1.5, PyTorch, pytorch-21.03 container).
 * v1.5 costs about 5 % more than the v1 this project serves; onnxruntime's CUDA
 * provider is taken to be comparable to PyTorch. Replaced by `gpu:check`.
 */
export const RESNET50_T4_FP32: GpuCurve = {
  points: table([[1, 10.7], [2, 11.26], [4, 12.73], [8, 22.41], [16, 39.77], [32, 77.62]]),
  measured: false,
  source: 'default: NVIDIA DeepLearningExamples, ResNet-50 v1.5 FP32 inference on a T4 (PyTorch), average batch latency',
  url: SOURCES.resnet50OnT4
}

/** The same table's mixed-precision (FP16 tensor cores) rows: what an FP16 model could reach. */
export const RESNET50_T4_FP16: GpuCurve = {
  points: table([[1, 12.96], [2, 13.18], [4, 12.99], [8, 12.82], [16, 15.8], [32, 29.54]]),
  measured: false,
  source: 'estimate, not shipped: NVIDIA DeepLearningExamples, ResNet-50 v1.5 mixed precision (FP16) on a T4',
  url: SOURCES.resnet50OnT4
}
