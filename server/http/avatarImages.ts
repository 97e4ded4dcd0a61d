// Serves uploaded profile pictures from the chat server's own origin: GET /avatars/<userId>/<hash>
// answers the picture only while it is that person's current one (a replaced or removed picture
// is gone), with the type sniffed when it was stored, `nosniff`, and a CSP that lets the bytes do
// nothing but be an image, even when opened on their own. Everything else goes to `next`.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Store } from '../store/types.ts';

const avatarPath = /^\/avatars\/([A-Za-z0-9_-]{1,64})\/([0-9a-f]{64})$/;

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

export function createAvatarImageHandler(
  store: Pick<Store, 'getAvatarImage'>,
  next: Handler,
): Handler {
  return (request, response) => {
    const pathname = (request.url ?? '').split('?')[0] ?? '';
    if (!pathname.startsWith('/avatars/')) {
      next(request, response);
      return;
    }
    const match = avatarPath.exec(pathname);
    const method = request.method ?? 'GET';
    const notFound = () => {
      response.statusCode = 404;
      response.setHeader('Content-Type', 'text/plain; charset=utf-8');
      response.setHeader('X-Content-Type-Options', 'nosniff');
      response.end('not found');
    };
    if (method !== 'GET' && method !== 'HEAD') {
      response.statusCode = 405;
      response.setHeader('Allow', 'GET, HEAD');
      response.end();
      return;
    }
    if (!match) {
      notFound();
      return;
    }
    const [, userId = '', hash = ''] = match;
    store.getAvatarImage(userId).then(
      (image) => {
        if (!image || image.hash !== hash) {
          notFound();
          return;
        }
        response.statusCode = 200;
        response.setHeader('Content-Type', image.mime);
        response.setHeader('Content-Length', String(image.bytes.byteLength));
        response.setHeader('X-Content-Type-Options', 'nosniff');
        response.setHeader(
          'Content-Security-Policy',
          "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
        );
        response.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
        // The hash is in the URL: a new picture is a new URL.
        response.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
        response.end(method === 'HEAD' ? undefined : Buffer.from(image.bytes));
      },
      () => {
        response.statusCode = 500;
        response.end();
      },
    );
  };
}
