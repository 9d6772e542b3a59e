import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ApiError } from '../../errors.js';
import { refusal } from '../../../i18n/refusals.js';

/*
 * PDF from DOCX with LibreOffice (`soffice --headless --convert-to pdf`), so the PDF is the
 * same document as the DOCX, laid out by a word processor. LibreOffice is a system package,
 * not an npm one: a server without it answers `pdf_unavailable` and the DOCX still works.
 *
 * One conversion at a time per process: each takes seconds and most of a core (starting the
 * office). Each runs with its own LibreOffice profile in its own temporary folder, so
 * conversions of several processes never meet and nothing is left behind. The last few
 * results are kept by content, so the same report printed twice is converted once.
 */

/** The LibreOffice binary: `YINGJI_SOFFICE` when set, else `soffice` on the PATH. */
const sofficeBinary = () => process.env.YINGJI_SOFFICE || 'soffice';
/** A conversion that takes longer than this has hung. */
const TIMEOUT_MS = 120_000;
/** How many converted PDFs are kept. */
const KEEP = 16;

let queue: Promise<unknown> = Promise.resolve();
const done = new Map<string, Buffer>();

/** Runs soffice; `pdf_unavailable` when it is not installed. */
function soffice(args: readonly string[], home: string): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile(sofficeBinary(), args, { timeout: TIMEOUT_MS, env: { ...process.env, HOME: process.env.HOME ?? home } }, (error, _stdout, stderr) => {
      if (!error) resolve();
      else if ((error as NodeJS.ErrnoException).code === 'ENOENT') reject(new ApiError('pdf_unavailable', refusal('report.pdf_unavailable')));
      else reject(new Error(`soffice failed: ${error.message} ${stderr}`.trim()));
    }),
  );
}

async function convert(docx: Buffer): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'yingji-pdf-'));
  try {
    const input = join(dir, 'document.docx');
    await writeFile(input, docx);
    await soffice([`-env:UserInstallation=${pathToFileURL(join(dir, 'profile')).href}`, '--headless', '--norestore', '--nologo', '--convert-to', 'pdf', '--outdir', dir, input], dir);
    return await readFile(join(dir, 'document.pdf'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The PDF of a DOCX. `key` names the document's content (the DOCX bytes carry the time they
 * were made, so they differ on every print): the same key gives the same PDF.
 */
export function docxToPdf(docx: Buffer, key: string): Promise<Buffer> {
  const id = createHash('sha256').update(key).digest('hex');
  const kept = done.get(id);
  if (kept) return Promise.resolve(kept);
  const next = queue.then(() => done.get(id) ?? convert(docx));
  queue = next.catch(() => undefined);
  return next.then((pdf) => {
    done.delete(id);
    done.set(id, pdf);
    while (done.size > KEEP) done.delete(done.keys().next().value!);
    return pdf;
  });
}
