import { randomBytes } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { Writable } from 'node:stream'
import { finished } from 'node:stream/promises'
import { formatMB } from './catalog.js'
import { findFile } from './resolve.js'
import { writeSyntheticResnet50 } from './synthetic-resnet50.js'
import { ModelError, type SyntheticEntry } from './types.js'

/** The generators a catalog entry's `generator` field can name. */
const GENERATORS: Record<string, (out: Writable) => Promise<{ bytes: number, params: number }>> = {
  'resnet50-random-weights': writeSyntheticResnet50
}

/**
 * Makes sure a synthetic model is in `dir`: nothing to do when the file is
 * there; otherwise it is written to a temporary file and renamed into place,
 * so an interrupted run leaves nothing half written under the real name.
 */
export async function generateModel (entry: SyntheticEntry, dir: string, log: (line: string) => void = () => {}): Promise<string> {
  const existing = await findFile(entry.file, [dir])
  if (existing) {
    log(`${entry.file}: present in ${dir}`)
    return existing
  }
  const generate = Object.hasOwn(GENERATORS, entry.generator) ? GENERATORS[entry.generator] : undefined
  if (!generate) throw new ModelError(`model "${entry.name}" names unknown generator "${entry.generator}"; known: ${Object.keys(GENERATORS).join(', ')}`)
  await mkdir(dir, { recursive: true })
  const dest = join(dir, entry.file)
  const tmp = join(dir, `.${entry.file}.${randomBytes(6).toString('hex')}.part`)
  const out = createWriteStream(tmp, { flags: 'wx' })
  try {
    const { bytes, params } = await generate(out)
    out.end()
    await finished(out)
    await rename(tmp, dest)
    log(`${entry.file}: generated in ${dest} (${params.toLocaleString('en-US')} parameters, ${formatMB(bytes)})`)
    return dest
  } catch (err) {
    out.destroy()
    throw err
  } finally {
    await rm(tmp, { force: true })
  }
}
