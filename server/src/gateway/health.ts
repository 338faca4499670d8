// GET/HEAD /healthz: liveness. Answers 200 whenever the process can serve at all.

import type { ServerResponse } from 'node:http';
import { prepareJsonResponse, sendPrepared } from './prepared-response.js';

const HEALTHY = prepareJsonResponse(200, { status: 'ok' });

export function sendHealthy(res: ServerResponse, isHead: boolean): void {
  sendPrepared(res, HEALTHY, isHead);
}
