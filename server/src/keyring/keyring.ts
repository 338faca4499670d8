import type { KeySetView } from './view.js';

/**
 * The in-memory key sets every request is served from. Views are immutable and swapped whole, so
 * a reader sees either the old key set or the new one, never a mix.
 */
export class Keyring {
  readonly #views = new Map<string, KeySetView>();
  #loaded = false;

  get loaded(): boolean {
    return this.#loaded;
  }

  get(name: string): KeySetView | undefined {
    return this.#views.get(name);
  }

  list(): KeySetView[] {
    return [...this.#views.values()].sort((a, b) => (a.keySet.name < b.keySet.name ? -1 : 1));
  }

  put(view: KeySetView): void {
    this.#views.set(view.keySet.name, view);
  }

  /** Replaces every view at once (start-up and full reloads). */
  replaceAll(views: readonly KeySetView[]): void {
    this.#views.clear();
    for (const view of views) this.#views.set(view.keySet.name, view);
    this.#loaded = true;
  }
}
