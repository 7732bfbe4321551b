import path from 'node:path'
import type Docker from 'dockerode'
import { parseGpuProfile, type GpuProfile } from '../gpu-profile.js'
import { GpuCheckError } from './host.js'
import { ONE_GPU, runOnce } from './runtime.js'

export interface BenchOptions {
  image: string
  provider: 'cuda' | 'cpu'
  model: string
  /** Host directory holding the model file and imagenet-labels.json (mounted read-only). */
  modelsDir: string
  /** Host directory of photos to compare the top-5 on (mounted read-only). */
  imagesDir: string
  batches: number[]
  runs: number
  onProgress?: (line: string) => void
}

/**
 * Runs the classifier's provider check inside `image`, with one GPU when the
 * provider is cuda and no network. By hand:
 *   docker run --rm --gpus 1 --network none -v $MODELS:/models:ro -v $PHOTOS:/photos:ro IMAGE \
 *     node services/classifier/dist/provider-check/cli.js --models-dir /models --images /photos
 * Resolves the profile; rejects when the answers differ from the CPU's or the run fails.
 */
export async function benchInImage (docker: Docker, o: BenchOptions): Promise<GpuProfile> {
  const cmd = ['node', 'services/classifier/dist/provider-check/cli.js', '--provider', o.provider, '--model', o.model,
    '--models-dir', '/models', '--images', '/photos', '--batches', o.batches.join(','), '--runs', String(o.runs)]
  const run = await runOnce(docker, o.image, cmd, {
    AutoRemove: false,
    NetworkMode: 'none',
    ReadonlyRootfs: true,
    Tmpfs: { '/tmp': '' },
    Binds: [`${path.resolve(o.modelsDir)}:/models:ro`, `${path.resolve(o.imagesDir)}:/photos:ro`],
    ...(o.provider === 'cuda' ? { DeviceRequests: ONE_GPU } : {})
  }, [`IMAGE=${o.image}`], o.onProgress)
  const lastLine = run.stderr.trim().split('\n').filter((l) => l.startsWith('provider-check:')).at(-1)
  if (run.code === 1 && run.stdout.trim() !== '') {
    throw new GpuCheckError(lastLine?.replace(/^provider-check: /, '') ?? 'the provider check found different answers')
  }
  if (run.code !== 0) throw new GpuCheckError(`the provider check failed in ${o.image} (exit ${run.code}): ${lastLine ?? run.stderr.trim().split('\n').at(-1) ?? ''}`)
  return parseGpuProfile(run.stdout, `${o.image} provider-check`)
}
