import { catalog, getEntry, type CatalogEntry } from '@inference-stack/models'
import { RESNET50_T4_FP16, RESNET50_T4_FP32, type GpuCurve } from './gpu-curve.js'

/**
 * Run time of one batch as `fixed + perImage × batch` (milliseconds).
 * On the CPU the figures are wall times with 2 intra-op threads on the
 * project's 2-vCPU development VM; more threads divide them (optimistic: assumes
 * perfect scaling), so CPU-seconds per image stay the same.
 */
export interface BatchCurve {
  fixedMs: number
  perImageMs: number
  source: string
}

/** What the planner measured or estimated for a model, beside what the catalog says of it. */
interface Figures {
  /** Activation memory per image in a batch on the GPU (MiB), when it runs there. */
  activationMiBPerImage: number
  /** Resident memory of the classifier process on CPU (MiB, whole process). */
  cpuRssMiB: number
  cpu: BatchCurve
  /**
   * Batch run times on a T4 (the only GPU the planner knows): the model as
   * served, and an FP16 version of it (not shipped) to show what FP16 would
   * add. Absent when the model is not planned for the GPU.
   */
  t4?: { fp32: GpuCurve, fp16: GpuCurve }
}

/** What the planner needs to know about one model: the catalog's facts (@inference-stack/models) and the planner's figures. */
export interface ModelPerf extends Figures {
  name: string
  precision: CatalogEntry['precision']
  /** Weight bytes: the size of the catalog's file. */
  weightBytes: number
}

// Measured on the development VM, 2 intra-op threads: ResNet-50 fp32 22 img/s at batch 1 (45 ms)
// and 24 at batch 8 (333 ms): perImage = (333 - 45) / 7 = 41.1 ms, fixed 3.9 ms.
const RESNET50_FP32_CPU: BatchCurve = { fixedMs: 3.9, perImageMs: 41.1, source: 'default: ResNet-50 fp32 measured on the project\'s 2-vCPU dev VM, 2 threads, 45 ms at batch 1, 24 img/s at batch 8' }

// Estimate, not measured here: int8 with VNNI runs about 2.5x faster than fp32
// in onnxruntime's CPU provider. Replace with a profile from the target.
const INT8_SPEEDUP = 2.5

// ResNet-50 layer outputs sum to about 11 M floats per image: 45 MiB at fp32.
// onnxruntime reuses buffers, so this is an upper bound.
const RESNET50_ACTIVATION_MIB = 45

const RESNET50_FP32: Figures = {
  activationMiBPerImage: RESNET50_ACTIVATION_MIB,
  cpuRssMiB: 400,
  cpu: RESNET50_FP32_CPU,
  t4: { fp32: RESNET50_T4_FP32, fp16: RESNET50_T4_FP16 }
}

/** The planner's figures for the catalog models it plans; `like` names the model whose file size a generated one shares. */
const FIGURES: Record<string, Figures & { like?: string }> = {
  'resnet50-v1-12': RESNET50_FP32,
  'resnet50-v1-12-int8': {
    activationMiBPerImage: RESNET50_ACTIVATION_MIB / 4,
    cpuRssMiB: 250,
    cpu: {
      fixedMs: RESNET50_FP32_CPU.fixedMs / INT8_SPEEDUP,
      perImageMs: RESNET50_FP32_CPU.perImageMs / INT8_SPEEDUP,
      source: `estimate: ResNet-50 fp32 figures / ${INT8_SPEEDUP} (int8 with VNNI), not measured`
    }
  },
  // Measured on the development VM, 2 threads: 330 img/s at batch 1 (3 ms) and 400 at batch 4 (10 ms).
  'mobilenetv2-12-int8': {
    activationMiBPerImage: 10,
    cpuRssMiB: 130,
    cpu: { fixedMs: 0.67, perImageMs: 2.33, source: 'default: MobileNetV2 int8 measured on the project\'s 2-vCPU dev VM, 2 threads, 3 ms at batch 1, 400 img/s at batch 4' }
  },
  // The benchmark model: random weights, the same graph, cost and size as ResNet-50 fp32 (generated: no file size in the catalog).
  'synthetic-resnet50': { ...RESNET50_FP32, like: 'resnet50-v1-12' }
}

function modelPerf (name: string, { like, ...figures }: Figures & { like?: string }): ModelPerf {
  const entry = getEntry(name)
  const bytes = entry.bytes ?? getEntry(like ?? name).bytes
  if (bytes === undefined) throw new Error(`models/catalog.json gives no size for ${name}: name the model it is like`)
  return { name, precision: entry.precision, weightBytes: bytes, ...figures }
}

export const MODELS: Record<string, ModelPerf> = Object.fromEntries(Object.entries(FIGURES).map(([name, f]) => [name, modelPerf(name, f)]))

export const MODEL_NAMES = Object.keys(MODELS)

/** The catalog's model for a GPU (`recommendedFor: gpu`, the classifier's default) or for a CPU. */
export function recommendedModel (target: 'gpu' | 'cpu'): string {
  const entry = Object.values(catalog).find((e) => e.recommendedFor === target && Object.hasOwn(MODELS, e.name))
  if (entry === undefined) throw new Error(`models/catalog.json recommends no planned model for the ${target}`)
  return entry.name
}

/** Intra-op threads the CPU figures were measured with. */
export const CPU_CURVE_THREADS = 2

/** Wall time (ms) of one CPU batch with `threads` intra-op threads. */
export function cpuBatchMs (model: ModelPerf, batch: number, threads: number): number {
  return (model.cpu.fixedMs + model.cpu.perImageMs * batch) * CPU_CURVE_THREADS / threads
}

/** CPU-seconds per image of CPU inference at a batch size (independent of threads). */
export function cpuInferenceSeconds (model: ModelPerf, batch: number): number {
  return cpuBatchMs(model, batch, CPU_CURVE_THREADS) * CPU_CURVE_THREADS / batch / 1000
}
