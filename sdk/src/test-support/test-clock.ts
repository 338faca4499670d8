/** A clock the SDK reads through `clock: test.now`; tests move it by seconds. */
export class TestClock {
  #ms: number;

  constructor(start = '2026-12-06T05:00:00Z') {
    this.#ms = Date.parse(start);
  }

  readonly now = (): Date => new Date(this.#ms);

  advance(seconds: number): void {
    this.#ms += seconds * 1_000;
  }
}
