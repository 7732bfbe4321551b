import { readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import { parseAllDocuments } from 'yaml'
import { strategicMerge, type Json, type JsonObject } from './merge.js'

/** The kustomization.yaml fields this renderer supports; any other field is refused, not ignored. */
interface Kustomization {
  resources?: string[]
  namespace?: string
  images?: Array<{ name: string, newName?: string, newTag?: string }>
  patches?: Array<{ path: string }>
}
const SUPPORTED = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'images', 'patches'])
/** Kinds that live outside namespaces (kustomize's namespace transformer leaves them alone). */
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition'])

export class KustomizeError extends Error {
  override name = 'KustomizeError'
}

export async function readYamlDocs (file: string): Promise<JsonObject[]> {
  const docs = parseAllDocuments(await readFile(file, 'utf8'))
  for (const d of docs) if (d.errors.length > 0) throw new KustomizeError(`${file}: ${d.errors[0]!.message}`)
  return docs.map((d) => d.toJS() as Json).filter((d): d is JsonObject => typeof d === 'object' && d !== null && !Array.isArray(d))
}

const key = (o: JsonObject): string => `${String(o.kind)}/${String((o.metadata as JsonObject | undefined)?.name)}`

/** Rewrites `image:` of every container and init container whose image name matches. */
function setImages (obj: JsonObject, images: NonNullable<Kustomization['images']>): JsonObject {
  const visit = (v: Json): Json => {
    if (Array.isArray(v)) return v.map(visit)
    if (typeof v !== 'object' || v === null) return v
    const out: JsonObject = {}
    for (const [k, x] of Object.entries(v)) out[k] = visit(x)
    if (typeof out.image === 'string' && typeof out.name === 'string') {
      const [name, tag] = [out.image.replace(/:[^:/]+$/, ''), /:([^:/]+)$/.exec(out.image)?.[1]]
      const rule = images.find((i) => i.name === name)
      if (rule !== undefined) out.image = `${rule.newName ?? name}${rule.newTag !== undefined ? `:${rule.newTag}` : tag === undefined ? '' : `:${tag}`}`
    }
    return out
  }
  return visit(obj) as JsonObject
}

/**
 * Renders a kustomization directory the way `kubectl kustomize` does, for the
 * features this project's manifests use: resources (files, and directories
 * holding a kustomization.yaml), namespace, images and strategic-merge patches
 * matched on kind and name. Anything else is an error.
 */
export async function kustomize (dir: string): Promise<JsonObject[]> {
  const file = path.join(dir, 'kustomization.yaml')
  const [k] = await readYamlDocs(file) as Kustomization[] & JsonObject[]
  if (k === undefined) throw new KustomizeError(`${file} is empty`)
  const unknown = Object.keys(k).filter((f) => !SUPPORTED.has(f))
  if (unknown.length > 0) throw new KustomizeError(`${file}: ${unknown.join(', ')} not supported by this renderer`)
  let objects: JsonObject[] = []
  for (const res of (k.resources ?? []) as string[]) {
    const at = path.join(dir, res)
    objects.push(...((await stat(at)).isDirectory() ? await kustomize(at) : await readYamlDocs(at)))
  }
  for (const p of (k.patches ?? []) as Array<{ path: string }>) {
    for (const patch of await readYamlDocs(path.join(dir, p.path))) {
      const i = objects.findIndex((o) => key(o) === key(patch))
      if (i < 0) throw new KustomizeError(`${p.path}: no resource ${key(patch)} to patch`)
      objects[i] = strategicMerge(objects[i], patch) as JsonObject
    }
  }
  if (k.images !== undefined) objects = objects.map((o) => setImages(o, k.images as NonNullable<Kustomization['images']>))
  if (typeof k.namespace === 'string') {
    objects = objects.map((o) => CLUSTER_SCOPED.has(String(o.kind)) ? o : { ...o, metadata: { ...(o.metadata as JsonObject), namespace: k.namespace as string } })
  }
  return objects
}
