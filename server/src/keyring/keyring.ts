import type { KeySetView } from './view.js';

/**
 * The in-memory key sets every request is served from. Views are immutable and swapped whole, so
 * a reader sees either the old key set or the new one, never a mix.
 *
 * Reloads overlap (a change notification, a request's own reload, the periodic full reload), and
 * may finish out of order. Each takes a generation number before it reads the database; a view
 * read earlier never replaces one read later.
 */
export class Keyring {
  readonly #views = new Map<string, { view: KeySetView; generation: number }>();
  #generation = 0;
  #loaded = false;

  get loaded(): boolean {
    return this.#loaded;
  }

  /** Take one before reading the database; hand it to put() or replaceAll() with the result. */
  nextGeneration(): number {
    this.#generation += 1;
    return this.#generation;
  }

  get(name: string): KeySetView | undefined {
    return this.#views.get(name)?.view;
  }

  list(): KeySetView[] {
    return [...this.#views.values()]
      .map((entry) => entry.view)
      .sort((a, b) => (a.keySet.name < b.keySet.name ? -1 : 1));
  }

  put(view: KeySetView, generation: number): void {
    const current = this.#views.get(view.keySet.name);
    if (current === undefined || current.generation < generation)
      this.#views.set(view.keySet.name, { view, generation });
  }

  /** A full reload: every key set read at `generation`, except those reloaded since. */
  replaceAll(views: readonly KeySetView[], generation: number): void {
    for (const view of views) this.put(view, generation);
    this.#loaded = true;
  }
}
