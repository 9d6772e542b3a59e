import { readFileSync, statSync } from 'node:fs';
import { isMap, isNode, isScalar, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { LIMITS } from '../engine/limits.js';

/** A problem in an input file, located so a person can jump to it. */
export interface SourceError {
  file: string;
  line: number;
  col: number;
  message: string;
}

/** Formats an error as `FILE:LINE:COL: message`, the form every command prints. */
export function formatSourceError(e: SourceError): string {
  return `${e.file}:${e.line}:${e.col}: ${e.message}`;
}

export type PathKey = string | number;

/** How deeply a document may nest: columns of indentation, `- ` markers and open flow brackets together. */
export const MAX_YAML_DEPTH = 100;

/** Limits of a parse: text from users is bounded; the server's own organization text need not be. */
export interface YamlLimits {
  /** Characters the text may hold. */
  maxLength?: number;
}

/** A parsed YAML file that can say where any path of its content stands. */
export class YamlSource {
  private js: unknown = null;

  private constructor(
    readonly file: string,
    readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
  ) {}

  /**
   * Parses text; YAML syntax errors come back located, never thrown. Text from users is
   * bounded: its size (`LIMITS.yaml` characters), its nesting and its alias expansions (an
   * alias bomb is an error at its first alias, not a hung or crashed process).
   */
  static parse(file: string, text: string, limits: YamlLimits = {}): { source: YamlSource; errors: SourceError[] } {
    const maxLength = limits.maxLength ?? LIMITS.yaml;
    const refused = (line: number, col: number, message: string) => ({ source: YamlSource.parse(file, '').source, errors: [{ file, line, col, message }] });
    if (text.length > maxLength) {
      return refused(lineAt(text, maxLength), 1, `the file is too large: at most ${maxLength} characters, this one has ${text.length}`);
    }
    const deep = tooDeep(text);
    if (deep) return refused(deep.line, deep.col, `nested too deeply: indentation and open brackets reach more than ${MAX_YAML_DEPTH}`);
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
    const source = new YamlSource(file, doc, lines);
    const errors = doc.errors.map((err) => {
      const pos = lines.linePos(err.pos[0]);
      return { file, line: pos.line, col: pos.col, message: err.message.split('\n')[0] ?? err.message };
    });
    if (!errors.length) {
      try {
        source.js = doc.toJS({ maxAliasCount: LIMITS.yamlAliases });
      } catch (err) {
        // An alias bomb (too many alias expansions) or an alias without its anchor.
        const message = (err as Error).message.split('\n')[0] ?? 'cannot read the document';
        errors.push(source.aliasError(message));
      }
    }
    return { source, errors };
  }

  /** Reads and parses a file; a missing file is reported as a located error at 1:1. */
  static read(file: string): { source: YamlSource | null; errors: SourceError[] } {
    let text: string;
    try {
      // A UTF-8 character takes at most 4 bytes: a larger file cannot be within the limit.
      if (statSync(file).size > 4 * LIMITS.yaml) {
        return { source: null, errors: [{ file, line: 1, col: 1, message: `the file is too large: at most ${LIMITS.yaml} characters` }] };
      }
      text = readFileSync(file, 'utf8');
    } catch (err) {
      return { source: null, errors: [{ file, line: 1, col: 1, message: `cannot read file: ${(err as Error).message}` }] };
    }
    return YamlSource.parse(file, text);
  }

  /** The plain JavaScript value of the document (null when parsing found errors). */
  value(): unknown {
    return this.js;
  }

  /** An error about aliases, located at the alias it names, or else at the first alias. */
  private aliasError(message: string): SourceError {
    const named = /alias[^:]*:\s*(\S+)/i.exec(message)?.[1];
    let first: Node | null = null;
    let match: Node | null = null;
    visit(this.doc, {
      Alias: (_key, node) => {
        first ??= node;
        if (named && node.source === named) {
          match = node;
          return visit.BREAK;
        }
        return undefined;
      },
    });
    const at = (match ?? first) as Node | null;
    const { line, col } = this.lines.linePos(at?.range?.[0] ?? 0);
    const what = /excessive alias count/i.test(message) ? `too many alias expansions (at most ${LIMITS.yamlAliases}): ${message}` : message;
    return { file: this.file, line, col, message: what };
  }

  /**
   * Locates a path: the node itself when it exists, otherwise the deepest existing parent.
   * With `key: true`, points at the map key of the last path element instead of its value.
   */
  locate(path: readonly PathKey[], opts: { key?: boolean } = {}): { line: number; col: number } {
    let node: unknown = this.doc.contents;
    let best: Node | null = isNode(node) ? node : null;
    for (let i = 0; i < path.length; i++) {
      const k = path[i]!;
      if (!isNode(node) || !('items' in node)) break;
      if (isMap(node)) {
        const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === k);
        if (!pair) break;
        if (opts.key && i === path.length - 1 && isNode(pair.key)) {
          best = pair.key;
          break;
        }
        node = pair.value;
      } else {
        node = (node as { items: unknown[] }).items[k as number];
      }
      if (isNode(node)) best = node;
      else break;
    }
    const offset = best?.range?.[0] ?? 0;
    return this.lines.linePos(offset);
  }

  /** A located error at a path. */
  error(path: readonly PathKey[], message: string, opts: { key?: boolean } = {}): SourceError {
    const { line, col } = this.locate(path, opts);
    return { file: this.file, line, col, message };
  }

  /**
   * Validates the document against a zod schema. Every issue comes back located at the
   * offending node, with the path spelled out and what was expected.
   */
  check<S extends z.ZodType>(schema: S): { value: z.infer<S> | null; errors: SourceError[] } {
    const input = this.value();
    const result = schema.safeParse(input);
    if (result.success) return { value: result.data, errors: [] };
    const errors: SourceError[] = [];
    for (const issue of result.error.issues) {
      const path = issue.path.filter((p): p is PathKey => typeof p !== 'symbol');
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) {
          errors.push(this.error([...path, key], `${describePath([...path, key])}: unknown field "${key}"`, { key: true }));
        }
        continue;
      }
      errors.push(this.error(path, `${describePath(path)}: ${issueMessage(issue, valueAt(input, path))}`));
    }
    return { value: null, errors: sortErrors(errors) };
  }
}

