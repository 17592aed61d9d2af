import { Controller, Param, Req, Res } from '@nestjs/common';
import { IdParamsSchema, type Upload } from '@parley/contracts';
import { create as contentDisposition } from 'content-disposition';
import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { ApiRoute } from '../auth/api-route.decorator';
import { CurrentPrincipal } from '../auth/auth.guard';
import type { Principal } from '../auth/principal';
import { ZodPipe } from '../common/zod.pipe';
import { UploadsService } from './uploads.service';

const idParams = new ZodPipe(IdParamsSchema);

/**
 * A file served to a browser runs nothing: its type is the one decided at upload with sniffing
 * off, an image opened on its own gets a CSP that allows only that image, and anything else is a
 * download, never a page of this origin.
 */
const DOWNLOAD_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox";

/**
 * After an early refusal, how much of the rest of the body is read and dropped, and for how long,
 * before the connection is cut. Closing at once (or with `Connection: close`, which Node honours
 * as soon as the answer is written) would reset a connection the client is still writing to, and
 * many clients then report the reset instead of the answer they were sent. A small body is read
 * to its end and the connection stays usable.
 */
// Bounded like nginx's lingering close, by time more than by bytes (dropped bytes cost no memory):
// a client on a busy machine may write megabytes before it reads the answer and stops.
const DRAIN_BYTES = 64 * 1024 * 1024;
const DRAIN_MS = 10_000;

function drainThenClose(req: Request): void {
  let drained = 0;
  const cut = () => req.socket.destroy();
  const timer = setTimeout(cut, DRAIN_MS);
  timer.unref();
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > DRAIN_BYTES) cut();
  });
  req.once('end', () => clearTimeout(timer));
  req.once('close', () => clearTimeout(timer));
  req.resume();
}

@Controller()
export class UploadsController {
  constructor(private readonly uploads: UploadsService) {}

  @ApiRoute('post /threads/{id}/uploads')
  async upload(
    @CurrentPrincipal() principal: Principal,
    @Param(idParams) { id }: { id: string },
    @Req() req: Request,
  ): Promise<Upload> {
    try {
      return await this.uploads.upload(principal, id, req);
    } catch (err) {
      // Refused before the body was read (too large, not allowed): answer now, and cut the
      // connection after a bounded drain rather than read megabytes nobody wants.
      if (!req.complete) drainThenClose(req);
      throw err;
    }
  }

  @ApiRoute('get /attachments/{id}')
  async download(
    @CurrentPrincipal() principal: Principal,
    @Param(idParams) { id }: { id: string },
    @Res() res: Response,
  ): Promise<void> {
    const file = await this.uploads.download(principal, id);
    res.status(200);
    res.setHeader('Content-Type', file.contentType);
    res.setHeader('Content-Length', String(file.size));
    res.setHeader('Content-Disposition', contentDisposition(file.name, { type: file.inline ? 'inline' : 'attachment' }));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', DOWNLOAD_CSP);
    // Who may read it depends on the token: shared caches must not keep it.
    res.setHeader('Cache-Control', 'private, max-age=3600');
    try {
      await pipeline(file.stream, res);
    } catch {
      // The client went away, or the storage broke off: the response is cut short either way.
      res.destroy();
    }
  }
}
