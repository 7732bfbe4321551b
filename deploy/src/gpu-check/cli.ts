import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { testImagesDir } from '@inference-stack/test-assets'
import Docker from 'dockerode'
import { table } from '../format.js'
import { GPU_PROFILES_DIR, planFromFlags } from '../plan-options.js'
import { benchInImage } from './bench.js'
import { buildGpuImage, cudaBaseImage, gpuImageName } from './image.js'
import { GpuCheckError, hostGpus } from './host.js'
import { containerGpus } from './runtime.js'

const USAGE = `Usage: npm run gpu:check -- [options]
On a host with an NVIDIA GPU: checks the driver (nvidia-smi) and Docker's GPU runtime (a throw-away
container that asks for one GPU), builds the classifier's GPU image, opens a CUDA session on the model,
checks it gives the CPU's top-5 on the photos, times batch sizes on the GPU and writes a GPU profile
that npm run plan reads (deploy/gpu-profiles/). Without a GPU it says so and exits 1.
  --model NAME        catalog model (default resnet50-v1-12)
  --models-dir DIR    holds the model and imagenet-labels.json (default $MODELS_DIR, else models/cache)
  --images DIR        photos to compare on (default: the project's 12 test photos, $TEST_IMAGES_DIR
                      or downloaded from their pinned URLs with SHA-256 checks)
  --image NAME        the image to build and run (default ${gpuImageName()})
  --skip-build        use the image as it is
  --batches LIST      batch sizes to time (default 1,2,4,8,16,32)
  --runs N            timed runs per batch size (default 30)
  --provider cpu      no GPU: skip the driver and runtime checks and run the check on the CPU
                      (tests the pieces on a CPU machine; the profile is printed, not kept)
  --out PATH          where to write the profile (default deploy/gpu-profiles/<gpu>-<model>.json)`

const slug = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')

async function main (argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      model: { type: 'string', default: 'resnet50-v1-12' },
      'models-dir': { type: 'string', default: process.env.MODELS_DIR ?? path.resolve('models/cache') },
      images: { type: 'string' },
      image: { type: 'string', default: gpuImageName() },
      'skip-build': { type: 'boolean', default: false },
      batches: { type: 'string', default: '1,2,4,8,16,32' },
      runs: { type: 'string', default: '30' },
      provider: { type: 'string', default: 'cuda' },
      out: { type: 'string' },
      help: { type: 'boolean', default: false }
    }
  })
  if (values.help) { process.stdout.write(USAGE + '\n'); return 0 }
  if (values.provider !== 'cuda' && values.provider !== 'cpu') throw new GpuCheckError(`--provider must be cuda or cpu, got "${values.provider}"`)
  const provider = values.provider
  const say = (line: string): void => { process.stderr.write(`gpu:check: ${line}\n`) }
  const docker = new Docker()

  if (provider === 'cuda') {
    const [gpu] = await hostGpus()
    say(`driver: ${gpu!.name}, ${gpu!.memoryMiB} MiB, driver ${gpu!.driver}`)
    const base = await cudaBaseImage()
    const seen = await containerGpus(docker, base)
    say(`runtime: nvidia registered; a container from ${base} asking for one GPU sees ${seen.gpus[0]!.name} (${seen.gpus[0]!.uuid})`)
  }
  const images = values.images ?? await testImagesDir().catch((err: unknown) => {
    throw new GpuCheckError(`${(err as Error).message}; or give --images DIR (photos to compare the GPU's answers with the CPU's)`)
  })
  if (!values['skip-build']) {
    say(`building ${values.image}`)
    await buildGpuImage(values.image)
  }
  const size = await docker.getImage(values.image).inspect().then((i) => i.Size, () => undefined)
  if (size === undefined) throw new GpuCheckError(`no image ${values.image}: build it (drop --skip-build) or name another with --image`)
  say(`checking ${values.model} on ${provider} in ${values.image} (${(size / 1e9).toFixed(2)} GB unpacked)`)
  const profile = await benchInImage(docker, {
    image: values.image,
    provider,
    model: values.model,
    modelsDir: values['models-dir'],
    imagesDir: images,
    batches: values.batches.split(',').map(Number),
    runs: Number(values.runs),
    onProgress: (chunk) => process.stderr.write(chunk)
  })
  const a = profile.agreement
  say(`answers: the same top-5 as the CPU on ${a.top5Same} of ${a.photos} photos, probabilities within ${a.maxProbabilityDiff.toFixed(5)} (tolerance ${a.tolerance})`)
  process.stdout.write(table([['batch', 'img/s', 'p50 ms', 'p99 ms', 'GPU MiB'],
    ...profile.batches.map((b) => [String(b.batch), b.imagesPerSec.toFixed(0), b.p50Ms.toFixed(2), b.p99Ms.toFixed(2), b.gpuMemMiB === null ? '-' : String(b.gpuMemMiB)])]) + '\n')
  const out = values.out ?? (provider === 'cuda' ? path.join(GPU_PROFILES_DIR, `${slug(profile.gpu?.name ?? 'gpu')}-${profile.model.name}.json`) : undefined)
  if (out === undefined) {
    process.stdout.write(JSON.stringify(profile, null, 2) + '\n')
    return 0
  }
  await mkdir(path.dirname(out), { recursive: true })
  await writeFile(out, JSON.stringify(profile, null, 2) + '\n')
  say(`wrote ${out}`)
  if (provider === 'cuda') {
    const plan = await planFromFlags({ machine: 'g4dn.xlarge', provider: 'cuda', model: values.model, 'profile-model': 'mobilenetv2-12-int8', 'core-speed': '1', 'gpu-profiles': out })
    say(`npm run plan now uses it: the GPU's own ceiling ~${plan.gpu!.ceiling.imagesPerSec} img/s (batch ${plan.gpu!.ceiling.batch}); on a g4dn.xlarge ${plan.capacity.classify.sentence}`)
  }
  return 0
}

try {
  process.exitCode = await main(process.argv.slice(2))
} catch (err) {
  const e = err as Error & { code?: string }
  process.stderr.write(`gpu:check: ${e.message}\n`)
  process.exitCode = err instanceof GpuCheckError || e.code?.startsWith('ERR_PARSE_ARGS') === true ? 1 : 2
}
