// Every bound the rule-set compiler enforces, in one place. Rule sets are
// written by district administrators and uploaded through ValidateRuleSet, so
// the compiler must answer any input quickly with a `limit` diagnostic rather
// than overflow the stack, hang, or hand the VM a program it cannot size.
import { MAX_TEMPLATES as TEMPLATE_LIMIT } from '../templates.js';

/** Largest rule-set file, in UTF-8 bytes (checked before YAML parsing). */
export const MAX_SOURCE_BYTES = 1024 * 1024;
/**
 * Deepest YAML nesting ([ { or leading "- " on a line) accepted before the
 * YAML parser even runs: the `yaml` package recurses per level and runs out
 * of stack, or memory, on a few thousand unclosed brackets.
 */
export const MAX_YAML_NESTING = 64;
export const MAX_RULES = 200;
/** Same bound as TemplateSet.from (the WASM scratch is sized for it). */
export const MAX_TEMPLATES = TEMPLATE_LIMIT;
/**
 * Levels of `extends` below a rule set (a district on a region on the default
 * is 2). Each level is compiled again for every file that builds on it, so a
 * chain of a hundred would cost a hundred compilations per file and a message
 * nested a hundred deep; four is more than any real layering needs.
 */
export const MAX_EXTENDS_DEPTH = 4;
/** Characters in one `when` expression. */
export const MAX_EXPRESSION_CHARS = 10_000;
export const MAX_NODES_PER_EXPRESSION = 256;
export const MAX_NODES_TOTAL = 4096;
/** Nested parentheses, calls, `not` and unary minus within one expression. */
export const MAX_NESTING = 32;
/** Instructions of the whole program (`in` lists expand, so nodes alone do not bound it). */
export const MAX_INSTRUCTIONS = 65_536;
/** Stack columns the VM must reserve; nesting bounds it well below this. */
export const MAX_STACK_DEPTH = 64;
/** Length of the rule-set id, a rule id, or the version. */
export const MAX_ID_LENGTH = 100;
/** Length of description and reason texts. */
export const MAX_TEXT_LENGTH = 10_000;
/**
 * Diagnostics reported for one rule set; one more `limit` diagnostic stands
 * for the rest. Without it a 1 MiB draft of stray characters gives a million
 * diagnostics: seconds of work and hundreds of MB of ValidateRuleSet response.
 */
export const MAX_DIAGNOSTICS = 100;

/** `min_valid_share` when the file leaves it out (rules.md suggests 0.8). */
export const DEFAULT_MIN_VALID_SHARE = 0.8;
