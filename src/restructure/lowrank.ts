/**
 * Pure math for the closed-form start of a separable convolution: the best rank-m approximation
 * (Eckart–Young, via SVD) of each input channel's slice of a conv kernel.
 *
 * A conv kernel W[s, c, o] (s = spatial tap, c = input channel, o = output channel) becomes a
 * depthwise kernel D[s, c, j] and a pointwise kernel P[c·m + j, o] with
 * W[s, c, o] ≈ Σ_j D[s, c, j] · P[c·m + j, o]. With no activation between the two (Keras
 * SeparableConv2D semantics) the separable layer then computes the best approximation of the
 * original convolution that its shape allows, per input channel.
 */

/**
 * Eigen-decomposition of a symmetric n×n matrix (row-major, not modified) by cyclic Jacobi
 * rotations: exact to rounding and deterministic, and n is a kernel's tap count (9, 25, 49).
 * Returns eigenvalues in descending order and the matching unit eigenvectors as columns of a
 * row-major n×n matrix.
 */
export function symmetricEigen(matrix: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale += a[i]! * a[i]!;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q]! * a[p * n + q]!;
    if (off <= 1e-30 * scale || off === 0) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (apq === 0) continue;
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!, akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!, aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!, vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => a[y * n + y]! - a[x * n + x]!);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((from, j) => {
    values[j] = a[from * n + from]!;
    for (let k = 0; k < n; k++) vectors[k * n + j] = v[k * n + from]!;
  });
  return { values, vectors };
}

export interface SeparableFactors {
  /** [taps, cin, multiplier] (a DepthwiseConv2D kernel flattened). */
  depthwise: Float32Array;
  /** [cin · multiplier, cout] (a 1×1 Conv2D kernel flattened). */
  pointwise: Float32Array;
  /** Fraction of the kernel's squared norm the approximation keeps, in [0, 1]. */
  energy: number;
}

/**
 * Best rank-`multiplier` factors of each input channel's [taps × cout] kernel slice.
 * `kernel` is a Conv2D kernel [kh, kw, cin, cout] flattened (taps = kh·kw). Singular values are
 * split evenly (√σ on each side) so neither factor dwarfs the other when training resumes.
 *
 * @example
 * // A kernel that is exactly separable is reproduced exactly (energy 1).
 * const { depthwise, pointwise } = separableFactors(kernel, 9, cin, cout, 1);
 */
export function separableFactors(kernel: Float32Array, taps: number, cin: number, cout: number, multiplier: number): SeparableFactors {
  if (kernel.length !== taps * cin * cout) throw new Error(`kernel has ${kernel.length} values, expected ${taps}·${cin}·${cout}`);
  const depthwise = new Float32Array(taps * cin * multiplier);
  const pointwise = new Float32Array(cin * multiplier * cout);
  const gram = new Float64Array(taps * taps);
  let total = 0;
  let kept = 0;
  for (let c = 0; c < cin; c++) {
    // Gram matrix M·Mᵀ of this channel's slice M[s, o] (taps × taps: small whatever cout is).
    gram.fill(0);
    for (let s = 0; s < taps; s++) {
      for (let r = s; r < taps; r++) {
        let dot = 0;
        for (let o = 0; o < cout; o++) dot += kernel[(s * cin + c) * cout + o]! * kernel[(r * cin + c) * cout + o]!;
        gram[s * taps + r] = dot;
        gram[r * taps + s] = dot;
      }
      total += gram[s * taps + s]!;
    }
    const { values, vectors } = symmetricEigen(gram, taps);
    for (let j = 0; j < Math.min(multiplier, taps); j++) {
      const lambda = values[j]!;
      if (!(lambda > 1e-20)) continue;
      kept += lambda;
      const sigma = Math.sqrt(lambda);
      const rootSigma = Math.sqrt(sigma);
      for (let s = 0; s < taps; s++) depthwise[(s * cin + c) * multiplier + j] = vectors[s * taps + j]! * rootSigma;
      // Mᵀu = σ·v, so v·√σ = Mᵀu / √σ.
      for (let o = 0; o < cout; o++) {
        let dot = 0;
        for (let s = 0; s < taps; s++) dot += kernel[(s * cin + c) * cout + o]! * vectors[s * taps + j]!;
        pointwise[(c * multiplier + j) * cout + o] = dot / rootSigma;
      }
    }
  }
  return { depthwise, pointwise, energy: total > 0 ? Math.min(1, kept / total) : 1 };
}
