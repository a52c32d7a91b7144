/**
 * Incremental construction of a `TreeEnsemble`, shared by every loader. Loaders address nodes by their index inside
 * the current tree, as the file does; the builder range-checks every child index against that tree (so a bad index can
 * never silently point into a neighbouring tree), turns it into an absolute index, and `build()` runs the structural
 * checks of `validate.ts` on the result.
 */
import { MISSING_NAN, NOT_CATEGORICAL, type LeafModels, type TreeEnsemble } from './ensemble.js';
import { modelError } from './errors.js';
import { validateEnsemble } from './validate.js';

/** Everything of a `TreeEnsemble` that is not node storage. */
export type EnsembleMetadata = Omit<TreeEnsemble, 'nodes' | 'categories' | 'treeRoot' | 'treeOutput'>;

/** Largest category code a set may list: bitsets are dense, so a huge code would mean a huge allocation. */
const MAX_CATEGORY_CODE = (1 << 24) - 1;

/**
 * @example
 * ```ts
 * const builder = new EnsembleBuilder();
 * builder.addTree(3, 0);
 * builder.setSplit(0, 0, 0.5, 1, 2, true, 10);
 * builder.setLeaf(1, -1, 4);
 * builder.setLeaf(2, 1, 6);
 * const ensemble = builder.build({ format: 'xgboost-json', rules: 'xgboost', ... });
 * ```
 */
export class EnsembleBuilder {
  // Node storage grows by doubling: typed arrays instead of nine `number[]` pushes per node keep large models fast
  // to load (a 1,000-tree model has ~60,000 nodes).
  private feature = new Int32Array(256);
  private threshold = new Float64Array(256);
  private left = new Int32Array(256);
  private right = new Int32Array(256);
  private defaultLeft = new Uint8Array(256);
  private missingType = new Uint8Array(256);
  private categorySet = new Int32Array(256);
  private value = new Float64Array(256);
  private cover = new Float64Array(256);
  private count = 0;
  private readonly treeRoot: number[] = [];
  private readonly treeOutput: number[] = [];
  private readonly categoryOffset: number[] = [0];
  private readonly categoryBits: number[] = [];
  private base = 0;
  private size = 0;
  /** Linear leaves by absolute node index: intercept, features, coefficients. */
  private readonly leafModels = new Map<number, [number, ArrayLike<number>, ArrayLike<number>]>();

  /** Number of trees added so far. */
  get numTrees(): number {
    return this.treeRoot.length;
  }

  /**
   * Starts a tree of `numNodes` nodes adding to `output`; every node is a leaf of value 0 until set.
   * `root` is the root's index inside the tree (0 in every format the runtime reads).
   */
  addTree(numNodes: number, output: number, root = 0): void {
    if (!Number.isInteger(numNodes) || numNodes < 1) {
      throw modelError('MODEL_TRUNCATED', `tree ${this.treeRoot.length} has ${String(numNodes)} nodes`);
    }
    this.base = this.count;
    this.size = numNodes;
    this.reserve(this.count + numNodes);
    const end = this.base + numNodes;
    this.feature.fill(-1, this.base, end);
    this.threshold.fill(0, this.base, end);
    this.left.fill(-1, this.base, end);
    this.right.fill(-1, this.base, end);
    this.defaultLeft.fill(0, this.base, end);
    this.missingType.fill(MISSING_NAN, this.base, end);
    this.categorySet.fill(NOT_CATEGORICAL, this.base, end);
    this.value.fill(0, this.base, end);
    this.cover.fill(0, this.base, end);
    this.count = end;
    this.treeRoot.push(this.base + this.local(root, 'root'));
    this.treeOutput.push(output);
  }

  /** Makes `node` (index inside the current tree) a leaf. */
  setLeaf(node: number, value: number, cover: number): void {
    const at = this.base + this.local(node, 'node');
    this.feature[at] = -1;
    this.left[at] = -1;
    this.right[at] = -1;
    this.value[at] = value;
    this.cover[at] = cover;
  }

  /**
   * Gives leaf `node` (index inside the current tree) a linear model: `constant` plus `coeffs[i] * x[features[i]]`
   * (see `LeafModels`); its `value` from `setLeaf` remains the output when one of those features is missing.
   */
  setLeafModel(node: number, constant: number, features: ArrayLike<number>, coeffs: ArrayLike<number>): void {
    if (features.length !== coeffs.length) {
      throw modelError(
        'MODEL_TRUNCATED',
        `leaf ${node}: ${features.length} linear features, ${coeffs.length} coefficients`,
      );
    }
    this.leafModels.set(this.base + this.local(node, 'node'), [constant, features, coeffs]);
  }

  /** Makes `node` a numeric split; `left`/`right` are indices inside the current tree. */
  setSplit(
    node: number,
    feature: number,
    threshold: number,
    left: number,
    right: number,
    defaultLeft: boolean,
    cover: number,
    missingType: number = MISSING_NAN,
  ): void {
    const at = this.base + this.local(node, 'node');
    if (!Number.isInteger(feature) || feature < 0 || feature > 0x7fffffff) {
      throw modelError(
        'MODEL_FEATURE_OUT_OF_RANGE',
        `tree ${this.treeRoot.length - 1}, node ${node}: feature index ${String(feature)}`,
      );
    }
    this.feature[at] = feature;
    this.threshold[at] = threshold;
    this.left[at] = this.base + this.local(left, `left child of node ${node}`);
    this.right[at] = this.base + this.local(right, `right child of node ${node}`);
    this.defaultLeft[at] = defaultLeft ? 1 : 0;
    this.missingType[at] = missingType;
    this.categorySet[at] = NOT_CATEGORICAL;
    this.cover[at] = cover;
  }

