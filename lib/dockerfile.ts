// Reads the repository's Dockerfile into stages of instructions: what
// tests/ops/dockerfile.test.ts checks against the README and the gateway, and
// what bench/tools/docker-steps.ts runs as written (no image can be built here).
// Only the Dockerfile syntax this project uses: line continuations, comments,
// ARG/ENV with defaults, exec-form (JSON) and shell-form commands.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../engine/src/package-root.js';

export const DOCKERFILE = join(packageRoot, 'Dockerfile');

export interface Instruction {
  /** FROM, RUN, COPY, … upper case. */
  readonly keyword: string;
  /** The rest of the instruction, continuations joined with a space. */
  readonly args: string;
  /** The exec form's argv when args is a JSON array, else undefined (shell form). */
  readonly exec: readonly string[] | undefined;
  readonly line: number;
}

export interface Stage {
  readonly name: string;
  readonly from: string;
  readonly instructions: readonly Instruction[];
}

export interface Dockerfile {
  /** ARGs before the first FROM, with their defaults. */
  readonly globalArgs: Readonly<Record<string, string>>;
  readonly stages: readonly Stage[];
}

export function readDockerfile(path: string = DOCKERFILE): Dockerfile {
  return parseDockerfile(readFileSync(path, 'utf8'), path);
}

export function parseDockerfile(text: string, where = 'Dockerfile'): Dockerfile {
  const instructions: Instruction[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    while (line.endsWith('\\')) {
      line = line.slice(0, -1).trimEnd();
      i++;
      if (i >= lines.length) throw new Error(`${where}:${start + 1}: the last instruction ends with a line continuation`);
      const next = lines[i]!.trim();
      if (!next.startsWith('#')) line += ` ${next}`;
    }
    const match = /^([A-Za-z]+)\s+(.*)$/.exec(line);
    if (!match) throw new Error(`${where}:${start + 1}: not an instruction: ${line}`);
    const args = match[2]!.trim();
    instructions.push({ keyword: match[1]!.toUpperCase(), args, exec: execForm(args), line: start + 1 });
  }

  const globalArgs: Record<string, string> = {};
  const stages: { name: string; from: string; instructions: Instruction[] }[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const from = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(instruction.args);
      if (!from) throw new Error(`${where}:${instruction.line}: FROM ${instruction.args}: expected IMAGE [AS NAME]`);
      stages.push({ from: substitute(from[1]!, globalArgs), name: from[2] ?? String(stages.length), instructions: [] });
    } else if (stages.length === 0) {
      if (instruction.keyword !== 'ARG') throw new Error(`${where}:${instruction.line}: only ARG may come before the first FROM`);
      const [name, value = ''] = splitAssignment(instruction.args);
      globalArgs[name] = value;
    } else stages[stages.length - 1]!.instructions.push(instruction);
  }
  if (stages.length === 0) throw new Error(`${where}: no FROM`);
  return { globalArgs, stages };
}

/** `ENV A=1 B=2` or `ARG A=1`: the pairs, in order (values without quotes). */
export function assignments(args: string): [string, string][] {
  return args.split(/\s+(?=[A-Za-z_][A-Za-z0-9_]*=)/).map((part) => splitAssignment(part.trim()));
}

/** ${NAME} and $NAME from `values`; unknown names become empty, as Docker does. */
export function substitute(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, braced: string | undefined, bare: string | undefined) => values[(braced ?? bare)!] ?? '');
}

/** The stage called `name`. */
export function stage(dockerfile: Dockerfile, name: string): Stage {
  const found = dockerfile.stages.find((s) => s.name === name);
  if (!found) throw new Error(`the Dockerfile has no stage ${name} (it has ${dockerfile.stages.map((s) => s.name).join(', ')})`);
  return found;
}

function splitAssignment(text: string): [string, string] {
  const eq = text.indexOf('=');
  if (eq < 0) return [text, ''];
  return [text.slice(0, eq), text.slice(eq + 1).replace(/^"(.*)"$/, '$1')];
}

function execForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === 'string')) throw new Error(`not an exec form (a JSON array of strings): ${args}`);
  return parsed;
}

/** The HEALTHCHECK's command (exec form) and its options, e.g. { interval: '10s' }. */
export function healthcheck(s: Stage): { readonly argv: readonly string[]; readonly options: Readonly<Record<string, string>> } {
  const instruction = s.instructions.find((i) => i.keyword === 'HEALTHCHECK');
  if (!instruction) throw new Error(`stage ${s.name} has no HEALTHCHECK`);
  const match = /^((?:--[a-z-]+=\S+\s+)*)CMD\s+(\[.*\])$/.exec(instruction.args);
  if (!match) throw new Error(`Dockerfile:${instruction.line}: HEALTHCHECK ${instruction.args}: expected [--option=value …] CMD ["exec", "form"]`);
  const options = Object.fromEntries(match[1]!.trim().split(/\s+/).filter(Boolean).map((option) => splitAssignment(option.slice(2))));
  return { argv: execForm(match[2]!)!, options };
}

export const DOCKERIGNORE = join(packageRoot, '.dockerignore');

/**
 * Whether a path (relative to the build context, `/`-separated) is left out of
 * it by .dockerignore, read as Docker reads it: patterns anchored at the
 * context root, `*` within one path segment, `**` across any number of them,
 * a folder taking what it holds. `!` exceptions are not supported (the file
 * has none): one is refused rather than misread.
 */
export function dockerignored(path: string = DOCKERIGNORE): (relative: string) => boolean {
  const patterns = readFileSync(path, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((pattern) => {
      if (pattern.startsWith('!')) throw new Error(`${path}: exception patterns (${pattern}) are not supported here`);
      const body = pattern
        .replace(/^\//, '')
        .split('**/')
        .map((part) => part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*'))
        .join('(?:.*/)?');
      return new RegExp(`^${body}(/|$)`);
    });
  return (relative) => patterns.some((pattern) => pattern.test(relative));
}
