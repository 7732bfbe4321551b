// The classifier's provider check, run inside the classifier image by `npm run gpu:check`
// (or by hand: node services/classifier/dist/provider-check/cli.js --help). Prints a GPU
// profile as JSON on stdout, progress on stderr; exits 1 when the answers differ from the CPU's.
import { readdir, readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { resolveModel } from '@inference-stack/models'
import { DEFAULT_MAX_INPUT_PIXELS } from '../config.js'
import { configureSharp, preprocess } from '../lib/preprocess.js'
import { ModelSession } from '../lib/session.js'
import { compareTop5, DEFAULT_TOLERANCE } from './agreement.js'
import { benchBatches } from './bench.js'
import { gpuMemoryUsedMiB, nvidiaSmi, parseSmiGpus, SMI_QUERY, type SmiGpu } from './nvidia-smi.js'

const USAGE = `Usage: provider-check --images DIR [--model NAME] [--models-dir DIR] [--provider cuda|cpu]
       [--batches 1,2,4,8,16,32] [--runs 30] [--tolerance ${DEFAULT_TOLERANCE}]
Opens the model on the provider and on the CPU, checks both give the same top-5 on every photo
in DIR (probabilities within the tolerance), then times each batch size on the provider.`

const { values } = parseArgs({
  options: {
    images: { type: 'string' },
    model: { type: 'string', default: 'resnet50-v1-12' },
    'models-dir': { type: 'string', default: process.env.MODELS_DIR },
    provider: { type: 'string', default: 'cuda' },
    batches: { type: 'string', default: '1,2,4,8,16,32' },
    runs: { type: 'string', default: '30' },
    tolerance: { type: 'string', default: String(DEFAULT_TOLERANCE) },
    help: { type: 'boolean', default: false }
  }
})
const fail = (message: string): never => {
  process.stderr.write(`provider-check: ${message}\n`)
  process.exit(2)
}
if (values.help) { process.stdout.write(USAGE + '\n'); process.exit(0) }
const provider = values.provider === 'cuda' || values.provider === 'cpu' ? values.provider : fail(`--provider must be cuda or cpu, got "${values.provider}"`)
const batches = values.batches.split(',').map(Number)
if (!batches.every((b) => Number.isInteger(b) && b >= 1 && b <= 256)) fail(`--batches must be whole numbers 1..256, got "${values.batches}"`)
const runs = Number(values.runs)
const tolerance = Number(values.tolerance)
if (!(Number.isInteger(runs) && runs >= 1)) fail(`--runs must be a whole number >= 1, got "${values.runs}"`)
if (!(tolerance > 0 && tolerance < 1)) fail(`--tolerance must be between 0 and 1, got "${values.tolerance}"`)
if (values.images === undefined) fail(`--images DIR is required\n${USAGE}`)

configureSharp()
const model = await resolveModel(values.model, { modelsDir: values['models-dir'], verify: true })
const names = (await readdir(values.images!)).filter((f) => /\.(jpe?g|png|webp)$/i.test(f)).sort()
if (names.length === 0) fail(`no .jpg, .png or .webp photos in ${values.images}`)
const photos = await Promise.all(names.map(async (name) => ({
  name,
  tensor: await preprocess(await readFile(path.join(values.images!, name)), model.entry.preprocessing, { maxInputPixels: DEFAULT_MAX_INPUT_PIXELS })
})))

const baselineGpuMemMiB = await gpuMemoryUsedMiB()
const open = async (p: 'cuda' | 'cpu'): Promise<ModelSession> => await ModelSession.create({ modelPath: model.path, executionProvider: p, intraOpThreads: 1 })
const checked = await open(provider).catch((err: Error) => fail(err.message))
if (checked.provider !== provider) fail(`asked for ${provider}, the session opened on ${checked.provider}`)
let gpu: SmiGpu | null = null
if (provider === 'cuda') {
  gpu = await nvidiaSmi(SMI_QUERY).then((out) => parseSmiGpus(out)[0] ?? null, (err: Error) => {
    process.stderr.write(`provider-check: CUDA works but nvidia-smi does not (${err.message}): the profile names no GPU\n`)
    return null
  })
}
const reference = await open('cpu')
process.stderr.write(`${model.entry.name} on ${provider}${gpu === null ? '' : ` (${gpu.name}, driver ${gpu.driver})`}: comparing top-5 with the CPU on ${photos.length} photos\n`)
const agreement = await compareTop5(reference, checked, model.entry, photos, tolerance)
await reference.close()
const itemDims = model.entry.inputShape.slice(1) as number[]
const figures = await benchBatches(checked, photos.map((p) => p.tensor), itemDims, batches, runs)
await checked.close()

const ort = createRequire(import.meta.url)('onnxruntime-node/package.json') as { version: string }
const profile = {
  schemaVersion: 1,
  kind: 'gpu-profile',
  createdAt: new Date().toISOString(),
  provider,
  gpu: gpu === null ? null : { name: gpu.name, memoryMiB: gpu.memoryMiB, driver: gpu.driver },
  model: { name: model.entry.name, sha256: model.sha256 },
  onnxruntime: ort.version,
  image: process.env.IMAGE ?? null,
  cudnn: process.env.NV_CUDNN_VERSION ?? null,
  agreement,
  baselineGpuMemMiB,
  batches: figures
}
process.stdout.write(JSON.stringify(profile, null, 2) + '\n')
if (agreement.top5Same < agreement.photos) {
  const bad = agreement.perPhoto.filter((p) => !p.same).map((p) => `${p.photo} (max diff ${p.maxDiff.toFixed(4)}, top-5 ${p.checked.join(',')} vs CPU ${p.reference.join(',')})`)
  process.stderr.write(`provider-check: ${provider} differs from the CPU on ${bad.length} of ${agreement.photos} photos: ${bad.join('; ')}\n`)
  process.exitCode = 1
}
