#!/usr/bin/env node
import { basename, dirname } from 'node:path'
import { parseArgs } from 'node:util'
import { catalog, DEFAULT_CACHE_DIR, DEFAULT_MODEL, formatMB, getEntry, getLabelSource } from './catalog.js'
import { cachedSha256 } from './checksum.js'
import { consoleProgress, fetchModel } from './fetch.js'
import { generateModel } from './generate.js'
import { findFile, resolveModel, searchDirs } from './resolve.js'
import { modelsBaseUrl } from './source.js'
import { ModelError } from './types.js'

const USAGE = `usage:
  models fetch [name...] [--all] [--dir <cacheDir>]   download, verify and place models and labels (synthetic ones are generated)
  models check [name...] [--dir <cacheDir>]           verify that they are present; never downloads
  models list [--dir <cacheDir>]                       the catalog, with what is present
Default model: $MODEL or ${DEFAULT_MODEL}. MODELS_DIR is searched before the cache dir (${DEFAULT_CACHE_DIR}).
MODELS_BASE_URL=<url> downloads <url>/<file> (a mirror) instead of the catalog's URL; the SHA-256 is checked alike.`

async function checkCommand (names: string[], dir: string, modelsDir?: string): Promise<void> {
  for (const name of names.length > 0 ? names : [process.env.MODEL || DEFAULT_MODEL]) {
    const { path, entry } = await resolveModel(name, { modelsDir, cacheDir: dir })
    const labels = await findFile(getLabelSource(entry).file, searchDirs({ modelsDir, cacheDir: dir }))
    for (const found of [path, labels]) if (found) console.log(`${basename(found)}: present in ${dirname(found)}, checksum ok`)
  }
}

async function fetchCommand (names: string[], all: boolean, dir: string, modelsDir?: string): Promise<void> {
  const wanted = all
    ? Object.values(catalog).filter((e) => e.synthetic !== true).map((e) => e.name)
    : names.length > 0 ? names : [process.env.MODEL || DEFAULT_MODEL]
  const baseUrl = modelsBaseUrl(process.env.MODELS_BASE_URL)
  const controller = new AbortController()
  const onSignal = (): void => controller.abort()
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  try {
    for (const name of wanted) {
      const entry = getEntry(name)
      if (entry.synthetic === true) {
        console.log(`${name}: ${entry.file}, generated here (random weights, no download)`)
        await generateModel(entry, dir, (l) => console.log(`  ${l}`))
        continue
      }
      console.log(`${name}: ${entry.file}, ${formatMB(entry.bytes)}${baseUrl === undefined ? '' : ` (from ${baseUrl})`}`)
      await fetchModel(entry, { dir, modelsDir, baseUrl, signal: controller.signal, progress: consoleProgress, log: (l) => console.log(`  ${l}`) })
    }
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}

async function listCommand (dir: string, modelsDir?: string): Promise<void> {
  const rows = [['name', 'precision', 'for', 'size', 'status', 'description']]
  for (const entry of Object.values(catalog)) {
    const path = await findFile(entry.file, searchDirs({ modelsDir, cacheDir: dir }))
    let status = 'missing'
    if (path && entry.synthetic === true) status = `present (${path})`
    else if (path) status = (await cachedSha256(path, dir)) === entry.sha256 ? `present (${path})` : `BAD CHECKSUM (${path})`
    rows.push([entry.name, entry.precision, entry.recommendedFor, entry.bytes ? formatMB(entry.bytes) : '-', status, entry.description])
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
  for (const row of rows) console.log(row.map((cell, i) => i === row.length - 1 ? cell : cell.padEnd(widths[i]!)).join('  '))
}

async function run (argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { all: { type: 'boolean', default: false }, dir: { type: 'string' }, help: { type: 'boolean', short: 'h' } }
  })
  const [command, ...names] = positionals
  const dir = values.dir ?? process.env.MODEL_CACHE_DIR ?? DEFAULT_CACHE_DIR
  const modelsDir = process.env.MODELS_DIR || undefined
  if (values.help || !command) {
    console.log(USAGE)
    return values.help ? 0 : 2
  }
  if (command === 'fetch') await fetchCommand(names, values.all, dir, modelsDir)
  else if (command === 'check') await checkCommand(names, dir, modelsDir)
  else if (command === 'list') await listCommand(dir, modelsDir)
  else {
    console.error(`unknown command "${command}"\n${USAGE}`)
    return 2
  }
  return 0
}

run(process.argv.slice(2)).then((code) => { process.exitCode = code }, (err: unknown) => {
  console.error(err instanceof ModelError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ? `error: ${(err as Error).message}` : err)
  process.exitCode = 1
})