/** The line (1-based) of a character offset. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * Where the text nests more deeply than `MAX_YAML_DEPTH`, or null. An upper estimate, before the
 * YAML parser recurses: per line, the indentation plus any leading `- `, `? `, `: ` markers, plus
 * the flow brackets open at that point (brackets in quotes or comments count too).
 */
function tooDeep(text: string): { line: number; col: number } | null {
  let flow = 0;
  let line = 1;
  let lineStart = 0;
  let i = 0;
  while (i <= text.length) {
    // The start of a line: its indentation and block markers.
    let j = i;
    while (j < text.length && (text[j] === ' ' || text[j] === '\t')) j++;
    while (j < text.length && (text[j] === '-' || text[j] === '?' || text[j] === ':') && (text[j + 1] === ' ' || text[j + 1] === '\t')) {
      j += 2;
      while (j < text.length && text[j] === ' ') j++;
    }
    const block = j - i;
    if (block + flow > MAX_YAML_DEPTH) return { line, col: j - lineStart + 1 };
    for (; j < text.length && text[j] !== '\n'; j++) {
      const c = text[j];
      if (c === '[' || c === '{') {
        flow++;
        if (block + flow > MAX_YAML_DEPTH) return { line, col: j - lineStart + 1 };
      } else if ((c === ']' || c === '}') && flow > 0) flow--;
    }
    i = j + 1;
    lineStart = i;
    line++;
  }
  return null;
}

function describePath(path: readonly PathKey[]): string {
  if (path.length === 0) return '(document)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function valueAt(root: unknown, path: readonly PathKey[]): unknown {
  let v: unknown = root;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PathKey, unknown>)[k];
  }
  return v;
}

function issueMessage(issue: z.core.$ZodIssue, value: unknown): string {
  if (issue.code === 'invalid_type' && value === undefined) return `missing; expected ${issue.expected}`;
  if (issue.code === 'invalid_value') {
    return `got ${JSON.stringify(value)}; expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return issue.message.replace(/^Invalid input: /, '');
}

/** Sorts errors by file, line and column so output reads top to bottom. */
export function sortErrors(errors: SourceError[]): SourceError[] {
  return [...errors].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
}
