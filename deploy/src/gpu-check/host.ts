import { nvidiaSmi, parseSmiGpus, SMI_QUERY, type SmiGpu } from '@inference-stack/classifier/nvidia-smi'

export class GpuCheckError extends Error {
  override name = 'GpuCheckError'
}

/**
 * The host's NVIDIA GPUs as the driver reports them. No nvidia-smi, a driver
 * that does not answer, or no GPU listed: a GpuCheckError with one line saying which.
 */
export async function hostGpus (env: NodeJS.ProcessEnv = process.env): Promise<SmiGpu[]> {
  let out: string
  try {
    out = await nvidiaSmi(SMI_QUERY, env)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new GpuCheckError('no NVIDIA GPU on this host: nvidia-smi is not installed (no NVIDIA driver); gpu:check needs a machine with an NVIDIA GPU')
    }
    throw new GpuCheckError(`no usable NVIDIA GPU on this host: nvidia-smi says "${(err as Error).message}"`, { cause: err })
  }
  const gpus = parseSmiGpus(out)
  if (gpus.length === 0) throw new GpuCheckError('no NVIDIA GPU on this host: nvidia-smi lists none')
  return gpus
}
