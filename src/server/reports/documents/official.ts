import {
  AlignmentType,
  BorderStyle,
  Document,
  DocumentGridType,
  Footer,
  Header,
  LineRuleType,
  Packer,
  PageNumber,
  Paragraph,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  VerticalAlignTable,
  WidthType,
  convertMillimetersToTwip,
  type IRunOptions,
} from 'docx';

/*
 * The official document layout of GB/T 9704-2012 (党政机关公文格式), so that what the product
 * prints can be filed, edited in Word or WPS and issued like any other document of the county:
 *
 * - A4; 天头 (top margin) 37 mm, 订口 (left) 28 mm; the type area (版心) is 156 mm × 225 mm, so
 *   the right margin is 26 mm and the bottom 35 mm.
 * - 22 lines of 28 characters: a line grid of 225 mm / 22 lines (a pitch of 28.95 pt), body
 *   lines at that exact spacing, characters 156 mm / 28 apart (`CONDENSE`).
 * - Title in 小标宋 二号 (22 pt), body in 仿宋_GB2312 三号 (16 pt), first-level headings in 黑体,
 *   second-level in 楷体_GB2312, both 三号.
 * - Page numbers "— 1 —" in 4号 (14 pt) half-width 宋体 digits, 7 mm below the type area, on the
 *   outside edge one character in: odd pages right, even pages left.
 * - Issuing body and date below the body, the date's first character two characters right of
 *   the issuer's (unsealed document, §7.3.5.2).
 *
 * Fonts are named as Chinese offices install them; where one is missing (as on a server),
 * Word, WPS and LibreOffice substitute a CJK font of the same kind.
 */

const PAGE = { width: 210, height: 297 } as const;
const MARGIN = { top: 37, bottom: 35, left: 28, right: 26 } as const;
const TYPE_AREA = { width: PAGE.width - MARGIN.left - MARGIN.right, height: PAGE.height - MARGIN.top - MARGIN.bottom } as const;
const LINES = 22;
const CHARS = 28;

const TWIPS_PER_MM = 1440 / 25.4;
/** Body font size, points (三号). */
const BODY_PT = 16;
/** Line pitch in twips, rounded down so that all 22 lines fit the type area (28.95 pt). */
export const LINE_PITCH = Math.floor((TYPE_AREA.height * TWIPS_PER_MM) / LINES);
/**
 * Body characters are set 1/4 pt closer than their size (15.75 pt), so 28 fit the 156 mm line
 * (442.2 pt). A character grid would do the same in Word, but LibreOffice (which renders the
 * PDF) gives a character wider than its grid cell two cells, 14 to a line; condensed text reads
 * the same everywhere, on a line grid that keeps the 22 lines.
 */
const CONDENSE = -Math.ceil((BODY_PT - (TYPE_AREA.width * 72) / 25.4 / CHARS) * 20);
/** One character of body text, twips (indents are counted in characters). */
const CHAR = BODY_PT * 20;

export const FONTS = {
  title: '方正小标宋简体',
  body: '仿宋_GB2312',
  heading: '黑体',
  subheading: '楷体_GB2312',
  pageNumber: '宋体',
  /** Digits and Latin letters of body text. */
  latin: 'Times New Roman',
  /** Hashes: every character the same width, so they can be compared by eye. */
  mono: 'Courier New',
} as const;

const font = (eastAsia: string, latin: string = FONTS.latin) => ({ eastAsia, ascii: latin, hAnsi: latin, cs: latin });
const exactly = (twips: number) => ({ line: twips, lineRule: LineRuleType.EXACT, before: 0, after: 0 });

/** A block of an official document's body, laid out by `officialDocument`. */
export type Block =
  | { kind: 'heading'; text: string }
  | { kind: 'subheading'; text: string }
  | { kind: 'paragraph'; text: string }
  /** Monospaced, smaller: hashes and codes to be compared character by character. */
  | { kind: 'code'; text: string }
  | { kind: 'table'; columns: readonly { header: string; width: number }[]; rows: readonly (readonly string[])[] };

export interface OfficialDocument {
  title: string;
  /** A line under the title in 楷体 (e.g. "(草稿)"). */
  subtitle?: string;
  /** The salutation (主送机关), flush left on the line after the title. */
  addressee?: string;
  body: readonly Block[];
  /** The issuing body (发文机关署名). */
  issuer: string;
  /** The date of the document (成文日期), e.g. "2026年3月2日". */
  date: string;
  /** Printed at the top of every page (演练 for a drill's report). */
  mark?: string;
  /** Document properties: what the file is about, for the file list of Word and WPS. */
  subject?: string;
}