  /** Makes `node` a categorical split on a set returned by `addCategorySet*`. */
  setCategoricalSplit(
    node: number,
    feature: number,
    categorySet: number,
    left: number,
    right: number,
    defaultLeft: boolean,
    cover: number,
  ): void {
    this.setSplit(node, feature, 0, left, right, defaultLeft, cover);
    this.categorySet[this.base + node] = categorySet;
  }

  /** Adds a category set from its list of codes (non-negative integers); returns its index. */
  addCategorySetFromCodes(codes: ArrayLike<number>): number {
    let max = -1;
    for (let i = 0; i < codes.length; i++) {
      const c = codes[i]!;
      if (!Number.isInteger(c) || c < 0 || c > MAX_CATEGORY_CODE) {
        throw modelError('MODEL_CATEGORY_INVALID', `tree ${this.treeRoot.length - 1}: category code ${String(c)}`);
      }
      if (c > max) max = c;
    }
    const words = (max >>> 5) + 1;
    const start = this.categoryBits.length;
    for (let w = 0; w < words; w++) this.categoryBits.push(0);
    for (let i = 0; i < codes.length; i++) {
      const c = codes[i]!;
      this.categoryBits[start + (c >>> 5)]! |= 1 << (c & 31);
    }
    this.categoryOffset.push(this.categoryBits.length);
    return this.categoryOffset.length - 2;
  }

  /** Adds a category set given as 32-bit words (LightGBM's `cat_threshold`); returns its index. */
  addCategorySetFromBits(words: ArrayLike<number>): number {
    for (let i = 0; i < words.length; i++) {
      const w = words[i]!;
      if (!Number.isInteger(w) || w < 0 || w > 0xffffffff) {
        throw modelError('MODEL_CATEGORY_INVALID', `category bitset word ${String(w)}`);
      }
      this.categoryBits.push(w);
    }
    this.categoryOffset.push(this.categoryBits.length);
    return this.categoryOffset.length - 2;
  }

  /** Freezes the nodes into typed arrays, attaches the metadata and validates the whole ensemble. */
  build(metadata: EnsembleMetadata): TreeEnsemble {
    const ensemble: TreeEnsemble = {
      ...metadata,
      treeRoot: Int32Array.from(this.treeRoot),
      treeOutput: Int32Array.from(this.treeOutput),
      nodes: {
        feature: this.feature.slice(0, this.count),
        threshold: this.threshold.slice(0, this.count),
        left: this.left.slice(0, this.count),
        right: this.right.slice(0, this.count),
        defaultLeft: this.defaultLeft.slice(0, this.count),
        missingType: this.missingType.slice(0, this.count),
        categorySet: this.categorySet.slice(0, this.count),
        value: this.value.slice(0, this.count),
        cover: this.cover.slice(0, this.count),
      },
      categories: { offset: Int32Array.from(this.categoryOffset), bits: Uint32Array.from(this.categoryBits) },
      ...(this.leafModels.size > 0 ? { leafModels: this.packLeafModels() } : {}),
    };
    validateEnsemble(ensemble);
    return ensemble;
  }

  private packLeafModels(): LeafModels {
    const constant = new Float64Array(this.count).fill(NaN);
    const start = new Int32Array(this.count + 1);
    let terms = 0;
    for (const [, features] of this.leafModels.values()) terms += features.length;
    const feature = new Int32Array(terms);
    const coeff = new Float64Array(terms);
    let at = 0;
    for (let n = 0; n < this.count; n++) {
      start[n] = at;
      const model = this.leafModels.get(n);
      if (model === undefined) continue;
      constant[n] = model[0];
      for (let i = 0; i < model[1].length; i++, at++) {
        feature[at] = model[1][i]!;
        coeff[at] = model[2][i]!;
      }
    }
    start[this.count] = at;
    return { constant, start, feature, coeff };
  }

  private reserve(needed: number): void {
    if (needed <= this.feature.length) return;
    let capacity = this.feature.length;
    while (capacity < needed) capacity *= 2;
    const grow = <T extends Int32Array | Float64Array | Uint8Array>(from: T, to: T): T => {
      to.set(from.subarray(0, this.count));
      return to;
    };
    this.feature = grow(this.feature, new Int32Array(capacity));
    this.threshold = grow(this.threshold, new Float64Array(capacity));
    this.left = grow(this.left, new Int32Array(capacity));
    this.right = grow(this.right, new Int32Array(capacity));
    this.defaultLeft = grow(this.defaultLeft, new Uint8Array(capacity));
    this.missingType = grow(this.missingType, new Uint8Array(capacity));
    this.categorySet = grow(this.categorySet, new Int32Array(capacity));
    this.value = grow(this.value, new Float64Array(capacity));
    this.cover = grow(this.cover, new Float64Array(capacity));
  }

  private local(index: number, what: string): number {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) {
      throw modelError(
        'MODEL_CHILD_OUT_OF_RANGE',
        `tree ${this.treeRoot.length - (what === 'root' ? 0 : 1)}: ${what} index ${String(index)} is outside 0..${this.size - 1}`,
      );
    }
    return index;
  }
}
