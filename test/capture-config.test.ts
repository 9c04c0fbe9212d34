import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCaptureConfig } from '../capture/config.ts';
import { CAPTURE_ERROR_CODES, isCaptureError } from '../capture/errors.ts';

describe('capture configuration', () => {
  it('defaults: synthetic 512×512 at 30 fps, seed 1, 5 s ring (150 frames), looping; frozen', () => {
    const c = parseCaptureConfig({ POCUS_RUNTIME_DIR: '/run/pocus' });
    expect(c).toEqual({
      source: 'synthetic',
      fps: 30,
      frameWidth: 512,
      frameHeight: 512,
      phantomSeed: 1,
      phantomStructures: 5,
      ringSeconds: 5,
      ringFrames: 150,
      loop: true,
      endpoints: {
        frames: 'ipc:///run/pocus/frames.sock',
        results: 'ipc:///run/pocus/results.sock',
        control: 'ipc:///run/pocus/control.sock',
      },
    });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('reads the environment; command-line flags override it', () => {
    const env = {
      POCUS_SOURCE: '/data/a.mha',
      POCUS_FPS: '25',
      POCUS_FRAME_SIZE: '640x480',
      POCUS_PHANTOM_SEED: '-4',
      POCUS_RING_SECONDS: '2',
      POCUS_LOOP: 'false',
      POCUS_FRAMES_ENDPOINT: 'tcp://127.0.0.1:5555',
    };
    const c = parseCaptureConfig(env);
    expect(c).toMatchObject({ source: '/data/a.mha', fps: 25, frameWidth: 640, frameHeight: 480 });
    expect(c).toMatchObject({ phantomSeed: -4, ringFrames: 50, loop: false });
    expect(c.endpoints.frames).toBe('tcp://127.0.0.1:5555');
    const o = parseCaptureConfig(env, [
      '--source',
      'synthetic',
      '--fps=12.5',
      '--frame-size=128x64',
      '--seed=9',
      '--structures=8',
      '--ring-seconds=1',
      '--loop',
    ]);
    expect(o).toMatchObject({ source: 'synthetic', fps: 12.5, frameWidth: 128, frameHeight: 64 });
    expect(o).toMatchObject({ phantomSeed: 9, phantomStructures: 8, ringFrames: 13, loop: true });
    expect(parseCaptureConfig({}, ['--no-loop']).loop).toBe(false);
  });

  it.each([
    [{ POCUS_FPS: '0' }, []],
    [{ POCUS_FPS: '30fps' }, []],
    [{ POCUS_FPS: '' }, []],
    [{ POCUS_FRAME_SIZE: '512' }, []],
    [{ POCUS_FRAME_SIZE: '8192x512' }, []],
    [{ POCUS_PHANTOM_SEED: '1.5' }, []],
    [{ POCUS_PHANTOM_STRUCTURES: '61' }, []],
    [{ POCUS_PHANTOM_STRUCTURES: '-1' }, []],
    [{ POCUS_RING_SECONDS: '0' }, []],
    [{ POCUS_LOOP: 'maybe' }, []],
    [{ POCUS_SOURCE: '  ' }, []],
    [{ POCUS_FRAMES_ENDPOINT: 'localhost:5555' }, []],
    [{}, ['--fps']],
    [{}, ['--colour=red']],
    [{}, ['stray']],
    [{}, ['--no-loop=1']],
  ])('refuses %o %o with CONFIG_INVALID', (env, argv) => {
    let error: unknown;
    try {
      parseCaptureConfig(env, argv);
    } catch (e) {
      error = e;
    }
    expect(isCaptureError(error, 'CONFIG_INVALID'), String(error)).toBe(true);
  });
});

describe('docs/capture.md', () => {
  it('lists exactly the capture error codes, with the same meanings', () => {
    const doc = readFileSync(new URL('../docs/capture.md', import.meta.url), 'utf8');
    const table = doc.slice(doc.indexOf('## Errors'));
    const rows = [...table.matchAll(/^\|\s*`([A-Z_]+)`\s*\|\s*(.+?)\s*\|$/gm)].map((m) => [
      m[1],
      m[2],
    ]);
    expect(Object.fromEntries(rows)).toEqual(CAPTURE_ERROR_CODES);
  });
});
