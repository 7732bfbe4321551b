// npm run bench:page-upload [-- --uploads 10 --rounds 3 --images DIR]
//
// The classifier's CPU per upload for each test photo sent as it is (curl, or a page
// without resizing) and as the page sends it (resized in Chromium), side by side in
// one run. Chromium drives the real page once per photo to get the bytes it uploads;
// both versions are then replayed through the frontend, interleaved, one upload at a
// time, and the classifier's CPU time is read from /proc/<pid>/stat around each batch.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { testImagesDir } from '@inference-stack/test-assets'
import { DEFAULT_LOADTEST_MODEL, startStack, type Stack } from '@inference-stack/loadtest/stack'
import { CHROMIUM, launchChromium } from '../test/chromium.js'
import { classifyInPage } from '../test/page-upload.js'
import { startUploadTap } from '../test/upload-tap.js'
import { emptyCost, replay, type Cost } from './replay.js'
import { machineLine, printTable, WAYS, type Photo, type Way } from './report.js'

const { values } = parseArgs({
  options: { uploads: { type: 'string', default: '10' }, rounds: { type: 'string', default: '3' }, images: { type: 'string' } }
})
const UPLOADS = Number(values.uploads)
const ROUNDS = Number(values.rounds)
if (!(Number.isInteger(UPLOADS) && UPLOADS > 0 && Number.isInteger(ROUNDS) && ROUNDS > 0)) throw new Error('--uploads and --rounds take whole numbers above 0')
const TYPES: Record<string, string> = { jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp' }
if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (or set CHROMIUM_PATH)`)
const images = values.images ?? await testImagesDir()
const names = readdirSync(images).filter((n) => /\.(jpe?g|png|webp)$/i.test(n)).sort()
if (names.length === 0) throw new Error(`no photos in ${images}`)

const pageDir = mkdtempSync(join(tmpdir(), 'bench-page-'))
execFileSync(process.execPath, [fileURLToPath(new URL('../scripts/build-page.mjs', import.meta.url)), '--outdir', pageDir], { stdio: 'pipe' })
const stacks: Stack[] = []
try {
  const classifier = await startStack({ services: ['classifier'] })
  stacks.push(classifier)
  const classifierUrl = classifier.urls.classifier as string

  // 1. What the page uploads: Chromium, the page, and a tap in front of the classifier.
  const tap = await startUploadTap(classifierUrl)
  const viewed = await startStack({ services: ['frontend'], env: { frontend: { CLASSIFIER_URL: tap.url, PUBLIC_DIR: pageDir } } })
  const browser = await launchChromium()
  const photos: Photo[] = []
  try {
    const page = await browser.newPage()
    await page.goto(viewed.urls.frontend as string)
    await page.locator('#classifier-status').filter({ hasText: 'Top-5' }).waitFor()
    for (const name of names) {
      const bytes = readFileSync(join(images, name))
      const shown = await classifyInPage(page, tap, join(images, name))
      if (shown.status !== 200) throw new Error(`${name}: the page got ${shown.status}: ${shown.shown}`)
      const type = TYPES[name.split('.').pop()?.toLowerCase() ?? ''] ?? 'application/octet-stream'
      const resize = /\(\d+×\d+ → (\d+×\d+) in ([\d.,]+ ms)\)$/.exec(shown.shown)
      photos.push({ name, asIs: { name, type, bytes }, page: shown.sent, resize: resize ? `${resize[1]}, ${resize[2]}` : undefined })
    }
    console.log(`Chromium ${browser.version()} resized ${photos.filter((p) => p.resize).length} of ${photos.length} photos`)
  } finally {
    await browser.close()
    await viewed.close()
    await tap.close()
  }

  // 2. Replays through a frontend straight to the classifier, as users reach it.
  const front = await startStack({ services: ['frontend'], env: { frontend: { CLASSIFIER_URL: classifierUrl, PUBLIC_DIR: pageDir } } })
  stacks.push(front)
  const url = front.urls.frontend as string
  const pids = { classifier: classifier.pids.classifier as number, frontend: front.pids.frontend as number }
  const processes = Object.keys(pids)
  const costs = photos.map(() => ({ asIs: emptyCost(processes), page: emptyCost(processes) }))
  for (const photo of photos) for (const way of WAYS) await replay(url, photo[way], 2, pids, emptyCost(processes))
  const loadAtStart = loadavg()[0] ?? 0
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which way goes first, so drift in the machine's load hits both alike.
    const order: readonly Way[] = round % 2 === 0 ? WAYS : [...WAYS].reverse()
    for (const [i, photo] of photos.entries()) for (const way of order) await replay(url, photo[way], UPLOADS, pids, (costs[i] as Record<Way, Cost>)[way])
  }
  console.log(`\nclassifier CPU per upload, ${process.env.MODEL ?? DEFAULT_LOADTEST_MODEL}, ${ROUNDS} rounds x ${UPLOADS} uploads ` +
    `per photo and way, one at a time, interleaved\n${machineLine(loadAtStart)}\n`)
  printTable(photos, costs)
} finally {
  await Promise.all(stacks.map(async (s) => await s.close()))
  rmSync(pageDir, { recursive: true, force: true })
}
