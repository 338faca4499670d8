import type { KeySetPolicy } from '@keyward/proto/keyward/v1';
import { policyInWords } from '../../../../lib/format';

export function PolicySection({ policy }: { policy: KeySetPolicy | undefined }) {
  return (
    <section aria-labelledby="policy-heading">
      <h2 id="policy-heading">Policy</h2>
      <ul data-testid="policy">
        {policyInWords(policy).map((sentence) => (
          <li key={sentence}>{sentence}</li>
        ))}
      </ul>
    </section>
  );
}
