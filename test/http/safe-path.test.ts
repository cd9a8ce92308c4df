import { describe, expect, it } from 'vitest';
import { safePath } from '../../src/http/middleware.js';

describe('paths as echoed in logs and problems', () => {
  it("keep a share link's id and drop its secret", () => {
    expect(safePath('/share/shr_4k2m9x0c3v7b1n5q.S3cretT0ken-_x/report.html')).toBe('/share/shr_4k2m9x0c3v7b1n5q.[redacted]/report.html');
    expect(safePath('/share/shr_4k2m9x0c3v7b1n5q.S3cretT0ken')).toBe('/share/shr_4k2m9x0c3v7b1n5q.[redacted]');
    expect(safePath('/v1/runs/run_abc/report')).toBe('/v1/runs/run_abc/report');
  });
});
