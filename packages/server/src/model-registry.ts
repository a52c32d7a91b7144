import type { LoadedBundleView, ModelStoreView } from './contract.js';
import { HttpProblem } from './problem.js';

/** Where the models are: still loading, loaded and verified, or refused. */
export type RegistryState = 'loading' | 'ready' | 'failed' | 'draining';

/**
 * Holds the verified model store once it is loaded, so the app can listen at once and report readiness
 * (`/readyz` is 503 until `ready`). A store that failed to verify is never served.
 *
 * @example
 * const registry = new ModelRegistry();
 * registry.load(loadModelStore(modelsDir)); // resolves later; /readyz turns 200
 */
export class ModelRegistry {
  #state: RegistryState = 'loading';
  #store: ModelStoreView | undefined;
  #failure: string | undefined;
  #draining = false;

  constructor(store?: ModelStoreView) {
    if (store) this.setStore(store);
  }

  get state(): RegistryState {
    return this.#draining ? 'draining' : this.#state;
  }

  /** Why loading failed: a message for the logs, never for a response. */
  get failure(): string | undefined {
    return this.#failure;
  }

  get ready(): boolean {
    return this.#state === 'ready' && !this.#draining;
  }

  setStore(store: ModelStoreView): void {
    this.#store = store;
    this.#state = 'ready';
    this.#failure = undefined;
  }

  fail(reason: string): void {
    this.#store = undefined;
    this.#state = 'failed';
    this.#failure = reason;
  }

  /** Marks the process as shutting down: readiness turns 503 so a balancer stops sending, requests still finish. */
  drain(): void {
    this.#draining = true;
  }

  /** Waits for a store promise; a rejection marks the registry failed (the caller logs the reason). */
  async load(pending: Promise<ModelStoreView>): Promise<boolean> {
    try {
      this.setStore(await pending);
      return true;
    } catch (error) {
      this.fail(
        error instanceof Error ? `${(error as { code?: string }).code ?? error.name}: ${error.message}` : String(error),
      );
      return false;
    }
  }

  /** The store, or a 503 problem while none is verified (a draining process still answers). */
  store(): ModelStoreView {
    if (this.#store === undefined) {
      throw new HttpProblem(503, 'not-ready', 'The models are not loaded and verified yet; retry shortly.', [], {
        'retry-after': '1',
      });
    }
    return this.#store;
  }

  /** The named bundle, or a 404 problem naming the models that exist. */
  bundle(name: string, version?: string): LoadedBundleView {
    const bundle = this.store().get(name, version);
    if (bundle === undefined) {
      const known = this.names();
      const what = version === undefined ? `model "${name}"` : `version "${version}" of model "${name}"`;
      throw new HttpProblem(404, 'model-not-found', `There is no ${what}. Known models: ${known.join(', ')}.`, [
        {
          path: version === undefined ? 'name' : 'version',
          message: `unknown ${version === undefined ? 'model' : 'version'}`,
        },
      ]);
    }
    return bundle;
  }

  /** Names of the loaded models, sorted. */
  names(): string[] {
    return [...this.store().names()].sort();
  }
}
