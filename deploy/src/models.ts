import type { GpuSpec } from './machines.js'

/**
 * Run time of one batch as `fixed + perImage × batch` (milliseconds).
 * On the CPU the figures are wall times with 2 intra-op threads on the
 * 2-vCPU development VM; more threads divide them (optimistic: assumes
 * perfect scaling), so CPU-seconds per image stay the same.
 */
export interface BatchCurve {
  fixedMs: number
  perImageMs: number
  source: string
}

/** What the planner needs to know about one model of models/catalog.json. */
export interface ModelPerf {
  name: string
  precision: 'fp32' | 'int8'
  /** Weight bytes as listed in models/catalog.json. */
  weightBytes: number
  /** Activation memory per image in a batch on the GPU (MiB), when it runs there. */
  activationMiBPerImage: number
  /** Resident memory of the classifier process on CPU (MiB, whole process). */
  cpuRssMiB: number
  cpu: BatchCurve
  /** fp32 GPU images/s per TFLOPS at large batch; absent when the model is not planned for the GPU. */
  gpuImagesPerSecPerTflops?: number
}

// Development VM, 2 intra-op threads: ResNet-50 fp32 22 img/s at batch 1 (45 ms)
// and 24 at batch 8 (333 ms): perImage = (333 - 45) / 7 = 41.1 ms, fixed 3.9 ms.
const RESNET50_FP32_CPU: BatchCurve = { fixedMs: 3.9, perImageMs: 41.1, source: 'dev VM: ResNet-50 fp32, 2 threads, 45 ms at batch 1, 24 img/s at batch 8' }

// Estimate, not measured here: int8 with VNNI runs about 2.5x faster than fp32
// in onnxruntime's CPU provider. Replace with a profile from the target.
const INT8_SPEEDUP = 2.5

// Published figures: PyTorch FP32 ResNet-50 plateaus near 420 img/s on a T4
// (8.1 TFLOPS): 420 / 8.1 = 51.9 img/s per fp32 TFLOPS. onnxruntime's CUDA
// provider at fp32 is taken to be comparable.
const RESNET50_GPU_PER_TFLOPS = 420 / 8.1

// ResNet-50 layer outputs sum to about 11 M floats per image: 45 MiB at fp32.
// onnxruntime reuses buffers, so this is an upper bound.
const RESNET50_ACTIVATION_MIB = 45

export const MODELS: Record<string, ModelPerf> = {
  'resnet50-v1-12': {
    name: 'resnet50-v1-12',
    precision: 'fp32',
    weightBytes: 102_576_593,
    activationMiBPerImage: RESNET50_ACTIVATION_MIB,
    cpuRssMiB: 400,
    cpu: RESNET50_FP32_CPU,
    gpuImagesPerSecPerTflops: RESNET50_GPU_PER_TFLOPS
  },
  'resnet50-v1-12-int8': {
    name: 'resnet50-v1-12-int8',
    precision: 'int8',
    weightBytes: 25_816_052,
    activationMiBPerImage: RESNET50_ACTIVATION_MIB / 4,
    cpuRssMiB: 250,
    cpu: {
      fixedMs: RESNET50_FP32_CPU.fixedMs / INT8_SPEEDUP,
      perImageMs: RESNET50_FP32_CPU.perImageMs / INT8_SPEEDUP,
      source: `estimate: ResNet-50 fp32 figures / ${INT8_SPEEDUP} (int8 with VNNI), not measured`
    }
  },
  // Development VM, 2 threads: 330 img/s at batch 1 (3 ms) and 400 at batch 4 (10 ms).
  'mobilenetv2-12-int8': {
    name: 'mobilenetv2-12-int8',
    precision: 'int8',
    weightBytes: 3_655_033,
    activationMiBPerImage: 10,
    cpuRssMiB: 130,
    cpu: { fixedMs: 0.67, perImageMs: 2.33, source: 'dev VM: MobileNetV2 int8, 2 threads, 3 ms at batch 1, 400 img/s at batch 4' }
  }
}
// The benchmark model: random weights, the same graph and cost as ResNet-50 fp32.
MODELS['synthetic-resnet50'] = { ...MODELS['resnet50-v1-12']!, name: 'synthetic-resnet50' }

export const MODEL_NAMES = Object.keys(MODELS)

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

// Estimate: kernel launches, host-to-device copy and sync cost about 4 ms per
// run whatever the batch, so batch 1 takes ~6.4 ms and throughput rises with batch.
export const GPU_FIXED_MS = 4

/** Wall time (ms) of one batch on the GPU. */
export function gpuBatchMs (model: ModelPerf, gpu: GpuSpec, batch: number): number {
  const perSec = (model.gpuImagesPerSecPerTflops ?? 0) * gpu.fp32Tflops
  return GPU_FIXED_MS + batch * 1000 / perSec
}
