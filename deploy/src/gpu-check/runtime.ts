import { PassThrough } from 'node:stream'
import type Docker from 'dockerode'
import { parseSmiGpus, SMI_QUERY, type SmiGpu } from '@inference-stack/classifier/nvidia-smi'
import { GpuCheckError } from './host.js'

/** One GPU for the container, as `docker run --gpus 1` asks for it (compose: driver nvidia, count 1). */
export const ONE_GPU: Docker.DeviceRequest[] = [{ Driver: 'nvidia', Count: 1, Capabilities: [['gpu']] }]

/** Runs a command in a throw-away container; returns its exit code, stdout and stderr. */
export async function runOnce (docker: Docker, image: string, cmd: string[], hostConfig: Docker.HostConfig, env: string[] = [],
  onStderr?: (chunk: string) => void): Promise<{ code: number, stdout: string, stderr: string }> {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  let out = ''
  let err = ''
  stdout.on('data', (c: Buffer) => { out += c.toString() })
  stderr.on('data', (c: Buffer) => { err += c.toString(); onStderr?.(c.toString()) })
  const [result, container] = await docker.run(image, cmd, [stdout, stderr], { Tty: false, Env: env, HostConfig: hostConfig }) as [{ StatusCode: number }, Docker.Container]
  await container.remove({ force: true }).catch(() => {})
  return { code: result.StatusCode, stdout: out, stderr: err }
}

/** Pulls an image unless the engine has it. */
export async function ensureImage (docker: Docker, image: string): Promise<void> {
  const have = await docker.getImage(image).inspect().then(() => true, () => false)
  if (have) return
  const stream = await docker.pull(image)
  await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream, (err) => (err ? reject(err) : resolve())))
}

/**
 * The engine's side of the GPU: the nvidia runtime registered (docker info),
 * and a throw-away container from `image` that asks for one GPU and lists it
 * with nvidia-smi. Returns what the container saw.
 */
export async function containerGpus (docker: Docker, image: string): Promise<{ runtimes: string[], gpus: SmiGpu[] }> {
  const info = await docker.info() as { Runtimes?: Record<string, unknown> }
  const runtimes = Object.keys(info.Runtimes ?? {})
  if (!runtimes.includes('nvidia')) {
    throw new GpuCheckError(`the Docker engine has no nvidia runtime (runtimes: ${runtimes.join(', ')}): install the NVIDIA Container Toolkit, then nvidia-ctk runtime configure --runtime=docker and restart Docker`)
  }
  await ensureImage(docker, image)
  const run = await runOnce(docker, image, ['nvidia-smi', ...SMI_QUERY], { AutoRemove: false, DeviceRequests: ONE_GPU })
  if (run.code !== 0) throw new GpuCheckError(`a container asking for one GPU could not use it (exit ${run.code}): ${(run.stderr || run.stdout).trim().split('\n')[0] ?? ''}`)
  const gpus = parseSmiGpus(run.stdout)
  if (gpus.length !== 1) throw new GpuCheckError(`a container asking for one GPU saw ${gpus.length}: ${gpus.map((g) => g.name).join(', ')}`)
  return { runtimes, gpus }
}
