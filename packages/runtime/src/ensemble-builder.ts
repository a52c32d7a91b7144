/**
 * Incremental construction of a `TreeEnsemble`, shared by every loader. Loaders address nodes by their index inside
 * the current tree, as the file does; the builder range-checks every child index against that tree (so a bad index can
 * never silently point into a neighbouring tree), turns it into an absolute index, and `build()` runs the structural
 * checks of `validate.ts` on the result.
 */
import { MISSING_NAN, NOT_CATEGORICAL, type TreeEnsemble } from './ensemble.js';
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
  private readonly feature: number[] = [];
  private readonly threshold: number[] = [];
  private readonly left: number[] = [];
  private readonly right: number[] = [];
  private readonly defaultLeft: number[] = [];
  private readonly missingType: number[] = [];
  private readonly categorySet: number[] = [];
  private readonly value: number[] = [];
  private readonly cover: number[] = [];
  private readonly treeRoot: number[] = [];
  private readonly treeOutput: number[] = [];
  private readonly categoryOffset: number[] = [0];
  private readonly categoryBits: number[] = [];
  private base = 0;
  private size = 0;

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
    this.base = this.feature.length;
    this.size = numNodes;
    for (let i = 0; i < numNodes; i++) {
      this.feature.push(-1);
      this.threshold.push(0);
      this.left.push(-1);
      this.right.push(-1);
      this.defaultLeft.push(0);
      this.missingType.push(MISSING_NAN);
      this.categorySet.push(NOT_CATEGORICAL);
      this.value.push(0);
      this.cover.push(0);
    }
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
      throw modelError('MODEL_FEATURE_OUT_OF_RANGE', `tree ${this.treeRoot.length - 1}, node ${node}: feature index ${String(feature)}`);
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
        feature: Int32Array.from(this.feature),
        threshold: Float64Array.from(this.threshold),
        left: Int32Array.from(this.left),
        right: Int32Array.from(this.right),
        defaultLeft: Uint8Array.from(this.defaultLeft),
        missingType: Uint8Array.from(this.missingType),
        categorySet: Int32Array.from(this.categorySet),
        value: Float64Array.from(this.value),
        cover: Float64Array.from(this.cover),
      },
      categories: { offset: Int32Array.from(this.categoryOffset), bits: Uint32Array.from(this.categoryBits) },
    };
    validateEnsemble(ensemble);
    return ensemble;
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