const FULL_WIDTH: Record<string, string> = { ',': '，', ';': '；', ':': '：', '(': '（', ')': '）', '!': '！', '?': '？' };
const CJK = /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/;

/**
 * Chinese punctuation where the text is Chinese: the product's texts write ASCII punctuation,
 * which a printed document sets full-width (GB/T 15834) beside Chinese characters. Times,
 * hashes and Latin text keep theirs; NFKC turns the result back.
 */
export function typeset(text: string): string {
  return text.replace(/[,;:()!?]/g, (mark, i: number) => (CJK.test(text[i - 1] ?? '') || CJK.test(text[i + 1] ?? '') ? FULL_WIDTH[mark]! : mark));
}

/** Body text runs: one run, in the body font unless told. */
const run = (text: string, opts: Omit<IRunOptions, 'text'> = {}) => new TextRun({ text: typeset(text), font: font(FONTS.body), size: BODY_PT * 2, characterSpacing: CONDENSE, ...opts });

/** Width of a text in characters of the grid: half for digits and Latin letters. */
function widthInChars(text: string): number {
  let n = 0;
  for (const ch of text) n += ch.charCodeAt(0) < 0x2000 ? 0.5 : 1;
  return n;
}

function blockParagraphs(block: Block): (Paragraph | Table)[] {
  switch (block.kind) {
    case 'heading':
      return [new Paragraph({ spacing: exactly(LINE_PITCH), indent: { firstLine: 2 * CHAR }, children: [run(block.text, { font: font(FONTS.heading) })] })];
    case 'subheading':
      return [new Paragraph({ spacing: exactly(LINE_PITCH), indent: { firstLine: 2 * CHAR }, children: [run(block.text, { font: font(FONTS.subheading) })] })];
    case 'paragraph':
      return [new Paragraph({ spacing: exactly(LINE_PITCH), alignment: AlignmentType.JUSTIFIED, indent: { firstLine: 2 * CHAR }, children: [run(block.text)] })];
    case 'code':
      return [new Paragraph({ spacing: exactly(LINE_PITCH), indent: { left: 2 * CHAR }, children: [run(block.text, { font: font(FONTS.mono, FONTS.mono), size: 20, characterSpacing: 0 })] })];
    case 'table':
      return [table(block), new Paragraph({ spacing: exactly(LINE_PITCH), children: [] })];
  }
}

/** A table across the type area in 仿宋 小四 (12 pt), its header row in 黑体 repeated on each page. */
function table(block: Extract<Block, { kind: 'table' }>): Table {
  const full = Math.round(TYPE_AREA.width * TWIPS_PER_MM);
  const total = block.columns.reduce((n, c) => n + c.width, 0);
  const widths = block.columns.map((c) => Math.floor((c.width / total) * full));
  const border = { style: BorderStyle.SINGLE, size: 4, color: '000000' };
  const cell = (text: string, i: number, header: boolean) =>
    new TableCell({
      width: { size: widths[i]!, type: WidthType.DXA },
      verticalAlign: VerticalAlignTable.CENTER,
      margins: { left: 60, right: 60, top: 20, bottom: 20 },
      children: (text === '' ? [''] : text.split('\n')).map(
        (line) =>
          new Paragraph({
            spacing: exactly(320),
            alignment: header ? AlignmentType.CENTER : AlignmentType.LEFT,
            // Off the line grid: table lines are set at their own 16 pt.
            children: [run(line, { size: 24, snapToGrid: false, ...(header ? { font: font(FONTS.heading) } : {}) })],
          }),
      ),
    });
  return new Table({
    width: { size: full, type: WidthType.DXA },
    columnWidths: widths,
    layout: TableLayoutType.FIXED,
    borders: { top: border, bottom: border, left: border, right: border, insideHorizontal: border, insideVertical: border },
    rows: [
      new TableRow({ tableHeader: true, children: block.columns.map((c, i) => cell(c.header, i, true)) }),
      ...block.rows.map((row) => new TableRow({ cantSplit: true, children: row.map((text, i) => cell(text, i, false)) })),
    ],
  });
}

