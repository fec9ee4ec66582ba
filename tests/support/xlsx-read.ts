// A small XLSX reader for tests, independent of the library that writes the
// workbooks (exceljs): the zip is opened with fflate and the SpreadsheetML
// parts (ECMA-376 part 1, §18) are read with regular expressions, enough for
// the plain workbooks gridcode writes: sheet names and order, cells (shared,
// inline and plain strings, numbers), each sheet's frozen pane and column widths.
import { strFromU8, unzipSync } from 'fflate';

export interface XlsxSheet {
  readonly name: string;
  /** Rows of cell values, by position (A = 0); absent cells are undefined. */
  readonly rows: (string | number | undefined)[][];
  /** The frozen pane's ySplit (rows frozen at the top), 0 when none. */
  readonly frozenRows: number;
  /** Column widths by column number (1-based), as the <cols> element gives them. */
  readonly widths: ReadonlyMap<number, number>;
}

export function readXlsx(bytes: Uint8Array): XlsxSheet[] {
  const files = unzipSync(bytes);
  const text = (path: string): string => {
    const file = files[path];
    if (!file) throw new Error(`the workbook has no ${path}`);
    return strFromU8(file);
  };
  const shared = files['xl/sharedStrings.xml'] ? [...text('xl/sharedStrings.xml').matchAll(/<si>([\s\S]*?)<\/si>/g)].map((m) => runsText(m[1]!)) : [];
  const rels = new Map([...text('xl/_rels/workbook.xml.rels').matchAll(/<Relationship ([^>]*)\/>/g)].map((m) => [attr(m[1]!, 'Id'), attr(m[1]!, 'Target')]));
  return [...text('xl/workbook.xml').matchAll(/<sheet ([^>]*)\/>/g)].map((m) => {
    const target = rels.get(attr(m[1]!, 'r:id'))!;
    const xml = text(target.startsWith('/') ? target.slice(1) : `xl/${target}`);
    const pane = /<pane ([^>]*)\/>/.exec(xml);
    const frozenRows = pane && attr(pane[1]!, 'state') === 'frozen' ? Number(attr(pane[1]!, 'ySplit')) : 0;
    const widths = new Map<number, number>();
    for (const col of xml.matchAll(/<col ([^>]*)\/>/g)) {
      for (let c = Number(attr(col[1]!, 'min')); c <= Number(attr(col[1]!, 'max')); c++) widths.set(c, Number(attr(col[1]!, 'width')));
    }
    const rows: (string | number | undefined)[][] = [];
    for (const row of xml.matchAll(/<row ([^>]*)>([\s\S]*?)<\/row>/g)) {
      const cells: (string | number | undefined)[] = [];
      for (const cell of row[2]!.matchAll(/<c ([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
        const ref = attr(cell[1]!, 'r');
        const type = attr(cell[1]!, 't');
        const body = cell[2] ?? '';
        const v = /<v>([\s\S]*?)<\/v>/.exec(body)?.[1];
        let value: string | number | undefined;
        if (type === 's') value = shared[Number(v)];
        else if (type === 'inlineStr') value = runsText(body);
        else if (type === 'str') value = unescapeXml(v ?? '');
        else if (v !== undefined) value = Number(v);
        cells[columnIndex(ref)] = value;
      }
      rows[Number(attr(row[1]!, 'r')) - 1] = cells;
    }
    return { name: unescapeXml(attr(m[1]!, 'name')), rows, frozenRows, widths };
  });
}

function attr(attrs: string, name: string): string {
  const m = new RegExp(`(?:^|\\s)${name.replace(':', '\\:')}="([^"]*)"`).exec(attrs);
  return m ? m[1]! : '';
}

/** The text of a string item: its <t> runs joined. */
function runsText(xml: string): string {
  return [...xml.matchAll(/<t(?: [^>]*)?>([\s\S]*?)<\/t>/g)].map((m) => unescapeXml(m[1]!)).join('');
}

function unescapeXml(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_, e: string) => {
    if (e === 'lt') return '<';
    if (e === 'gt') return '>';
    if (e === 'amp') return '&';
    if (e === 'quot') return '"';
    if (e === 'apos') return "'";
    return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
  });
}

/** A1 → 0, AB7 → 27. */
function columnIndex(ref: string): number {
  let n = 0;
  for (const ch of /^[A-Z]+/.exec(ref)![0]) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}
