import type { ModelBundle, StratumCondition } from './manifest.js';

/** A prediction interval in the target's unit, at the bundle's calibrated level. */
export interface PredictionInterval {
  low: number;
  high: number;
  level: number;
}

const given = (b: Readonly<Record<string, unknown>>, name: string): boolean =>
  b[name] !== undefined && b[name] !== null;

/** Whether an interval stratum's condition holds for a building: the training script's `applies`, rule for rule. */
export function stratumApplies(when: StratumCondition, b: Readonly<Record<string, unknown>>): boolean {
  if ((when.present ?? []).some((name) => !given(b, name))) return false;
  if ((when.absent ?? []).some((name) => given(b, name))) return false;
  if (when.range !== undefined) {
    const value = b[when.range.input];
    if (typeof value !== 'number') return false;
    const { min, max } = when.range;
    if ((min !== null && value < min) || (max !== null && value >= max)) return false;
  }
  return true;
}

/**
 * The conformal interval around a log-space prediction: the first stratum that applies gives the half-width in log
 * space. Should no stratum apply (a bundle whose strata leave a gap), the widest half-width is used, so the interval
 * errs on the side of honesty.
 *
 * @example
 * predictionInterval(manifest.interval, building, Math.log(7.2e6)) // { low: 2.6e6, high: 2.0e7, level: 0.9 }
 */
export function predictionInterval(
  interval: ModelBundle['interval'],
  building: Readonly<Record<string, unknown>>,
  logValue: number,
): PredictionInterval {
  const stratum = interval.strata.find((s) => stratumApplies(s.when, building));
  const halfWidth = stratum?.halfWidth ?? Math.max(...interval.strata.map((s) => s.halfWidth));
  return { low: Math.exp(logValue - halfWidth), high: Math.exp(logValue + halfWidth), level: interval.level };
}
