import type { GpuSpec } from './machines.js'
import type { ModelPerf } from './models.js'

/** Each CUDA process costs about 300-400 MB of GPU memory for its context; the upper end. */
export const CUDA_CONTEXT_MIB = 400
/** Estimate: cuDNN workspace and onnxruntime's arena slack. From JS there is no gpu_mem_limit to cap it. */
export const GPU_WORKSPACE_MIB = 256
/**
 * Estimate, not measured here (no GPU): host memory that the CUDA 12 runtime,
 * cuBLAS and cuDNN 9 add to the classifier's RSS. compose.gpu.yaml budgets 2-3 GB.
 */
export const CUDA_HOST_RSS_MIB = 2048

export interface GpuMemory {
  contextMiB: number
  weightsMiB: number
  workspaceMiB: number
  activationsMiB: number
  totalMiB: number
  availableMiB: number
}

/**
 * GPU memory of one classifier process (WORKERS=1): CUDA context + weights +
 * workspace + activations of the largest batch. A T4 has no MIG and no
 * memory isolation between processes, so every extra worker repeats it all.
 */
export function gpuMemory (model: ModelPerf, gpu: GpuSpec, batch: number): GpuMemory {
  const weightsMiB = Math.ceil(model.weightBytes / 2 ** 20)
  const activationsMiB = Math.ceil(model.activationMiBPerImage * batch)
  return {
    contextMiB: CUDA_CONTEXT_MIB,
    weightsMiB,
    workspaceMiB: GPU_WORKSPACE_MIB,
    activationsMiB,
    totalMiB: CUDA_CONTEXT_MIB + weightsMiB + GPU_WORKSPACE_MIB + activationsMiB,
    availableMiB: gpu.memGiB * 1024
  }
}
