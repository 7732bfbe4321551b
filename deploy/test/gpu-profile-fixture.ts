import type { GpuProfile } from '../src/gpu-profile.js'

/**
 * A complete gpu:check profile as the planner reads it. The run times follow
 * `fixed + perImage x batch`, so a test can compute what the plan must say.
 */
export function gpuProfile (over: Partial<GpuProfile> = {}, curve = { fixedMs: 3, perImageMs: 1.5 }): GpuProfile {
  return {
    schemaVersion: 1,
    kind: 'gpu-profile',
    createdAt: '2026-11-23T10:00:00.000Z',
    provider: 'cuda',
    gpu: { name: 'Tesla T4', memoryMiB: 15_360, driver: '570.133.20' },
    model: { name: 'resnet50-v1-12', sha256: '3f03fdef724b22947eed826f1eef1dc5c34151bb4c37d634f1db89dfa2dd1526' },
    onnxruntime: '1.30.0',
    image: 'inference-stack/classifier:latest-gpu',
    cudnn: '9.10.2.21-1',
    agreement: { photos: 12, top5Same: 12, maxProbabilityDiff: 0.0004, tolerance: 0.01 },
    baselineGpuMemMiB: 0,
    batches: [1, 2, 4, 8, 16, 32].map((batch) => {
      const runMs = curve.fixedMs + curve.perImageMs * batch
      return { batch, runs: 50, imagesPerSec: batch * 1000 / runMs, p50Ms: runMs, p99Ms: runMs * 1.2, gpuMemMiB: 500 + 20 * batch }
    }),
    ...over
  }
}
