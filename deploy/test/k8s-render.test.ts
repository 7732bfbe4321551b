import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { kustomize } from '../src/k8s/kustomize.js'
import { strategicMerge, type Json } from '../src/k8s/merge.js'

let dir: string
beforeAll(async () => { dir = await mkdtemp(path.join(os.tmpdir(), 'kustomize-')) })
afterAll(async () => { await rm(dir, { recursive: true, force: true }) })

describe('the Kustomize subset deploy/k8s is rendered with', () => {
  it('merges maps and named lists, replaces other lists, and deletes keys set to null', () => {
    const base: Json = { spec: { containers: [{ name: 'a', env: [{ name: 'X', value: '1' }, { name: 'Y', value: '2' }], args: ['--one'] }], paused: true } }
    const patch: Json = { spec: { containers: [{ name: 'a', env: [{ name: 'Y', value: '3' }, { name: 'Z', value: '4' }], args: ['--two'] }, { name: 'b' }], paused: null } }
    expect(strategicMerge(base, patch)).toEqual({
      spec: { containers: [{ name: 'a', env: [{ name: 'Y', value: '3' }, { name: 'Z', value: '4' }, { name: 'X', value: '1' }], args: ['--two'] }, { name: 'b' }] }
    })
  })

  it('refuses kustomization fields it does not implement instead of ignoring them', async () => {
    await writeFile(path.join(dir, 'kustomization.yaml'), 'resources: []\nconfigMapGenerator: []\n')
    await expect(kustomize(dir)).rejects.toThrow(/configMapGenerator not supported by this renderer/)
  })

  it('refuses a patch for a resource that is not there', async () => {
    await writeFile(path.join(dir, 'kustomization.yaml'), 'resources: [svc.yaml]\npatches: [{ path: p.yaml }]\n')
    await writeFile(path.join(dir, 'svc.yaml'), 'apiVersion: v1\nkind: Service\nmetadata: { name: a }\n')
    await writeFile(path.join(dir, 'p.yaml'), 'apiVersion: v1\nkind: Service\nmetadata: { name: b }\n')
    await expect(kustomize(dir)).rejects.toThrow(/p.yaml: no resource Service\/b to patch/)
  })
})
