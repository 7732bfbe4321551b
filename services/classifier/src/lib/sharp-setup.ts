import sharp from 'sharp'

/**
 * The libvips loaders of the accepted formats, for images in memory (the only
 * way the classifier hands images to sharp). Every other loader (SVG, PDF,
 * the file and stream variants, ...) is blocked process-wide, so even input
 * that slipped past sniffFormat() could not reach one.
 */
export const ALLOWED_LOADERS = [
  'VipsForeignLoadJpegBuffer',
  'VipsForeignLoadPngBuffer',
  'VipsForeignLoadWebpBuffer',
  'VipsForeignLoadNsgifBuffer',
  'VipsForeignLoadTiffBuffer',
  'VipsForeignLoadHeifBuffer'
]

/**
 * Sharp settings for a server that decodes many untrusted images at once: only
 * the accepted formats' loaders may run; one libvips thread per image
 * (parallelism comes from concurrent requests in libuv's threadpool,
 * UV_THREADPOOL_SIZE); no operation cache (every upload differs, and cached
 * operations would keep their pixels after the request).
 */
export function configureSharp (): void {
  sharp.concurrency(1)
  sharp.cache(false)
  sharp.block({ operation: ['VipsForeignLoad'] })
  sharp.unblock({ operation: ALLOWED_LOADERS })
}
