// GET /audit/export.csv?<the page's filters>: every matching event as CSV, paged through ListEvents
// here and streamed out as it comes. A route handler is a public endpoint: it checks the session
// itself, and only ever acts as the session's own bearer.
import { status } from '@grpc/grpc-js';
import { cookies } from 'next/headers';
import { NextResponse, type NextRequest } from 'next/server';
import {
  auditQuery,
  auditViewFrom,
  isFilterProblem,
  listEventsRequest,
  MAX_PAGE_SIZE,
} from '../../../../lib/audit-filters';
import { auditCsvStream, EXPORT_ROW_CAP } from '../../../../lib/audit-csv';
import { call, isGrpcError } from '../../../../lib/keyward-client';
import { signInPath } from '../../../../lib/next-path';
import { SESSION_COOKIE } from '../../../../lib/session-cookie';
import { problemOf } from '../load-events';

export async function GET(request: NextRequest): Promise<Response> {
  const view = auditViewFrom(request.nextUrl.searchParams);
  // Signed out or expired: sign in, then back to the audit log with these filters.
  const toSignIn = () =>
    NextResponse.redirect(
      new URL(signInPath(`/audit${auditQuery({ ...view, page: '', size: '' })}`), request.url),
      303,
    );
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  if (token === undefined || token === '') return toSignIn();

  const first = listEventsRequest(view, MAX_PAGE_SIZE);
  if (isFilterProblem(first)) return refusal(400, first.message);
  const page = (pageToken: string) => call('listEvents', { ...first, pageToken }, token);
  let firstPage;
  try {
    firstPage = await page('');
  } catch (error) {
    if (isGrpcError(error, status.UNAUTHENTICATED)) return toSignIn();
    const problem = problemOf(error);
    if (problem === undefined) throw error;
    return refusal(isGrpcError(error, status.PERMISSION_DENIED) ? 403 : 400, problem.message);
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return new Response(auditCsvStream(firstPage, page), {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="keyward-audit-${stamp}.csv"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'X-Keyward-Row-Cap': String(EXPORT_ROW_CAP),
    },
  });
}

function refusal(code: number, message: string): Response {
  return new Response(`${message}\n`, {
    status: code,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
  });
}
