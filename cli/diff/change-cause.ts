// Why a consumer changed colour between two rule sets, for `gridcode diff`:
// other rules fired, the same rules with other scores, or the same rules and
// score under other thresholds (yellow, red) or another min_valid_share (the
// share of valid readings below which a consumer is GRAY). The settings that
// differ are listed before → after, so that a row like `MT_107 RED → YELLOW
// 70 → 70 - | -` is explained by `red threshold 70 → 75`.
import { Code, type CompiledRuleSet } from '../../engine/src/index.js';
import type { ColourChange } from './code-diff.js';

/** A rule-set setting that differs between the two rule sets. */
export interface SettingChange {
  readonly setting: 'yellow threshold' | 'red threshold' | 'min_valid_share';
  readonly before: number;
  readonly after: number;
}

/** What made a consumer change colour, checked in this order. */
export type ChangeCause = 'min_valid_share' | 'fired rules' | 'rule scores' | 'thresholds' | '';

export interface CausedChange extends ColourChange {
  readonly cause: ChangeCause;
}

type Settings = Pick<CompiledRuleSet, 'thresholds' | 'minValidShare'>;

/** The thresholds and min_valid_share that differ, in that order. */
export function settingChanges(before: Settings, after: Settings): SettingChange[] {
  const all: SettingChange[] = [
    { setting: 'yellow threshold', before: before.thresholds.yellow, after: after.thresholds.yellow },
    { setting: 'red threshold', before: before.thresholds.red, after: after.thresholds.red },
    { setting: 'min_valid_share', before: before.minValidShare, after: after.minValidShare },
  ];
  return all.filter((s) => s.before !== s.after);
}

/**
 * The cause of a colour change: to or from GRAY with min_valid_share changed;
 * else rules fired on one side only; else the same rules with another score
 * (a rule's score or effect changed); else, the same rules and score, the
 * thresholds if they changed; '' when none of these (it cannot be told here).
 */
export function changeCause(change: ColourChange, settings: readonly SettingChange[]): ChangeCause {
  const changed = (name: SettingChange['setting']) => settings.some((s) => s.setting === name);
  if ((change.before === Code.gray || change.after === Code.gray) && changed('min_valid_share')) return 'min_valid_share';
  if (change.firedBeforeOnly.length + change.firedAfterOnly.length > 0) return 'fired rules';
  if (change.scoreBefore !== change.scoreAfter) return 'rule scores';
  if (changed('yellow threshold') || changed('red threshold')) return 'thresholds';
  return '';
}

/** "yellow threshold 40 → 45, red threshold 70 → 75" */
export function settingsText(settings: readonly SettingChange[]): string {
  return settings.map((s) => `${s.setting} ${s.before} → ${s.after}`).join(', ');
}
