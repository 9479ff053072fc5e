import { randomBytes } from 'node:crypto';

/**
 * One part of a multipart/form-data body.
 * @example
 * const part: MultipartPart = { name: 'file', data: bytes, filename: 'file' };
 */
export interface MultipartPart {
  name: string;
  data: Uint8Array | string;
  filename?: string;
  contentType?: string;
}

/**
 * Encodes multipart/form-data as a stream that reports how many bytes went out, so uploads can show
 * progress (fetch's FormData cannot). Parts are sent in the given order: `metadata` before `file`,
 * as aleph's clients do, so a node can check the STORE before the bytes arrive.
 * @example
 * const { body, contentType, length } = multipartBody([{ name: 'file', data: bytes, filename: 'file' }], (n) => console.log(n));
 * await fetch(url, { method: 'POST', body, headers: { 'content-type': contentType, 'content-length': String(length) }, duplex: 'half' });
 */
export function multipartBody(
  parts: MultipartPart[],
  onProgress?: (sentBytes: number, totalBytes: number) => void,
  chunkSize = 256 * 1024,
): {
  body: ReadableStream<Uint8Array>;
  contentType: string;
  length: number;
} {
  const boundary = `----aleph-ts-${randomBytes(12).toString('hex')}`;
  const chunks: Uint8Array[] = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ''}`;
    const type = p.contentType ?? (p.filename !== undefined ? 'application/octet-stream' : undefined);
    const head = `--${boundary}\r\nContent-Disposition: ${disposition}\r\n${type ? `Content-Type: ${type}\r\n` : ''}\r\n`;
    chunks.push(Buffer.from(head, 'utf8'));
    const data = typeof p.data === 'string' ? Buffer.from(p.data, 'utf8') : p.data;
    for (let i = 0; i < data.length; i += chunkSize) chunks.push(data.subarray(i, i + chunkSize));
    chunks.push(Buffer.from('\r\n', 'utf8'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`, 'utf8'));
  const length = chunks.reduce((n, c) => n + c.length, 0);
  let i = 0;
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i >= chunks.length) {
        controller.close();
        return;
      }
      const c = chunks[i++];
      controller.enqueue(c);
      sent += c.length;
      onProgress?.(sent, length);
    },
  });
  return { body, contentType: `multipart/form-data; boundary=${boundary}`, length };
}
