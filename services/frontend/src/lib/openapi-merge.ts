import { openApiPath, type PublicRoute, type UpstreamName } from './public-routes.js'

/** The parts of an OpenAPI 3 document this file reads and writes. */
export interface OpenApiDocument {
  openapi: string
  info: { title: string, description?: string, version: string }
  paths: Record<string, Record<string, unknown>>
  components?: { schemas?: Record<string, unknown> }
  tags?: Array<{ name: string, description?: string }>
  [key: string]: unknown
}

/** An upstream's document, or why it is missing. */
export type UpstreamDocument = { document: OpenApiDocument } | { missing: string }

/** Renames `#/components/schemas/X` references inside an upstream's operations: two upstreams may both have an X. */
function renameRefs (value: unknown, upstream: UpstreamName): unknown {
  return JSON.parse(JSON.stringify(value), (key, v: unknown) =>
    key === '$ref' && typeof v === 'string' ? v.replace('#/components/schemas/', `#/components/schemas/${upstream}.`) : v)
}

/**
 * The public document: `base` (the frontend's own routes) plus, for each public route, the
 * upstream's operation under the path it has through the frontend, tagged with the upstream's
 * name. Upstream routes that are not public never appear; a missing upstream is named in the
 * description.
 */
export function publicDocument (base: OpenApiDocument, upstreams: Record<UpstreamName, UpstreamDocument>, routes: readonly PublicRoute[]): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = { ...base.paths }
  const schemas: Record<string, unknown> = { ...base.components?.schemas }
  const notes: string[] = []
  for (const [name, entry] of Object.entries(upstreams) as Array<[UpstreamName, UpstreamDocument]>) {
    if ('missing' in entry) {
      notes.push(`The ${name} service's routes are missing from this document: ${entry.missing}. Reload once it runs.`)
      continue
    }
    const { document } = entry
    for (const [schemaName, schema] of Object.entries(document.components?.schemas ?? {})) {
      schemas[`${name}.${schemaName}`] = renameRefs(schema, name)
    }
    for (const route of routes.filter((r) => r.upstream === name)) {
      const method = route.method.toLowerCase()
      const operation = document.paths[openApiPath(route.path)]?.[method]
      if (operation === undefined) continue
      const publicPath = openApiPath(route.prefix + route.path)
      const tagged = { ...(renameRefs(operation, name) as Record<string, unknown>), tags: [name] }
      paths[publicPath] = { ...paths[publicPath], [method]: tagged }
    }
  }
  const description = [base.info.description, ...notes].filter(Boolean).join('\n\n')
  return {
    ...base,
    info: { ...base.info, description },
    tags: [...(base.tags ?? []), ...Object.keys(upstreams).map((name) => ({ name }))],
    paths,
    components: { ...base.components, schemas }
  }
}
