// Report ingestion throughput: validated items per second into the in-memory aggregator, the path
// both doors share after authentication (target: at least 20,000/s on one core).
import { FailureAggregator } from '../server/src/reports/failure-aggregator.js';
import { acceptFailureReport, type ReportedFailure } from '../server/src/reports/failure-reports.js';

const BATCH = 500;
const BATCHES = 400;
const TARGET_PER_SECOND = 20_000;

export function benchReports(): void {
  const kids = ['k1', 'k2', 'k3'];
  const aggregator = new FailureAggregator({ isKeyOf: (_keySet, kid) => kids.includes(kid) });
  const intake = {
    keySetExists: () => true,
    record: (o: Parameters<typeof aggregator.record>[0]) => aggregator.record(o),
  };
  const now = new Date();
  const reasons = ['UNKNOWN_KID', 'BAD_SIGNATURE', 'EXPIRED', 'KEY_REVOKED'];
  // Half the kids made up, as in a flood; windows spread over the last hour.
  const batches = Array.from({ length: 8 }, (_, b) =>
    Array.from({ length: BATCH }, (_, i): ReportedFailure => ({
      kid: i % 2 === 0 ? kids[i % 3]! : `made-up-${b}-${i}`,
      reason: reasons[i % reasons.length],
      alg: 'ES256',
      count: 1 + (i % 7),
      windowStart: new Date(now.getTime() - ((i * 7_919) % 3_600_000)),
    })),
  );
  const run = (rounds: number) => {
    for (let r = 0; r < rounds; r += 1) {
      acceptFailureReport(
        intake,
        { keySet: 'payments', items: batches[r % batches.length]! },
        `token:client-${r % 50}`,
        now,
      );
    }
  };
  run(50); // warm up
  aggregator.drain();
  const start = process.hrtime.bigint();
  run(BATCHES);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const perSecond = Math.round((BATCH * BATCHES) / seconds);
  const buckets = aggregator.size;
  console.log(
    `reports: ${perSecond.toLocaleString('en')} items/s into the aggregator (${BATCH * BATCHES} items, ` +
      `${buckets} buckets held; target ${TARGET_PER_SECOND.toLocaleString('en')}/s) ${perSecond >= TARGET_PER_SECOND ? 'OK' : 'BELOW TARGET'}`,
  );
}
