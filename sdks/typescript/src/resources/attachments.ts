import type { Http, ResultOf } from "../http.js";

/** What an upload reads: a browser `File` or `Blob`, bytes, or a stream of bytes. */
export type UploadSource = Blob | ArrayBuffer | Uint8Array | ReadableStream<Uint8Array>;

export interface UploadOptions {
  /** The file's name; a `File`'s own name by default. */
  filename?: string;
  /** A hint only: the server reads the type from the bytes. */
  contentType?: string;
}

/** Stored files: upload once, send with messages by `id`, fetch through signed links. */
export class Attachments {
  constructor(private readonly http: Http) {}

  /**
   * Uploads a file. A `File`, `Blob` or bytes are retried like any call; a stream is sent
   * once. In a browser, pass the `File` of an `<input type="file">`, a drop or a paste.
   */
  upload(file: UploadSource, options: UploadOptions = {}): Promise<ResultOf<"uploadAttachment">> {
    const named = typeof File !== "undefined" && file instanceof File ? file.name : undefined;
    const typed = file instanceof Blob && file.type ? file.type : undefined;
    return this.http.call("uploadAttachment", {
      query: { filename: options.filename ?? named },
      raw: { data: file, contentType: options.contentType ?? typed ?? "application/octet-stream" },
    });
  }

  /** Uploads a file from disk (Node.js), streamed from the file, under its own name. */
  async uploadPath(path: string, options: UploadOptions = {}): Promise<ResultOf<"uploadAttachment">> {
    const fs = await import("node:fs");
    const { basename } = await import("node:path");
    const blob = await fs.openAsBlob(path);
    return this.upload(blob, { filename: basename(path), ...options });
  }

  /** The stored file's object, with fresh signed links. */
  get(id: string): Promise<ResultOf<"getAttachment">> {
    return this.http.call("getAttachment", { path: { id } });
  }

  /** The bytes (or an image's thumbnail), read with this client's credentials. */
  async content(id: string, options: { thumbnail?: boolean } = {}): Promise<Uint8Array> {
    const response = await this.http.send("getAttachmentContent", {
      path: { id },
      query: { size: options.thumbnail ? "thumbnail" : undefined },
    });
    return new Uint8Array(await response.arrayBuffer());
  }
}
