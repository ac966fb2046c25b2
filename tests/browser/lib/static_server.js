// A small HTTP server on 127.0.0.1 for the page: /harness/ serves
// tests/browser/page, /peers/ the folder of the original libraries.
import http from 'node:http'
import { readFile } from 'node:fs/promises'
import path from 'node:path'

const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.json': 'application/json' }

function resolveInside (root, urlPath) {
  const file = path.resolve(root, '.' + decodeURIComponent(urlPath))
  return file.startsWith(root + path.sep) ? file : null
}

export async function startStaticServer ({ pageDir, peersDir }) {
  const mounts = [['/harness/', pageDir], ['/peers/', peersDir]]
  const server = http.createServer(async (request, response) => {
    const url = new URL(request.url, 'http://127.0.0.1')
    const mount = mounts.find(([prefix]) => url.pathname.startsWith(prefix))
    const file = mount && resolveInside(mount[1], url.pathname.slice(mount[0].length - 1))
    try {
      if (!file) throw new Error('outside')
      const body = await readFile(file)
      response.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' })
      response.end(body)
    } catch {
      response.writeHead(404)
      response.end()
    }
  })
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise(resolve => server.close(resolve))
  }
}
