// Serves one kind of prepared document (JWKS or discovery) for any key set: 200, 304 or 404.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { unknownKeySet } from './error-responses.js';
import { requestMatchesEtag } from './if-none-match.js';
import { sendPrepared } from './prepared-response.js';
import type { PreparedDocument } from './source.js';

/** The header arrays for one document object, built the first time it is served. */
interface DocumentResponseHeaders {
  readonly ok: string[];
  readonly notModified: string[];
}

export class DocumentEndpoint {
  /**
   * Keyed by document identity: when the source swaps in a new document object the headers are
   * rebuilt once, and the old entry goes away with the old document.
   */
  private readonly headersByDocument = new WeakMap<PreparedDocument, DocumentResponseHeaders>();

  constructor(
    private readonly contentType: string,
    private readonly cacheControl: string,
    private readonly lookup: (keySet: string) => PreparedDocument | undefined,
    /** Told about every GET answered 200 or 304: the client now holds this key set's current document. */
    private readonly onServed?: (keySet: string, req: IncomingMessage) => void,
    /** Told the status of every answer. */
    private readonly onAnswered?: (status: 200 | 304 | 404) => void,
  ) {}

  serve(req: IncomingMessage, res: ServerResponse, keySet: string, isHead: boolean): void {
    const document = this.lookup(keySet);
    if (document === undefined) {
      sendPrepared(res, unknownKeySet(keySet), isHead);
      this.onAnswered?.(404);
      return;
    }
    const headers = this.headersByDocument.get(document) ?? this.prepareHeaders(document);
    // A HEAD answer carries no keys: it tells nothing about what the client holds.
    if (!isHead) this.onServed?.(keySet, req);
    if (requestMatchesEtag(req.rawHeaders, document.etag)) {
      res.writeHead(304, headers.notModified);
      res.end();
      this.onAnswered?.(304);
      return;
    }
    res.writeHead(200, headers.ok);
    if (isHead) res.end();
    else res.end(document.body);
    this.onAnswered?.(200);
  }

  private prepareHeaders(document: PreparedDocument): DocumentResponseHeaders {
    // Sent on 200 and 304 alike: a 304 refreshes the cached entry's caching and CORS metadata.
    const shared = [
      'Cache-Control',
      this.cacheControl,
      'ETag',
      document.etag,
      'Access-Control-Allow-Origin',
      '*',
      // Browser clients may only read ETag cross-origin if it is exposed; they need it to revalidate.
      'Access-Control-Expose-Headers',
      'ETag',
      'X-Content-Type-Options',
      'nosniff',
    ];
    const headers: DocumentResponseHeaders = {
      ok: ['Content-Type', this.contentType, 'Content-Length', String(document.body.length), ...shared],
      notModified: shared,
    };
    this.headersByDocument.set(document, headers);
    return headers;
  }
}
