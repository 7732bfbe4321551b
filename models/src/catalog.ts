import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { ModelError, type CatalogEntry, type LabelSource, type Preprocessing } from './types.js'

/** models/catalog.json: the same path from src/ (tsx) and dist/ (compiled). */
export const CATALOG_PATH = fileURLToPath(new URL('../catalog.json', import.meta.url))
/** Where `models:fetch` writes and `resolveModel` looks after MODELS_DIR. */
export const DEFAULT_CACHE_DIR = fileURLToPath(new URL('../cache', import.meta.url))
export const DEFAULT_MODEL = 'resnet50-v1-12'

interface CatalogFile {
  preprocessing: Record<string, Preprocessing>
  labels: Record<string, LabelSource>
  models: Record<string, Omit<CatalogEntry, 'name' | 'preprocessing'> & { preprocessing: string }>
}

const SHA256_HEX = /^[0-9a-f]{64}$/

/** Lists what is wrong with an entry; empty when it is sound. */
export function checkEntry (entry: CatalogEntry): string[] {
  const problems: string[] = []
  const p = entry.preprocessing
  if (!/^[a-z0-9][a-z0-9.-]*\.onnx$/.test(entry.file)) problems.push(`file "${entry.file}" is not a plain .onnx file name`)
  if (entry.synthetic !== true) {
    if (!SHA256_HEX.test(entry.sha256)) problems.push(`sha256 "${entry.sha256}" is not 64 lowercase hex digits`)
    if (!entry.url.startsWith('https://')) problems.push(`url "${entry.url}" is not https`)
    if (!Number.isInteger(entry.bytes) || entry.bytes <= 0) problems.push(`bytes ${entry.bytes} is not a positive integer`)
  }
  if (entry.inputShape[0] !== 'N' && !(Number.isInteger(entry.inputShape[0]) && entry.inputShape[0] > 0)) problems.push('inputShape[0] must be N or a positive batch size')
  if (p.crop > p.resizeShortSide) problems.push(`crop ${p.crop} is larger than resizeShortSide ${p.resizeShortSide}`)
  if (entry.inputShape[2] !== p.crop || entry.inputShape[3] !== p.crop) problems.push(`inputShape ${entry.inputShape.join('x')} does not match crop ${p.crop}`)
  if (p.mean.length !== 3 || p.mean.some((m) => !(m >= 0 && m <= 1))) problems.push('mean must be three values in [0, 1]')
  if (p.std.length !== 3 || p.std.some((s) => !(s > 0 && s <= 1))) problems.push('std must be three values in (0, 1]')
  if (Math.abs(p.scale - 1 / 255) > 1e-12) problems.push(`scale ${p.scale} is not 1/255`)
  if (!entry.inputName || !entry.outputName) problems.push('inputName and outputName are required')
  return problems
}

function load (): { catalog: Record<string, CatalogEntry>, labelSources: Record<string, LabelSource> } {
  const raw = JSON.parse(readFileSync(CATALOG_PATH, 'utf8')) as CatalogFile
  const catalog: Record<string, CatalogEntry> = {}
  for (const [name, item] of Object.entries(raw.models)) {
    const preprocessing = raw.preprocessing[item.preprocessing]
    if (!preprocessing) throw new ModelError(`${CATALOG_PATH}: model "${name}" names unknown preprocessing "${item.preprocessing}"`)
    if (!raw.labels[item.labels]) throw new ModelError(`${CATALOG_PATH}: model "${name}" names unknown labels "${item.labels}"`)
    const entry = { ...item, name, preprocessing } as CatalogEntry
    const problems = checkEntry(entry)
    if (problems.length > 0) throw new ModelError(`${CATALOG_PATH}: model "${name}": ${problems.join('; ')}`)
    catalog[name] = Object.freeze(entry)
  }
  return { catalog: Object.freeze(catalog), labelSources: Object.freeze(raw.labels) }
}

const loaded = load()

/** Every model this project knows, by name. */
export const catalog: Record<string, CatalogEntry> = loaded.catalog
/** Label lists the entries refer to (`entry.labels`). */
export const labelSources: Record<string, LabelSource> = loaded.labelSources

/** The catalog entry for `name`; throws a ModelError listing the known names. */
export function getEntry (name: string, from: Record<string, CatalogEntry> = catalog): CatalogEntry {
  const entry = Object.hasOwn(from, name) ? from[name] : undefined
  if (!entry) throw new ModelError(`unknown model "${name}"; known models: ${Object.keys(from).join(', ')}`)
  return entry
}

/** The label list an entry uses. */
export function getLabelSource (entry: CatalogEntry): LabelSource {
  const source = labelSources[entry.labels]
  if (!source) throw new ModelError(`model "${entry.name}" names unknown labels "${entry.labels}"`)
  return source
}

/** "102.6 MB" */
export function formatMB (bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`
}