/** The page number "— n —", on the outside edge one character in. */
function pageNumber(side: 'odd' | 'even'): Footer {
  const size = 28;
  const f = font(FONTS.pageNumber, FONTS.pageNumber);
  return new Footer({
    children: [
      new Paragraph({
        alignment: side === 'odd' ? AlignmentType.RIGHT : AlignmentType.LEFT,
        indent: side === 'odd' ? { right: CHAR } : { left: CHAR },
        spacing: exactly(size * 10),
        children: [new TextRun({ children: ['— ', PageNumber.CURRENT, ' —'], font: f, size })],
      }),
    ],
  });
}

/** The mark at the top of every page (演练), in 黑体 三号, centred. */
function markHeader(mark: string | undefined): Header {
  return new Header({ children: [new Paragraph({ alignment: AlignmentType.CENTER, children: mark ? [run(mark, { font: font(FONTS.heading), bold: true })] : [] })] });
}

/** Issuer and date: the date's first character two characters right of the issuer's; the longer one two characters in from the right. */
function signature(issuer: string, date: string): Paragraph[] {
  const a = widthInChars(issuer);
  const b = widthInChars(date);
  const issuerRight = a - b >= 2 ? 2 : 2 + (b + 2 - a);
  const dateRight = a - b >= 2 ? a - b : 2;
  const line = (text: string, right: number) => new Paragraph({ spacing: exactly(LINE_PITCH), alignment: AlignmentType.RIGHT, indent: { right: Math.round(right * CHAR) }, children: [run(text)] });
  return [new Paragraph({ spacing: exactly(LINE_PITCH), children: [] }), line(issuer, issuerRight), line(date, dateRight)];
}

/** An official document (GB/T 9704) as DOCX bytes. */
export async function officialDocument(doc: OfficialDocument): Promise<Buffer> {
  const header = markHeader(doc.mark);
  const children: (Paragraph | Table)[] = [
    new Paragraph({ spacing: exactly(LINE_PITCH), alignment: AlignmentType.CENTER, children: [run(doc.title, { font: font(FONTS.title), size: 44 })] }),
    ...(doc.subtitle ? [new Paragraph({ spacing: exactly(LINE_PITCH), alignment: AlignmentType.CENTER, children: [run(doc.subtitle, { font: font(FONTS.subheading) })] })] : []),
    new Paragraph({ spacing: exactly(LINE_PITCH), children: [] }),
    ...(doc.addressee ? [new Paragraph({ spacing: exactly(LINE_PITCH), children: [run(doc.addressee)] })] : []),
    ...doc.body.flatMap(blockParagraphs),
    ...signature(doc.issuer, doc.date),
  ];
  const document = new Document({
    title: doc.title,
    subject: doc.subject ?? doc.title,
    creator: doc.issuer,
    lastModifiedBy: doc.issuer,
    evenAndOddHeaderAndFooters: true,
    // Normal carries the body size as well as the defaults: LibreOffice sizes the character grid by the Normal style.
    styles: {
      default: { document: { run: { font: font(FONTS.body), size: BODY_PT * 2 }, paragraph: { spacing: exactly(LINE_PITCH) } } },
      paragraphStyles: [{ id: 'Normal', name: 'Normal', quickFormat: true, run: { font: font(FONTS.body), size: BODY_PT * 2 }, paragraph: { spacing: exactly(LINE_PITCH) } }],
    },
    sections: [
      {
        properties: {
          page: {
            size: { width: convertMillimetersToTwip(PAGE.width), height: convertMillimetersToTwip(PAGE.height) },
            margin: {
              top: convertMillimetersToTwip(MARGIN.top),
              bottom: convertMillimetersToTwip(MARGIN.bottom),
              left: convertMillimetersToTwip(MARGIN.left),
              right: convertMillimetersToTwip(MARGIN.right),
              header: convertMillimetersToTwip(20),
              // The number's line: its top 7 mm below the type area, 14 pt high.
              footer: convertMillimetersToTwip(MARGIN.bottom - 7) - 14 * 20,
            },
          },
          grid: { type: DocumentGridType.LINES, linePitch: LINE_PITCH },
        },
        headers: { default: header, even: header },
        footers: { default: pageNumber('odd'), even: pageNumber('even') },
        children,
      },
    ],
  });
  return Packer.toBuffer(document);
}
