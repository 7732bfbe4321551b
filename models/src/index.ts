export { catalog, CATALOG_PATH, checkEntry, DEFAULT_CACHE_DIR, DEFAULT_MODEL, formatMB, getEntry, getLabelSource, labelSources } from './catalog.js'
export { cachedSha256, sha256File } from './checksum.js'
export { generateModel } from './generate.js'
export { consoleProgress, fetchFile, fetchModel, type FetchOptions, type FetchResult } from './fetch.js'
export { buildSyntheticResnet50, SYNTHETIC_RESNET50, writeSyntheticResnet50 } from './synthetic-resnet50.js'
export { progressReporter, type Progress } from './progress.js'
export { modelsBaseUrl, sourceUrl } from './source.js'
export { findFile, loadLabels, resolveModel, searchDirs, verifyFile, type ResolveOptions } from './resolve.js'
export {
  DownloadError,
  ModelError,
  type Artifact,
  type CatalogEntry,
  type DownloadableEntry,
  type LabelSource,
  type Preprocessing,
  type ResolvedModel,
  type SyntheticEntry
} from './types.js'
